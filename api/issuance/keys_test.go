package issuance

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
	"github.com/lecms/lecms/cardagent/ticket"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestKeyConfigFromEnv(t *testing.T) {
	cfg, err := KeyConfigFromEnv(env(nil))
	if err != nil || cfg.SigAlg != sigalg.Ed25519 || cfg.HashAlg != sigalg.SHA256 || cfg.Checksum != chiprecord.CRC32 || cfg.RecordKey != "" {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	// SM2 brings SM3 unless told otherwise: a 密评 deployment uses SM algorithms throughout.
	cfg, err = KeyConfigFromEnv(env(map[string]string{EnvSigAlg: "sm2"}))
	if err != nil || cfg.SigAlg != sigalg.SM2 || cfg.HashAlg != sigalg.SM3 || cfg.Checksum != chiprecord.SM3 {
		t.Fatalf("sm2: %+v %v", cfg, err)
	}
	key, _ := sigalg.Generate(sigalg.SM2, rand.Reader)
	file := filepath.Join(t.TempDir(), "ticket.key")
	if err := os.WriteFile(file, []byte(key.PrivateString()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err = KeyConfigFromEnv(env(map[string]string{EnvTicketKey + "_FILE": file, EnvMaster: strings.Repeat("ab", 16), EnvHashAlg: "sha256"}))
	if err != nil || cfg.TicketKey != key.PrivateString() || len(cfg.Master) != 16 || cfg.HashAlg != sigalg.SHA256 {
		t.Fatalf("from file: %+v %v", cfg, err)
	}
	// Every problem at once, each naming its variable.
	_, err = KeyConfigFromEnv(env(map[string]string{EnvSigAlg: "rsa", EnvRecordKey: "ed25519:AAAA", EnvMaster: "abcd",
		EnvTicketKey: key.PrivateString(), EnvTicketKey + "_FILE": file}))
	for _, want := range []string{EnvSigAlg, EnvRecordKey, EnvMaster, EnvTicketKey + " or " + EnvTicketKey + "_FILE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

// memKeys is a KeyStore in memory.
type memKeys struct {
	mu   sync.Mutex
	keys map[string][2]string
}

func (m *memKeys) EnsureCardKey(_ context.Context, purpose, alg, secret, _ string) (string, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string][2]string{}
	}
	if _, ok := m.keys[purpose]; !ok {
		m.keys[purpose] = [2]string{alg, secret}
	}
	k := m.keys[purpose]
	return k[0], k[1], nil
}

func (m *memKeys) CardKey(_ context.Context, purpose string) (string, string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.keys[purpose]
	return k[0], k[1], ok, nil
}

func TestLoadKeysMakesThemOnceAndConfiguredKeysWin(t *testing.T) {
	ctx := context.Background()
	ks := &memKeys{}
	a, err := LoadKeys(ctx, KeyConfig{}, ks, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKeys(ctx, KeyConfig{}, ks, nil) // a restart, or another replica
	if err != nil {
		t.Fatal(err)
	}
	if a.Record.KeyID() != b.Record.KeyID() || a.Ticket.KeyID() != b.Ticket.KeyID() || string(a.Master) != string(b.Master) {
		t.Fatal("keys changed between starts")
	}
	if a.Record.KeyID() == a.Ticket.KeyID() || a.Record.Alg() != sigalg.Ed25519 || len(a.Master) != 32 {
		t.Fatalf("keys: record %s ticket %s master %d bytes", a.Record.KeyID(), a.Ticket.KeyID(), len(a.Master))
	}
	// Switching to SM2 makes SM2 keys beside the Ed25519 ones.
	sm, err := LoadKeys(ctx, KeyConfig{SigAlg: sigalg.SM2, HashAlg: sigalg.SM3, Checksum: chiprecord.SM3}, ks, nil)
	if err != nil || sm.Record.Alg() != sigalg.SM2 || sm.Ticket.Alg() != sigalg.SM2 || string(sm.Master) != string(a.Master) {
		t.Fatalf("sm2 keys: %v", err)
	}
	if _, _, ok, _ := ks.CardKey(ctx, "record.ed25519"); !ok {
		t.Fatal("the ed25519 key was lost")
	}
	// A key from the environment wins over the database.
	given, _ := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	c, err := LoadKeys(ctx, KeyConfig{TicketKey: given.PrivateString()}, ks, nil)
	if err != nil || c.Ticket.KeyID() != given.KeyID() || c.Record.KeyID() != a.Record.KeyID() {
		t.Fatalf("configured ticket key: %v", err)
	}
}

// What Keys.Sign makes is what the agent accepts, with either algorithm:
// the ticket verifies with the ticket key and binds this card, device and
// record; the record verifies with the provincial key and holds the dates;
// the card key is the one derived for this card only.
func TestSignedTicketIsWhatTheAgentAccepts(t *testing.T) {
	for _, alg := range []sigalg.Alg{sigalg.Ed25519, sigalg.SM2} {
		t.Run(alg.String(), func(t *testing.T) {
			cfg := KeyConfig{SigAlg: alg, HashAlg: sigalg.SHA256, Checksum: chiprecord.CRC32}
			if alg == sigalg.SM2 {
				cfg.HashAlg, cfg.Checksum = sigalg.SM3, chiprecord.SM3
			}
			keys, err := LoadKeys(context.Background(), cfg, &memKeys{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			device, _ := sigalg.Generate(alg, rand.Reader)
			now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
			sub := store.ChipSubject{CertNo: "370102ZF000913", OfficerName: "王小明", UnitCode: "A00001", Area: "济南市历下区", Category: "城市管理"}
			uid := []byte{1, 2, 3, 4}
			w := written{purpose: ticket.Sync, seq: 7, validUntil: domain.MustDate("2028-12-31"), lastInspection: domain.MustDate("2026-12-31")}
			s, err := keys.Sign(sub, uid, w, device.KeyID(), func() time.Time { return now })
			if err != nil {
				t.Fatal(err)
			}
			tk, err := ticket.Parse(s.Token)
			if err != nil {
				t.Fatal(err)
			}
			v := &ticket.Verifier{Keys: sigalg.NewKeySet(keys.Ticket.Public()), Device: device.KeyID(), Now: func() time.Time { return now.Add(time.Minute) }}
			if err := v.Verify(tk); err != nil {
				t.Fatal(err)
			}
			if tk.Purpose != ticket.Sync || tk.CertNo != sub.CertNo || tk.CheckCard(uid) != nil || tk.CheckRecord(s.Record) != nil || tk.HashAlg != cfg.HashAlg {
				t.Fatalf("ticket %+v", tk)
			}
			other, _ := sigalg.Generate(alg, rand.Reader)
			if err := (&ticket.Verifier{Keys: sigalg.NewKeySet(keys.Ticket.Public()), Device: other.KeyID(), Now: v.Now}).Verify(tk); err == nil {
				t.Fatal("a ticket bound to one agent was accepted by another")
			}
			rec, err := chiprecord.Decode(s.Record)
			if err != nil {
				t.Fatal(err)
			}
			if err := chiprecord.Verify(rec, keys.RecordKeys); err != nil {
				t.Fatal(err)
			}
			if rec.Seq != 7 || rec.ValidUntil.String() != "2028-12-31" || rec.LastInspection.String() != "2026-12-31" || rec.Name != "王小明" ||
				rec.SigAlg != alg {
				t.Fatalf("record %+v", rec)
			}
			want, _ := cardkey.Derive(cfg.HashAlg, keys.Master, uid)
			if !bytes.Equal(tk.CardKey, want[:]) {
				t.Fatal("card key is not the card's derived key")
			}
			// Too long for a MIFARE slot (or for a field): refused with its
			// rule, not an internal error.
			for _, long := range []int{16, 30} { // 240 bytes (the record overflows), 450 bytes (the field does)
				sub.Category = strings.Repeat("市场监管、", long)
				_, err := keys.Sign(sub, uid, w, device.KeyID(), time.Now)
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != domain.CodeRuleViolated || de.Fields[0].Rule != "record_too_large" {
					t.Fatalf("oversized record (%d): %v", long, err)
				}
			}
		})
	}
}
