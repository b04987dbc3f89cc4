// Package config loads the card agent's settings and keys from its
// configuration directory (per user: ~/.config/lecms-cardagent on Linux,
// %AppData%\lecms-cardagent on Windows).
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lecms/lecms/cardagent/card"
	"github.com/lecms/lecms/cardagent/cardkey"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// DefaultPort is the agent's default websocket port.
const DefaultPort = 17321

// Files in the configuration directory.
const (
	SettingsFile  = "config.json"
	PairingsFile  = "pairings.json"
	DeviceKeyFile = "device-key"
)

// Settings are the agent's options, read from config.json and overridden
// by command-line flags.
type Settings struct {
	Port           int      `json:"port"`
	AllowedOrigins []string `json:"allowed_origins"`
	// TicketKeys are the public keys of the server's ticket signer
	// ("ed25519:BASE64" or "sm2:BASE64"). Without one, writes are refused.
	TicketKeys []string `json:"ticket_keys"`
	// RecordKeys are the provincial record-signing public keys; optional.
	RecordKeys []string `json:"record_keys"`
	// DeviceKeyAlg is used when the device key is first generated.
	DeviceKeyAlg         string   `json:"device_key_alg"`
	MifareReadKey        string   `json:"mifare_read_key"`
	MifareTransportKey   string   `json:"mifare_transport_key"`
	ISOFileID            string   `json:"iso_file_id"`
	ISOSlotSize          int      `json:"iso_slot_size"`
	BuzzerReaders        []string `json:"buzzer_readers"`
	RefuseVirtualReaders bool     `json:"refuse_virtual_readers"`
	LogFile              string   `json:"log_file"`
}

// Defaults returns the settings used when config.json says nothing.
func Defaults() Settings {
	return Settings{
		Port:           DefaultPort,
		AllowedOrigins: []string{"http://localhost:8080", "http://127.0.0.1:8080"},
		DeviceKeyAlg:   "ed25519",
		BuzzerReaders:  []string{"ACR122", "ACR1252"},
	}
}

// DefaultDir returns the per-user configuration directory.
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: no user configuration directory: %w", err)
	}
	return filepath.Join(d, "lecms-cardagent"), nil
}

// Load reads dir/config.json over the defaults; a missing file is fine.
func Load(dir string) (Settings, error) {
	s := Defaults()
	b, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("config: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("config: %s: %w", filepath.Join(dir, SettingsFile), err)
	}
	return s, nil
}

// Parsed is Settings turned into the types the agent uses.
type Parsed struct {
	TicketKeys   *sigalg.KeySet
	RecordKeys   *sigalg.KeySet
	DeviceKeyAlg sigalg.Alg
	Profiles     card.Config
}

// Parse validates s.
func (s Settings) Parse() (Parsed, error) {
	var p Parsed
	var err error
	if s.Port < 1 || s.Port > 65535 {
		return p, fmt.Errorf("config: port %d out of range", s.Port)
	}
	if p.TicketKeys, err = sigalg.ParseKeySet(strings.Join(s.TicketKeys, ",")); err != nil {
		return p, fmt.Errorf("config: ticket_keys: %w", err)
	}
	if p.RecordKeys, err = sigalg.ParseKeySet(strings.Join(s.RecordKeys, ",")); err != nil {
		return p, fmt.Errorf("config: record_keys: %w", err)
	}
	if p.DeviceKeyAlg, err = sigalg.ParseAlg(s.DeviceKeyAlg); err != nil {
		return p, fmt.Errorf("config: device_key_alg: %w", err)
	}
	if s.MifareReadKey != "" {
		k, err := cardkey.ParseKey(s.MifareReadKey)
		if err != nil {
			return p, fmt.Errorf("config: mifare_read_key: %w", err)
		}
		p.Profiles.MifareReadKey = &k
	}
	if s.MifareTransportKey != "" {
		k, err := cardkey.ParseKey(s.MifareTransportKey)
		if err != nil {
			return p, fmt.Errorf("config: mifare_transport_key: %w", err)
		}
		p.Profiles.MifareTransportKey = &k
	}
	if s.ISOFileID != "" {
		v, err := strconv.ParseUint(s.ISOFileID, 16, 16)
		if err != nil {
			return p, fmt.Errorf("config: iso_file_id %q: want 4 hex digits", s.ISOFileID)
		}
		p.Profiles.ISOFileID = uint16(v)
	}
	if s.ISOSlotSize != 0 {
		if s.ISOSlotSize < 336 || s.ISOSlotSize > 0x4000 {
			return p, fmt.Errorf("config: iso_slot_size %d outside 336..16384", s.ISOSlotSize)
		}
		p.Profiles.ISOSlotSize = s.ISOSlotSize
	}
	return p, nil
}
