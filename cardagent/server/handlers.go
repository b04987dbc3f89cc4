package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/apdu"
	"github.com/lecms/lecms/cardagent/buildinfo"
	"github.com/lecms/lecms/cardagent/errcode"
	"github.com/lecms/lecms/cardagent/pairing"
	"github.com/lecms/lecms/cardagent/ticket"
)

const agentName = "lecms-cardagent"

func buildKind() string {
	if buildinfo.Release {
		return "release"
	}
	return "dev"
}

// handle answers one request. Only hello, version and the pairing and
// authentication messages work before the session is authenticated.
func (s *session) handle(ctx context.Context, req Request) Response {
	var result any
	var err error
	switch req.Type {
	case TypeHello:
		result, err = s.hello(req)
	case TypeVersion:
		result = VersionResult{Agent: agentName, Version: buildinfo.Version(), Protocol: buildinfo.Protocol, Build: buildKind()}
	case TypePairBegin:
		result, err = s.pairBegin()
	case TypePairComplete:
		result, err = s.pairComplete(req)
	case TypeAuthenticate:
		result, err = s.authenticate(req)
	case TypeUnpair, TypeListReaders, TypeReadCard, TypeIssueCard, TypeSyncInspection, TypeBeep:
		if !s.authenticated() {
			err = errcode.New(errcode.NotPaired, "pair with the agent and authenticate first")
			break
		}
		result, err = s.command(ctx, req)
	default:
		err = errcode.New(errcode.UnknownType, "unknown message type %q", req.Type)
	}
	if err != nil {
		return errorResponse(req, err)
	}
	return okResponse(req, result)
}

func (s *session) hello(req Request) (any, error) {
	var p HelloParams
	if err := decode(req, &p); err != nil {
		return nil, err
	}
	dk := s.srv.cfg.Agent.DeviceKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nonce = pairing.NewNonce()
	return HelloResult{
		Agent: agentName, Version: buildinfo.Version(), Protocol: buildinfo.Protocol, Build: buildKind(),
		Nonce: s.nonce, Authenticated: s.authed,
		DeviceKey: dk.String(), DeviceKeyID: dk.KeyID().String(), CanWrite: s.srv.cfg.Agent.CanWrite(),
	}, nil
}

func (s *session) pairBegin() (any, error) {
	code, exp, err := s.srv.cfg.Codes.New(s.origin, s.id)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "cannot make a pairing code")
	}
	s.srv.cfg.ShowCode(code, s.origin, exp)
	s.srv.log.Info("pairing code requested", "origin", s.origin, "session", s.id)
	return PairBeginResult{ExpiresAt: exp.UTC().Format(time.RFC3339), CodeLength: 6}, nil
}

func (s *session) pairComplete(req Request) (any, error) {
	var p PairCompleteParams
	if err := decode(req, &p); err != nil {
		return nil, err
	}
	if err := s.srv.cfg.Codes.Redeem(s.origin, s.id, p.Code); err != nil {
		s.srv.log.Warn("pairing refused", "origin", s.origin, "session", s.id, "err", err)
		return nil, errcode.Wrap(errcode.PairingFailed, err, "%s", pairingMessage(err))
	}
	pr, err := s.srv.cfg.Pairings.Add(s.origin, p.Label)
	if err != nil {
		return nil, errcode.Wrap(errcode.Internal, err, "cannot save the pairing")
	}
	s.mu.Lock()
	s.authed, s.nonce = true, nil
	s.pairing = &pairing.Pairing{ID: pr.ID, Origin: pr.Origin, Label: pr.Label}
	s.mu.Unlock()
	s.srv.log.Info("paired", "origin", s.origin, "pairing", pr.ID, "label", pr.Label)
	return PairCompleteResult{PairingID: pr.ID, Secret: pr.Secret}, nil
}

func pairingMessage(err error) string {
	switch {
	case errors.Is(err, pairing.ErrWrongCode):
		return strings.TrimPrefix(err.Error(), "pairing: ")
	case errors.Is(err, pairing.ErrCodeUsed):
		return "too many wrong codes; request a new code"
	}
	return "no pairing code is pending for this connection; request one first"
}

