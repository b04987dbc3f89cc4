package mifare

import "testing"

func TestAccessEncoding(t *testing.T) {
	if got := Transport().Encode(); got != [3]byte{0xFF, 0x07, 0x80} {
		t.Fatalf("transport = % X, want FF 07 80", got)
	}
	if got := Personalised().Encode(); got != [3]byte{0x78, 0x77, 0x88} {
		t.Fatalf("personalised = % X, want 78 77 88", got)
	}
	// Every combination survives a round trip.
	for v := 0; v < 1<<12; v++ {
		a := Access{Cond(v & 7), Cond(v >> 3 & 7), Cond(v >> 6 & 7), Cond(v >> 9 & 7)}
		got, err := DecodeAccess(a.Encode())
		if err != nil || got != a {
			t.Fatalf("%v: %v %v", a, got, err)
		}
	}
	if _, err := DecodeAccess([3]byte{0xFF, 0x07, 0x81}); err == nil {
		t.Fatal("inconsistent bits accepted")
	}
}

func TestPersonalisedRights(t *testing.T) {
	d := Personalised()[0]
	if !CanReadData(d, KeyA) || CanWriteData(d, KeyA) || !CanWriteData(d, KeyB) {
		t.Fatal("data blocks: want read A|B, write B only")
	}
	ra, rb := TrailerRightsFor(Personalised()[3], KeyA), TrailerRightsFor(Personalised()[3], KeyB)
	if ra.WriteAccess || ra.WriteKeyB || !ra.ReadAccess || !rb.WriteAccess || !rb.WriteKeyA || !rb.WriteKeyB {
		t.Fatalf("trailer rights A %+v B %+v", ra, rb)
	}
	ta := TrailerRightsFor(Transport()[3], KeyA)
	if !ta.WriteAccess || !ta.WriteKeyA || !ta.WriteKeyB {
		t.Fatal("transport trailer must be writable with key A")
	}
}
