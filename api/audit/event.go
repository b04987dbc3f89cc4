package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"unicode/utf8"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// Entry is a recorded event with its place in the chain.
type Entry struct {
	domain.AuditEvent
	ID   int64
	Hash []byte // H(previous hash || this event), see chainHash
}

// Limits match the audit_events columns; Detail is kept small so the
// trail stays a log and not a copy of the data.
const (
	maxDetailBytes = 4096
	maxShort       = 32
	maxLong        = 64
)

// entryOf validates e and converts it to its stored form. A bad event is a
// programming error: it comes back as an internal error, which the HTTP
// edge logs and does not show.
//
// Scope is the jurisdiction the event belongs to: the region of the record
// acted on, or the actor's own scope when there is none (a login). Events
// without a scope are visible to province administrators only. Detail must
// not carry personal data in clear; values that contain a valid ID number
// are refused as a net for callers that forgot to mask.
func entryOf(e domain.AuditEvent) (store.AuditEntry, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !validAction(e.Action) {
		bad("action %q must be dotted lower-case words such as officer.create", e.Action)
	}
	switch e.Result {
	case domain.AuditSuccess, domain.AuditFailure, domain.AuditDenied:
	default:
		bad("result %q must be success, failure or denied", e.Result)
	}
	if e.Scope != "" {
		if _, err := domain.ParseRegionCode(string(e.Scope)); err != nil {
			bad("scope %q: %v", e.Scope, err)
		}
	}
	if e.IP != "" {
		if _, err := netip.ParseAddr(e.IP); err != nil {
			bad("ip %q is not an IP address", e.IP)
		}
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"actor_name", e.ActorName, maxLong}, {"role", e.Role, maxShort}, {"target_type", e.TargetType, maxShort},
		{"target_id", e.TargetID, maxLong}, {"request_id", e.RequestID, maxLong},
	} {
		if utf8.RuneCountInString(f.value) > f.max || !utf8.ValidString(f.value) {
			bad("%s is longer than %d characters or not UTF-8", f.name, f.max)
		}
	}
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		// Maps marshal with sorted keys: the same detail is the same text.
		if detail, err = json.Marshal(e.Detail); err != nil {
			bad("detail: %v", err)
		} else if len(detail) > maxDetailBytes {
			bad("detail is %d bytes, at most %d", len(detail), maxDetailBytes)
		}
	}
	for _, s := range []string{e.ActorName, e.TargetID, e.RequestID, string(detail)} {
		if containsIDNumber(s) {
			bad("an ID number in clear: pass its masked form")
		}
	}
	if len(problems) > 0 {
		return store.AuditEntry{}, domain.Internal(fmt.Errorf("audit: invalid event %s: %v", e.Action, problems))
	}
	s := store.AuditEntry{
		At: e.At, ActorName: e.ActorName, Role: e.Role, Scope: e.Scope, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Result: e.Result, IP: e.IP,
		RequestID: e.RequestID, Detail: string(detail),
	}
	if e.ActorID != 0 {
		id := e.ActorID
		s.ActorID = &id
	}
	return s, nil
}

// entryFrom converts a stored entry back. Detail numbers stay json.Number
// so large ids are not rounded through float64.
func entryFrom(s store.AuditEntry) Entry {
	e := Entry{ID: s.ID, Hash: s.Hash, AuditEvent: domain.AuditEvent{
		At: s.At, ActorName: s.ActorName, Role: s.Role, Scope: s.Scope, Action: s.Action,
		TargetType: s.TargetType, TargetID: s.TargetID, Result: s.Result, IP: s.IP, RequestID: s.RequestID,
	}}
	if s.ActorID != nil {
		e.ActorID = *s.ActorID
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(s.Detail)))
	dec.UseNumber()
	if dec.Decode(&e.Detail) != nil || len(e.Detail) == 0 {
		e.Detail = nil
	}
	return e
}

// validAction: dot-separated words of a-z, 0-9 and _, each starting with a
// letter, at least two words, at most 64 bytes. Keeping actions ASCII lets
// Search find a family ("officer") by a byte-order range on an index.
func validAction(a string) bool {
	if len(a) == 0 || len(a) > maxLong {
		return false
	}
	words, start := 0, 0
	for i := 0; i <= len(a); i++ {
		if i == len(a) || a[i] == '.' {
			if i == start || a[start] < 'a' || a[start] > 'z' {
				return false
			}
			words, start = words+1, i+1
			continue
		}
		if c := a[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return words >= 2
}

// validActionFilter accepts an action or a family prefix of one ("auth",
// "officer.", "application.approve").
func validActionFilter(a string) bool {
	if len(a) > 0 && a[len(a)-1] == '.' {
		a = a[:len(a)-1]
	}
	return validAction(a) || validAction(a+".x")
}

// containsIDNumber reports whether s holds an 18-character run that is a
// valid GB 11643 ID number (check character and birth date).
func containsIDNumber(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c == 'X' || c == 'x' {
			run++
			if run >= 18 {
				if _, err := domain.ParseIDNumber(s[i-17 : i+1]); err == nil {
					return true
				}
			}
			continue
		}
		run = 0
	}
	return false
}
