package card

import (
	"errors"

	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pcsc"
)

// exchange sends one command and returns the parsed response, turning
// transport failures into coded errors. It does not judge the status word.
func exchange(t Transmitter, name string, cmd []byte) (apdu.Response, error) {
	raw, err := t.Transmit(cmd)
	if err != nil {
		return apdu.Response{}, TransmitError(err, name)
	}
	r, err := apdu.Parse(raw)
	if err != nil {
		return apdu.Response{}, errcode.Wrap(errcode.CardBadResponse, err, "%s: the card gave an incomplete answer", name)
	}
	return r, nil
}

// expectOK is exchange plus a check for 90 00.
func expectOK(t Transmitter, name string, cmd []byte) ([]byte, error) {
	r, err := exchange(t, name, cmd)
	if err != nil {
		return nil, err
	}
	if err := r.Err(name); err != nil {
		return nil, errcode.Wrap(errcode.CardError, err, "%s failed (status %04X)", name, r.SW)
	}
	return r.Data, nil
}

// TransmitError maps an error from PC/SC to a coded error.
func TransmitError(err error, what string) error {
	switch {
	case pcsc.CardGone(err):
		return errcode.Wrap(errcode.CardRemoved, err, "%s: the card was removed", what)
	case pcsc.ServiceLost(err):
		return errcode.Wrap(errcode.PCSCUnavailable, err, "%s: the smart card service stopped", what)
	case errors.Is(err, pcsc.ErrReaderUnavailable), errors.Is(err, pcsc.ErrUnknownReader):
		return errcode.Wrap(errcode.ReaderUnavailable, err, "%s: the reader is gone", what)
	case errors.Is(err, pcsc.ErrSharingViolation):
		return errcode.Wrap(errcode.ReaderUnavailable, err, "%s: another application is using the card", what)
	}
	return errcode.Wrap(errcode.CardError, err, "%s failed", what)
}

func unsupported(format string, args ...any) error {
	return errcode.New(errcode.CardUnsupported, format, args...)
}
