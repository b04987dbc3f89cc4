package card

import (
	"bytes"

	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
)

// ReadSlots reads both slots and selects the newest valid record. Each slot
// costs one read for the header and, for a record, one more for the rest.
func ReadSlots(p Profile) (chiprecord.Selection, error) {
	var raw [chiprecord.SlotCount][]byte
	for i := range raw {
		b, err := readSlot(p, i)
		if err != nil {
			return chiprecord.Selection{}, err
		}
		raw[i] = b
	}
	return chiprecord.Inspect(raw), nil
}

func readSlot(p Profile, slot int) ([]byte, error) {
	capacity := min(p.SlotCapacity(), chiprecord.MaxEncodedSize)
	head, err := p.Read(slot, 0, min(p.ReadUnit(), capacity))
	if err != nil {
		return nil, err
	}
	n, err := chiprecord.EncodedLen(head)
	if err != nil || n <= len(head) {
		return head, nil // empty, corrupt or complete: Inspect sorts it out
	}
	if n > capacity {
		return head, nil // a length no valid record has: corrupt
	}
	rest, err := p.Read(slot, len(head), n-len(head))
	if err != nil {
		return nil, err
	}
	return append(head, rest...), nil
}

// WriteVerified writes record into slot, reads it back and compares. It
// returns the bytes read back; a difference is a readback_mismatch error,
// in which case the other slot still holds the previous record.
func WriteVerified(p Profile, slot int, record []byte, key *cardkey.Key) ([]byte, error) {
	if len(record) > p.SlotCapacity() {
		return nil, errcode.New(errcode.RecordTooLarge, "record of %d bytes does not fit a %d-byte slot", len(record), p.SlotCapacity())
	}
	if err := p.Write(slot, record, key); err != nil {
		return nil, err
	}
	back, err := p.Read(slot, 0, len(record))
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(back, record) {
		return back, errcode.New(errcode.ReadbackMismatch, "the card holds other bytes than were written to slot %s", chiprecord.SlotName(slot))
	}
	return back, nil
}
