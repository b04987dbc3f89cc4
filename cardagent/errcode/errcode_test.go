package errcode

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodesSurviveWrapping(t *testing.T) {
	cause := errors.New("scard: Card was removed.")
	err := fmt.Errorf("write: %w", Wrap(CardRemoved, cause, "the card was removed"))
	if Of(err) != CardRemoved || !Is(err, CardRemoved) || MessageOf(err) != "the card was removed" {
		t.Fatalf("Of %s Message %q", Of(err), MessageOf(err))
	}
	if !errors.Is(err, cause) {
		t.Fatal("cause lost")
	}
	// Uncoded errors are internal, and their text never reaches the SPA.
	plain := errors.New("open /secret/path: permission denied")
	if Of(plain) != Internal || MessageOf(plain) != "internal error" {
		t.Fatal("uncoded error leaks")
	}
}
