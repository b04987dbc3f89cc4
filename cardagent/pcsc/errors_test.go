package pcsc

import (
	"errors"
	"fmt"
	"testing"
)

func TestFromCode(t *testing.T) {
	cases := []struct {
		code uint32
		kind error
	}{
		{0x8010001D, ErrNoService},         // pcscd not running
		{0x8010001E, ErrNoService},         // service stopped
		{0x8010002E, ErrNoReaders},         // "Cannot find a smart card reader."
		{0x80100069, ErrRemovedCard},       // "Card was removed."
		{0x80100016, ErrTransaction},       // "Transaction failed." (card pulled mid-APDU)
		{0x8010000A, ErrTimeout},           // "Command timeout."
		{0x80100017, ErrReaderUnavailable}, // reader unplugged
		{0x8010000B, ErrSharingViolation},
		{0x80100001, ErrOther},
	}
	for _, c := range cases {
		err := fmt.Errorf("wrapped: %w", FromCode(c.code, "text"))
		if !errors.Is(err, c.kind) {
			t.Errorf("%08X: not %v", c.code, c.kind)
		}
	}
	if !CardGone(FromCode(0x80100016, "")) || !CardGone(FromCode(0x80100069, "")) || CardGone(FromCode(0x8010000A, "")) {
		t.Error("CardGone")
	}
	if !ServiceLost(FromCode(0x8010001D, "")) || ServiceLost(FromCode(0x80100069, "")) {
		t.Error("ServiceLost")
	}
}
