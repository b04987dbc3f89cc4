//go:build release

package agent_test

import (
	"context"
	"testing"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/vcard"
)

// Run with: go test -tags release ./cardagent/agent
func TestReleaseBuildRefusesVirtualReadersWhateverTheConfig(t *testing.T) {
	const virtual = "Virtual PCD 00 00"
	h := newHarness(t, func(c *agent.Config) { c.RefuseVirtualReaders = false }, virtual)
	_ = h.stack.Insert(virtual, vcard.NewISO(isoUID))
	_, err := h.agent.ReadCard(context.Background(), virtual)
	wantCode(t, err, errcode.ReaderForbidden)
	_, err = h.agent.ReadCard(context.Background(), "")
	wantCode(t, err, errcode.ReaderUnavailable)
	if _, readers := h.agent.Readers(); len(readers) != 0 {
		t.Fatalf("release build shows %+v", readers)
	}
}