func (s *session) authenticate(req Request) (any, error) {
	var p AuthenticateParams
	if err := decode(req, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	nonce := s.nonce
	s.nonce = nil // one answer per nonce, right or wrong
	s.mu.Unlock()
	if nonce == nil {
		return nil, errcode.New(errcode.AuthFailed, "no challenge pending; send hello first")
	}
	pr, err := s.srv.cfg.Pairings.Authenticate(p.PairingID, s.origin, nonce, p.Response)
	if err != nil {
		s.mu.Lock()
		s.failures++
		tooMany := s.failures >= maxAuthFailure
		s.mu.Unlock()
		s.srv.log.Warn("authentication failed", "origin", s.origin, "pairing", p.PairingID, "err", err)
		if tooMany {
			go func() {
				time.Sleep(100 * time.Millisecond) // let the answer go out first
				_ = s.conn.Close(websocket.StatusPolicyViolation, "too many failed authentications")
			}()
		}
		if errors.Is(err, pairing.ErrUnknown) {
			return nil, errcode.Wrap(errcode.NotPaired, err, "this browser is not paired with the agent (or the pairing was removed); pair again")
		}
		return nil, errcode.Wrap(errcode.AuthFailed, err, "the challenge answer is wrong")
	}
	s.mu.Lock()
	s.authed, s.pairing = true, pr
	s.mu.Unlock()
	return AuthenticateResult{Authenticated: true, Label: pr.Label}, nil
}

// command runs an authenticated command and writes an audit line for it.
func (s *session) command(ctx context.Context, req Request) (result any, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.srv.cfg.CommandTimeout)
	defer cancel()
	s.mu.Lock()
	pr := *s.pairing
	s.mu.Unlock()
	var cert string
	defer func() {
		code := "ok"
		if err != nil {
			code = string(errcode.Of(err))
		}
		s.srv.log.Info("command", "type", req.Type, "result", code, "pairing", pr.ID, "label", pr.Label, "origin", s.origin, "cert", cert)
	}()

	a := s.srv.cfg.Agent
	switch req.Type {
	case TypeUnpair:
		if err := s.srv.cfg.Pairings.Remove(pr.ID); err != nil && !errors.Is(err, pairing.ErrUnknown) {
			return nil, errcode.Wrap(errcode.Internal, err, "cannot remove the pairing")
		}
		s.mu.Lock()
		s.authed, s.pairing = false, nil
		s.mu.Unlock()
		return Empty{}, nil
	case TypeListReaders:
		ok, readers := a.Readers()
		if readers == nil {
			readers = []agent.ReaderInfo{}
		}
		return ListReadersResult{PCSCAvailable: ok, Readers: readers}, nil
	case TypeReadCard:
		var p ReaderParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		return a.ReadCard(ctx, p.Reader)
	case TypeIssueCard, TypeSyncInspection:
		var p WriteParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		if p.Ticket == "" || len(p.Record) == 0 {
			return nil, errcode.New(errcode.BadRequest, "%s needs ticket and record", req.Type)
		}
		if t, perr := ticket.Parse(p.Ticket); perr == nil {
			cert = t.CertNo
		}
		purpose := ticket.Issue
		if req.Type == TypeSyncInspection {
			purpose = ticket.Sync
		}
		return a.Write(ctx, agent.WriteRequest{Purpose: purpose, Reader: p.Reader, Ticket: p.Ticket, Record: p.Record})
	case TypeBeep:
		var p BeepParams
		if err := decode(req, &p); err != nil {
			return nil, err
		}
		b := apdu.BuzzOK
		switch p.Pattern {
		case "", "ok":
		case "error":
			b = apdu.BuzzError
		default:
			return nil, errcode.New(errcode.BadRequest, "pattern must be ok or error")
		}
		if err := a.Beep(ctx, p.Reader, b); err != nil {
			return nil, err
		}
		return Empty{}, nil
	}
	return nil, errcode.New(errcode.UnknownType, "unknown message type %q", req.Type)
}
