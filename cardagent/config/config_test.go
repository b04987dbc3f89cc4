package config

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/lecms/lecms/cardagent/sigalg"
)

func TestDeviceKeyCreatedOnceWithPrivateMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir", DeviceKeyFile)
	k1, created, err := LoadOrCreateDeviceKey(path, sigalg.SM2)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode().Perm())
	}
	k2, created, err := LoadOrCreateDeviceKey(path, sigalg.Ed25519)
	if err != nil || created || k2.KeyID() != k1.KeyID() || k2.Alg() != sigalg.SM2 {
		t.Fatalf("reload: %v %v", created, err)
	}
}

func TestLoadAndParse(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(dir)
	if err != nil || s.Port != DefaultPort || len(s.AllowedOrigins) != 2 {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	k, _ := sigalg.Generate(sigalg.Ed25519, rand.Reader)
	cfg := `{"port": 18000, "ticket_keys": ["` + k.Public().String() + `"], "mifare_read_key": "A0A1A2A3A4A5", "iso_file_id": "EF02"}`
	if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if s.Port != 18000 || p.TicketKeys.Len() != 1 || p.Profiles.ISOFileID != 0xEF02 || p.Profiles.MifareReadKey[0] != 0xA0 {
		t.Fatalf("parsed %+v %+v", s, p)
	}
	for _, bad := range []Settings{
		{Port: 0, DeviceKeyAlg: "ed25519"},
		{Port: 1, DeviceKeyAlg: "rsa"},
		{Port: 1, DeviceKeyAlg: "ed25519", TicketKeys: []string{"ed25519:xx"}},
		{Port: 1, DeviceKeyAlg: "ed25519", MifareReadKey: "FF"},
	} {
		if _, err := bad.Parse(); err == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}
