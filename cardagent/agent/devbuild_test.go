//go:build !release

package agent_test

import (
	"context"
	"testing"

	"github.com/lecms/lecms/cardagent/vcard"
)

// Development builds accept the vpcd reader unless told not to; the
// end-to-end suite depends on it.
func TestDevBuildAcceptsVirtualReaders(t *testing.T) {
	const virtual = "Virtual PCD 00 00"
	h := newHarness(t, nil, virtual)
	_ = h.stack.Insert(virtual, vcard.NewISO(isoUID))
	if _, err := h.agent.ReadCard(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
}
