package e2e

import (
	"slices"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/ticket"
)

// TestMeasureIssueAndVerify logs how long issuing one record takes once the
// card is seen: from the card_present event to a verified receipt, with the
// server's work (record signing, ticket) included, as in production. It
// asserts nothing about time (machines differ); docs/card-agent.md quotes
// the figures. Target: under 500 ms.
func TestMeasureIssueAndVerify(t *testing.T) {
	s := need(t)
	const rounds = 5
	for _, cc := range cardCases() {
		t.Run(cc.name, func(t *testing.T) {
			var total, write []time.Duration
			for range rounds {
				c := s.client(t)
				card, _ := cc.make()
				ins := s.insert(t, c, card, vpcdPort0) // returns on card_present
				seen := time.Now()
				rv := s.receiptVerifier()
				// The SPA already has the UID from the event; the server
				// signs a record and a ticket for it.
				rec := s.record(t, certNo, ins.info.UID, 1, inspected[1])
				tok, tk := s.ticket(t, ticket.Issue, ins.info.UID, rec, fakeServerDefaults)
				res, err := s.write(t, c, ticket.Issue, "", tok, rec)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := rv.Verify(ctxFor(t, callWait), res.Receipt, tk); err != nil {
					t.Fatal(err)
				}
				total = append(total, time.Since(seen))
				write = append(write, time.Duration(res.ElapsedMS)*time.Millisecond)
				s.remove(t, c, ins)
			}
			slices.Sort(total)
			t.Logf("%s issue-and-verify after card seen, %d rounds: min %v median %v max %v (agent-side card I/O median %v)",
				cc.name, rounds, total[0].Round(time.Millisecond/10), total[rounds/2].Round(time.Millisecond/10), total[rounds-1].Round(time.Millisecond/10), median(write))
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
