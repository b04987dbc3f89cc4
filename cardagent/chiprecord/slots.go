package chiprecord

import "errors"

// A card holds two record slots, A and B. A write always goes to the slot
// that does NOT hold the newest valid record, and readers take the valid
// slot with the highest sequence number. A write torn off by pulling the
// card therefore damages only the slot being written, and the previous
// record stays readable.

// SlotCount is the number of record slots on a card.
const SlotCount = 2

// SlotName returns "A" or "B".
func SlotName(i int) string { return string(rune('A' + i)) }

// SlotState says what a slot holds.
type SlotState string

const (
	SlotEmpty   SlotState = "empty"   // never written (or foreign data)
	SlotValid   SlotState = "valid"   // a complete record with a good checksum
	SlotCorrupt SlotState = "corrupt" // a torn or damaged record
)

// Slot is the decoded content of one slot.
type Slot struct {
	State  SlotState
	Record *Record // set when State is SlotValid
	Raw    []byte  // the encoded record when valid, else what was read
	Err    error   // why the slot is not valid
}

// Selection is the result of inspecting both slots.
type Selection struct {
	Slots  [SlotCount]Slot
	Newest int // index of the newest valid slot, or -1 if none is valid
}

// Inspect decodes the raw contents of the slots and picks the newest valid
// one. raw[i] may be longer than the record (the rest of the slot).
func Inspect(raw [SlotCount][]byte) Selection {
	sel := Selection{Newest: -1}
	for i, b := range raw {
		s := &sel.Slots[i]
		rec, err := Decode(b)
		switch {
		case err == nil:
			n, _ := EncodedLen(b)
			s.State, s.Record, s.Raw = SlotValid, rec, b[:n]
			// Ties cannot arise from the write rule; if a tampered card
			// shows one, prefer slot A so the choice is deterministic.
			if sel.Newest < 0 || rec.Seq > sel.Slots[sel.Newest].Record.Seq {
				sel.Newest = i
			}
		case errors.Is(err, ErrEmpty):
			s.State, s.Raw, s.Err = SlotEmpty, b, err
		default:
			s.State, s.Raw, s.Err = SlotCorrupt, b, err
		}
	}
	return sel
}

// Current returns the newest valid record, or nil if the card holds none.
func (s Selection) Current() *Record {
	if s.Newest < 0 {
		return nil
	}
	return s.Slots[s.Newest].Record
}

// Target returns the slot the next write must go to: the one not holding
// the newest valid record (slot A on a card without one).
func (s Selection) Target() int {
	if s.Newest < 0 {
		return 0
	}
	return 1 - s.Newest
}
