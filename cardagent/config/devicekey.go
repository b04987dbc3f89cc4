package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lecms/lecms/cardagent/sigalg"
)

// LoadOrCreateDeviceKey reads the device key at path, or generates one of
// algorithm alg and writes it there readable by the user only (0600). The
// device key signs receipts; its public half is registered on the server.
func LoadOrCreateDeviceKey(path string, alg sigalg.Alg) (key sigalg.Signer, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := sigalg.ParsePrivateKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("device key %s: %w", path, err)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("device key: %w", err)
	}
	k, err := sigalg.Generate(alg, rand.Reader)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("device key: %w", err)
	}
	// O_EXCL: if two agents start at once, the second fails instead of
	// overwriting a key the first may already have handed out.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("device key: %w", err)
	}
	if _, err := f.WriteString(k.PrivateString() + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, false, fmt.Errorf("device key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("device key: %w", err)
	}
	return k, true, nil
}
