package chiprecord

import (
	"bytes"
	"testing"

	"github.com/lecms/lecms/cardagent/sigalg"
)

const slotSize = MaxEncodedSize

func slotBytes(rec []byte) []byte {
	s := make([]byte, slotSize)
	copy(s, rec)
	return s
}

func TestInspectPicksNewestValid(t *testing.T) {
	s := newSigner(t, sigalg.Ed25519)
	r1 := encodeSigned(t, sampleRecord(1), s, CRC32)
	r2 := encodeSigned(t, sampleRecord(2), s, CRC32)
	torn := slotBytes(r2[:len(r2)/2])
	empty := make([]byte, slotSize)

	cases := []struct {
		name       string
		a, b       []byte
		wantNewest int
		wantTarget int
		wantSeq    uint32
	}{
		{"blank card", empty, empty, -1, 0, 0},
		{"first write", slotBytes(r1), empty, 0, 1, 1},
		{"second write", slotBytes(r1), slotBytes(r2), 1, 0, 2},
		{"newer in A", slotBytes(r2), slotBytes(r1), 0, 1, 2},
		{"torn B keeps A", slotBytes(r1), torn, 0, 1, 1},
		{"torn A keeps B", torn, slotBytes(r1), 1, 0, 1},
		{"both torn", torn, torn, -1, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sel := Inspect([SlotCount][]byte{c.a, c.b})
			if sel.Newest != c.wantNewest || sel.Target() != c.wantTarget {
				t.Fatalf("newest %d target %d, want %d %d", sel.Newest, sel.Target(), c.wantNewest, c.wantTarget)
			}
			if cur := sel.Current(); (cur == nil) != (c.wantSeq == 0) || (cur != nil && cur.Seq != c.wantSeq) {
				t.Fatalf("current = %+v, want seq %d", cur, c.wantSeq)
			}
		})
	}
}

// TestTornWriteSurvival writes a new record into the target slot chunk by
// chunk (as a card does, 16 or 240 bytes per command) and stops after every
// possible number of chunks, in both write orders: the card must always show
// either the old or the new record, never nothing.
func TestTornWriteSurvival(t *testing.T) {
	s := newSigner(t, sigalg.Ed25519)
	old := encodeSigned(t, sampleRecord(5), s, CRC32)
	next := sampleRecord(6)
	next.LastInspection = Date{2028, 6, 30}
	newRec := encodeSigned(t, next, s, CRC32)

	for _, chunk := range []int{16, 240} {
		for _, reverse := range []bool{false, true} {
			nChunks := (len(newRec) + chunk - 1) / chunk
			for done := 0; done <= nChunks; done++ {
				// Slot B holds seq 4 left over from an earlier write; A holds seq 5.
				prev := sampleRecord(4)
				slots := [SlotCount][]byte{slotBytes(old), slotBytes(encodeSigned(t, prev, s, CRC32))}
				sel := Inspect(slots)
				target := sel.Target()
				for i := 0; i < done; i++ {
					c := i
					if reverse {
						c = nChunks - 1 - i
					}
					end := min((c+1)*chunk, len(newRec))
					copy(slots[target][c*chunk:end], newRec[c*chunk:end])
				}
				cur := Inspect(slots).Current()
				switch {
				case cur == nil:
					t.Fatalf("chunk %d reverse %v: after %d chunks no valid record", chunk, reverse, done)
				case done == nChunks && cur.Seq != 6:
					t.Fatalf("complete write not selected (seq %d)", cur.Seq)
				case done < nChunks && cur.Seq != 5:
					t.Fatalf("chunk %d reverse %v: after %d of %d chunks seq %d is current", chunk, reverse, done, nChunks, cur.Seq)
				}
				if done == nChunks && !bytes.Equal(Inspect(slots).Slots[target].Raw, newRec) {
					t.Fatal("raw bytes of the new slot differ")
				}
			}
		}
	}
}
