package agent

import (
	"context"

	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/errcode"
)

// Beep sounds the buzzer of reader ("" for the reader holding the only
// card). ACR122U-style readers take the LED/buzzer pseudo-APDU only while a
// card is present, through the card connection.
func (a *Agent) Beep(ctx context.Context, reader string, b apdu.Buzz) error {
	return a.withCard(ctx, reader, func(s *session) error {
		if !a.hasBuzzer(s.reader) {
			return errcode.New(errcode.NotSupported, "reader %q has no known buzzer", s.reader)
		}
		raw, err := s.conn.Transmit(apdu.LEDBuzzer(b))
		if err != nil {
			return card.TransmitError(err, "buzzer")
		}
		r, err := apdu.Parse(raw)
		if err != nil {
			return errcode.Wrap(errcode.CardBadResponse, err, "the reader gave an incomplete answer to the buzzer command")
		}
		if r.SW1() != 0x90 { // SW2 is the LED state
			return errcode.New(errcode.NotSupported, "the reader refused the buzzer command (status %04X)", r.SW)
		}
		return nil
	})
}
