package agent

import (
	"bytes"
	"context"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/chiprecord"
)

// Card states reported by ReadCard.
const (
	CardBlank   = "blank"   // no record at all
	CardValid   = "valid"   // a valid record (the newest is reported)
	CardCorrupt = "corrupt" // only damaged slots: a first write was torn off
)

// Signature states reported by ReadCard.
const (
	SigValid     = "valid"
	SigInvalid   = "invalid"
	SigUnchecked = "unchecked" // no provincial key configured on the agent
)

// SlotInfo describes one slot.
type SlotInfo struct {
	Slot  string `json:"slot"`
	State string `json:"state"`
	Seq   uint32 `json:"seq,omitempty"`
}

// CardRead is what ReadCard returns.
type CardRead struct {
	Reader  string     `json:"reader"`
	ATR     HexBytes   `json:"atr"`
	UID     HexBytes   `json:"uid"`
	Profile string     `json:"profile"`
	State   string     `json:"state"`
	Slots   []SlotInfo `json:"slots"`
	// Record and RecordBytes hold the newest valid record; the server
	// verifies RecordBytes itself rather than trusting the view.
	Record      *RecordView `json:"record,omitempty"`
	RecordBytes Base64Bytes `json:"record_bytes,omitempty"`
	Signature   string      `json:"signature,omitempty"`
	// UIDMatches says whether the record was signed for this chip; false
	// means it was copied from another card.
	UIDMatches *bool `json:"uid_matches,omitempty"`
}

// ReadCard reads the card on reader ("" for the only card present).
func (a *Agent) ReadCard(ctx context.Context, reader string) (*CardRead, error) {
	var out *CardRead
	err := a.withCard(ctx, reader, func(s *session) error {
		p, uid, err := a.open(s)
		if err != nil {
			return err
		}
		sel, err := card.ReadSlots(p)
		if err != nil {
			return err
		}
		out = a.describe(s, p.Name(), uid, sel)
		return nil
	})
	return out, err
}

func (a *Agent) describe(s *session, profile string, uid []byte, sel chiprecord.Selection) *CardRead {
	r := &CardRead{Reader: s.reader, ATR: s.atr, UID: uid, Profile: profile, State: CardBlank}
	for i, sl := range sel.Slots {
		info := SlotInfo{Slot: chiprecord.SlotName(i), State: string(sl.State)}
		if sl.State == chiprecord.SlotValid {
			info.Seq = sl.Record.Seq
		}
		if sl.State == chiprecord.SlotCorrupt {
			r.State = CardCorrupt
		}
		r.Slots = append(r.Slots, info)
	}
	if cur := sel.Current(); cur != nil {
		r.State = CardValid
		r.Record = viewOf(cur)
		r.RecordBytes = sel.Slots[sel.Newest].Raw
		r.Signature = a.checkSignature(cur)
		match := bytes.Equal(cur.CardUID, uid)
		r.UIDMatches = &match
	}
	return r
}

func (a *Agent) checkSignature(r *chiprecord.Record) string {
	if a.cfg.RecordKeys.Len() == 0 {
		return SigUnchecked
	}
	if chiprecord.Verify(r, a.cfg.RecordKeys) != nil {
		return SigInvalid
	}
	return SigValid
}
