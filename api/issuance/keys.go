package issuance

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/chiprecord"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// KeyConfig says which algorithms the card keys use and where the keys come
// from. Keys given here (environment or files) win; otherwise they are read
// from the database (sealed with the data key), and made on first start.
// No key is ever in the code.
type KeyConfig struct {
	SigAlg    sigalg.Alg             // algorithm of generated keys: Ed25519 (default) or SM2
	HashAlg   sigalg.HashAlg         // record hash in tickets, MIFARE key derivation
	Checksum  chiprecord.ChecksumAlg // chip record checksum
	RecordKey string                 // provincial record key, "ed25519-private:…" / "sm2-private:…"; "" = database
	TicketKey string                 // ticket key, same forms; "" = database
	Master    []byte                 // MIFARE master secret (≥ 16 bytes); nil = database
}

// Environment variables of the card keys. Each secret may be given as a
// file with the _FILE suffix.
const (
	EnvSigAlg    = "LECMS_CARD_SIG_ALG"       // ed25519 | sm2
	EnvHashAlg   = "LECMS_CARD_HASH_ALG"      // sha256 | sm3 (default: sm3 with sm2, else sha256)
	EnvChecksum  = "LECMS_CARD_CHECKSUM"      // crc32 | sm3 (default: sm3 with sm2, else crc32)
	EnvRecordKey = "LECMS_CARD_RECORD_KEY"    // provincial record-signing private key
	EnvTicketKey = "LECMS_CARD_TICKET_KEY"    // ticket-signing private key
	EnvMaster    = "LECMS_CARD_MASTER_SECRET" // MIFARE master secret, hex or base64
)

// KeyConfigFromEnv reads the card key settings; lookup is os.LookupEnv in
// the server. Every problem is reported at once, naming the variable.
func KeyConfigFromEnv(lookup func(string) (string, bool)) (KeyConfig, error) {
	var errs []error
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	secret := func(name string) string {
		v, file := get(name), get(name+"_FILE")
		if v != "" && file != "" {
			errs = append(errs, fmt.Errorf("set %s or %s_FILE, not both", name, name))
			return ""
		}
		if file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		return v
	}
	cfg := KeyConfig{SigAlg: sigalg.Ed25519}
	if v := get(EnvSigAlg); v != "" {
		alg, err := sigalg.ParseAlg(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvSigAlg, err))
		}
		cfg.SigAlg = alg
	}
	sm := cfg.SigAlg == sigalg.SM2
	cfg.HashAlg, cfg.Checksum = sigalg.SHA256, chiprecord.CRC32
	if sm {
		cfg.HashAlg, cfg.Checksum = sigalg.SM3, chiprecord.SM3
	}
	if v := get(EnvHashAlg); v != "" {
		h, err := sigalg.ParseHashAlg(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvHashAlg, err))
		}
		cfg.HashAlg = h
	}
	if v := get(EnvChecksum); v != "" {
		c, err := chiprecord.ParseChecksumAlg(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvChecksum, err))
		}
		cfg.Checksum = c
	}
	for _, k := range []struct {
		name string
		dst  *string
	}{{EnvRecordKey, &cfg.RecordKey}, {EnvTicketKey, &cfg.TicketKey}} {
		v := secret(k.name)
		if v == "" {
			continue
		}
		if _, err := sigalg.ParsePrivateKey(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.name, err))
			continue
		}
		*k.dst = v
	}
	if v := secret(EnvMaster); v != "" {
		m, err := parseSecret(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", EnvMaster, err))
		}
		cfg.Master = m
	}
	if len(errs) > 0 {
		return KeyConfig{}, fmt.Errorf("card keys: %w", errors.Join(errs...))
	}
	return cfg, nil
}

// parseSecret reads hex or standard base64 of at least cardkey.MinMasterLen bytes.
func parseSecret(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		if b, err = base64.StdEncoding.DecodeString(s); err != nil {
			return nil, errors.New("want hex or base64")
		}
	}
	if len(b) < cardkey.MinMasterLen {
		return nil, fmt.Errorf("at least %d bytes", cardkey.MinMasterLen)
	}
	return b, nil
}

// Keys are the card keys in use.
type Keys struct {
	Record     sigalg.Signer  // provincial key: signs chip records
	Ticket     sigalg.Signer  // signs write tickets
	Master     []byte         // MIFARE master secret
	HashAlg    sigalg.HashAlg // record hash in tickets, card key derivation
	Checksum   chiprecord.ChecksumAlg
	RecordKeys *sigalg.KeySet // to verify what cards hold
}

// KeyStore keeps generated card keys, sealed.
type KeyStore interface {
	EnsureCardKey(ctx context.Context, purpose, alg, secret, public string) (string, string, error)
	CardKey(ctx context.Context, purpose string) (alg, secret string, found bool, err error)
}

// LoadKeys returns the configured keys, reading or making (once, race-free
// across replicas) in ks those the configuration does not give. Stored
// keys are per algorithm, so switching LECMS_CARD_SIG_ALG makes new keys
// (whose public halves the agents then need) without losing the old ones.
func LoadKeys(ctx context.Context, cfg KeyConfig, ks KeyStore, rnd io.Reader) (*Keys, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if cfg.SigAlg == 0 {
		cfg.SigAlg = sigalg.Ed25519
	}
	if !cfg.HashAlg.Valid() {
		cfg.HashAlg = sigalg.SHA256
	}
	if cfg.Checksum == 0 {
		cfg.Checksum = chiprecord.CRC32
	}
	k := &Keys{HashAlg: cfg.HashAlg, Checksum: cfg.Checksum, Master: cfg.Master}
	signer := func(given, purpose string) (sigalg.Signer, error) {
		if given != "" {
			return sigalg.ParsePrivateKey(given)
		}
		purpose += "." + cfg.SigAlg.String()
		_, priv, found, err := ks.CardKey(ctx, purpose)
		if err != nil {
			return nil, err
		}
		if !found {
			s, err := sigalg.Generate(cfg.SigAlg, rnd)
			if err != nil {
				return nil, err
			}
			if _, priv, err = ks.EnsureCardKey(ctx, purpose, cfg.SigAlg.String(), s.PrivateString(), s.Public().String()); err != nil {
				return nil, err
			}
		}
		s, err := sigalg.ParsePrivateKey(priv)
		if err != nil {
			return nil, fmt.Errorf("stored card key %s: %w", purpose, err)
		}
		return s, nil
	}
	var err error
	if k.Record, err = signer(cfg.RecordKey, "record"); err != nil {
		return nil, fmt.Errorf("card record key: %w", err)
	}
	if k.Ticket, err = signer(cfg.TicketKey, "ticket"); err != nil {
		return nil, fmt.Errorf("card ticket key: %w", err)
	}
	if k.Master == nil {
		_, hexed, found, err := ks.CardKey(ctx, "mifare.master")
		if err != nil {
			return nil, err
		}
		if !found {
			m := make([]byte, 32)
			if _, err := io.ReadFull(rnd, m); err != nil {
				return nil, err
			}
			if _, hexed, err = ks.EnsureCardKey(ctx, "mifare.master", "hmac", hex.EncodeToString(m), ""); err != nil {
				return nil, err
			}
		}
		if k.Master, err = parseSecret(hexed); err != nil {
			return nil, fmt.Errorf("stored MIFARE master secret: %w", err)
		}
	}
	k.RecordKeys = sigalg.NewKeySet(k.Record.Public())
	return k, nil
}
