package agent

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/ticket"
)

// WriteRequest asks for a record to be written under a ticket.
type WriteRequest struct {
	Purpose ticket.Purpose // what the SPA asked for; must match the ticket
	Reader  string         // "" for the only card present
	Ticket  string         // the server's ticket token
	Record  []byte         // the encoded record the ticket is for
}

// WriteResult reports a successful write.
type WriteResult struct {
	Reader  string   `json:"reader"`
	UID     HexBytes `json:"uid"`
	Profile string   `json:"profile"`
	Slot    string   `json:"slot"`
	Seq     uint32   `json:"seq"`
	// Receipt is the signed receipt token for the SPA to forward to the
	// server unchanged.
	Receipt string `json:"receipt"`
	// AlreadyWritten is true when the card already held exactly this
	// record (a retry after the answer to an earlier attempt was lost).
	AlreadyWritten bool  `json:"already_written"`
	ElapsedMS      int64 `json:"elapsed_ms"`
}

// checked is a ticket and record that passed every check possible before
// touching the card.
type checked struct {
	t   *ticket.Ticket
	rec *chiprecord.Record
	raw []byte
	key *cardkey.Key
}

// checkRequest verifies ticket and record without touching the card, so
// that a bad request is refused before any APDU is sent.
func (a *Agent) checkRequest(req WriteRequest) (*checked, error) {
	if !a.CanWrite() {
		return nil, errcode.New(errcode.TicketInvalid, "no trusted ticket key is configured on this agent")
	}
	t, err := ticket.Parse(req.Ticket)
	if err != nil {
		return nil, errcode.Wrap(errcode.TicketInvalid, err, "the write ticket is malformed")
	}
	if err := a.tickets.Verify(t); err != nil {
		if errors.Is(err, ticket.ErrExpired) {
			return nil, errcode.Wrap(errcode.TicketExpired, err, "the write ticket has expired; ask the server for a new one")
		}
		return nil, errcode.Wrap(errcode.TicketInvalid, err, "the write ticket is not valid")
	}
	if t.Purpose != req.Purpose {
		return nil, errcode.New(errcode.TicketInvalid, "the ticket is for %s, not %s", t.Purpose, req.Purpose)
	}
	if a.used.Used(t.Nonce) {
		return nil, errcode.New(errcode.TicketReplayed, "this ticket has already been used for a write")
	}
	if err := t.CheckRecord(req.Record); err != nil {
		return nil, errcode.Wrap(errcode.RecordMismatch, err, "the record is not the one the ticket is for")
	}
	rec, err := chiprecord.Decode(req.Record)
	if err != nil {
		return nil, errcode.Wrap(errcode.RecordInvalid, err, "the record does not decode")
	}
	if n, _ := chiprecord.EncodedLen(req.Record); n != len(req.Record) {
		return nil, errcode.New(errcode.RecordInvalid, "the record has trailing bytes")
	}
	if rec.CertNo != t.CertNo || (len(rec.CardUID) > 0 && !bytes.Equal(rec.CardUID, t.CardUID)) {
		return nil, errcode.New(errcode.RecordMismatch, "the record's certificate or card differs from the ticket's")
	}
	if a.cfg.RecordKeys.Len() > 0 {
		if err := chiprecord.Verify(rec, a.cfg.RecordKeys); err != nil {
			return nil, errcode.Wrap(errcode.RecordInvalid, err, "the record's provincial signature does not verify")
		}
	}
	c := &checked{t: t, rec: rec, raw: req.Record}
	switch len(t.CardKey) {
	case 0:
	case cardkey.Size:
		k := cardkey.Key(t.CardKey)
		c.key = &k
	default:
		return nil, errcode.New(errcode.TicketInvalid, "the ticket's card key has %d bytes", len(t.CardKey))
	}
	return c, nil
}

// Write writes a record under a ticket and returns a signed receipt. On any
// error the card holds either its previous record or, if the error came
// after the write (read-back), the new one; never a record that is neither.
func (a *Agent) Write(ctx context.Context, req WriteRequest) (*WriteResult, error) {
	c, err := a.checkRequest(req)
	if err != nil {
		return nil, err
	}
	var res *WriteResult
	err = a.withCard(ctx, req.Reader, func(s *session) error {
		start := time.Now()
		// Again under the card lock: the same ticket may have been sent
		// twice at once.
		if a.used.Used(c.t.Nonce) {
			return errcode.New(errcode.TicketReplayed, "this ticket has already been used for a write")
		}
		p, uid, err := a.open(s)
		if err != nil {
			return err
		}
		if err := c.t.CheckCard(uid); err != nil {
			return errcode.Wrap(errcode.WrongCard, err, "this is not the card the ticket is for (card %X, ticket %X)", uid, c.t.CardUID)
		}
		sel, err := card.ReadSlots(p)
		if err != nil {
			return err
		}
		slot, back, already, err := a.writeRecord(p, sel, c)
		if err != nil {
			return err
		}
		receipt, err := ticket.NewReceipt(a.cfg.Device, c.t, uid, back, slot, c.rec.Seq, a.cfg.Now())
		if err != nil {
			return errcode.Wrap(errcode.Internal, err, "cannot sign the receipt")
		}
		token, err := receipt.Encode()
		if err != nil {
			return errcode.Wrap(errcode.Internal, err, "cannot encode the receipt")
		}
		// Claim only after success: a ticket whose write failed (card
		// pulled, say) may be retried until it expires.
		_ = a.used.Claim(ctx, c.t.Nonce, c.t.ExpiresAt)
		res = &WriteResult{
			Reader: s.reader, UID: uid, Profile: p.Name(), Slot: chiprecord.SlotName(slot), Seq: c.rec.Seq,
			Receipt: token, AlreadyWritten: already, ElapsedMS: time.Since(start).Milliseconds(),
		}
		return nil
	})
	if err == nil {
		a.log.Info("card written", "purpose", req.Purpose, "cert", c.t.CertNo, "uid", res.UID, "slot", res.Slot, "seq", res.Seq, "ms", res.ElapsedMS)
	}
	return res, err
}

func (a *Agent) writeRecord(p card.Profile, sel chiprecord.Selection, c *checked) (slot int, back []byte, already bool, err error) {
	cur := sel.Current()
	if cur != nil && bytes.Equal(sel.Slots[sel.Newest].Raw, c.raw) {
		return sel.Newest, sel.Slots[sel.Newest].Raw, true, nil
	}
	switch c.t.Purpose {
	case ticket.Issue:
		if cur != nil && cur.CertNo != c.rec.CertNo {
			return 0, nil, false, errcode.New(errcode.CardNotBlank, "the card already holds certificate %s", cur.CertNo)
		}
	case ticket.Sync:
		if cur == nil {
			return 0, nil, false, errcode.New(errcode.RecordMissing, "the card holds no valid record to update")
		}
		if cur.CertNo != c.rec.CertNo {
			return 0, nil, false, errcode.New(errcode.RecordMismatch, "the card holds certificate %s, the ticket is for %s", cur.CertNo, c.rec.CertNo)
		}
	}
	if cur != nil && c.rec.Seq <= cur.Seq {
		return 0, nil, false, errcode.New(errcode.StaleRecord, "the card's record (seq %d) is not older than the one to write (seq %d)", cur.Seq, c.rec.Seq)
	}
	if p.NeedsKey() && c.key == nil {
		return 0, nil, false, errcode.New(errcode.TicketInvalid, "a %s card needs the card key in the ticket", p.Name())
	}
	if c.t.Purpose == ticket.Issue {
		if err := p.Prepare(c.key); err != nil {
			return 0, nil, false, interrupted(err, cur)
		}
	}
	slot = sel.Target()
	back, err = card.WriteVerified(p, slot, c.raw, c.key)
	if err != nil {
		return 0, nil, false, interrupted(err, cur)
	}
	return slot, back, false, nil
}

// interrupted adds to a failed write what the card still holds, which is
// what the operator needs to know.
func interrupted(err error, cur *chiprecord.Record) error {
	var e *errcode.Error
	if !errors.As(err, &e) {
		return err
	}
	still := "the card holds no record yet"
	if cur != nil {
		still = "the card still holds its previous record"
	}
	return &errcode.Error{Code: e.Code, Message: e.Message + "; " + still + ", retry with the same ticket", Err: e.Err}
}
