package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultsRunEmbeddedWithDemo(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.Embedded() || !c.Demo || !c.DemoKey || len(c.DataKey) != 32 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestProductionRefusesDefaults(t *testing.T) {
	_, err := Load(env(map[string]string{"LECMS_ENV": "production"}))
	if err == nil {
		t.Fatal("production started with the embedded database and the public key")
	}
	for _, want := range []string{"LECMS_DATABASE_URL", "LECMS_DATA_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestProductionAcceptsRealSettings(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{
		"LECMS_ENV":           "production",
		"LECMS_DATABASE_URL":  "postgres://lecms@db/lecms",
		"LECMS_DATA_KEY_FILE": keyFile,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Demo || c.DemoKey || c.DataKey[0] != 0xab {
		t.Fatalf("bad production config: %+v", c)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"LECMS_DATABASE_URL":      {"LECMS_DATABASE_URL": "mysql://x"},
		"LECMS_DB_MAX_OPEN_CONNS": {"LECMS_DB_MAX_OPEN_CONNS": "0"},
		"LECMS_DATA_KEY":          {"LECMS_DATA_KEY": "short"},
		"LECMS_DATA_CIPHER":       {"LECMS_DATA_CIPHER": "des"},
		"LECMS_DEMO":              {"LECMS_DEMO": "maybe"},
		"LECMS_ENV":               {"LECMS_ENV": "staging"},
		"LECMS_TRUSTED_PROXIES":   {"LECMS_TRUSTED_PROXIES": "10.0.0.0/8,nginx"},
		"LECMS_MAX_INFLIGHT":      {"LECMS_MAX_INFLIGHT": "-1"},
	}
	for name, m := range cases {
		if _, err := Load(env(m)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name it", name, err)
		}
	}
	both := map[string]string{"LECMS_DATA_KEY": strings.Repeat("ab", 32), "LECMS_DATA_KEY_FILE": "/x"}
	if _, err := Load(env(both)); err == nil {
		t.Error("accepted both LECMS_DATA_KEY and LECMS_DATA_KEY_FILE")
	}
}

// The admission gate defaults to the database pool's size; 0 turns it off.
func TestMaxInFlightFollowsThePool(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want int
	}{
		{nil, 32},
		{map[string]string{"LECMS_DB_MAX_OPEN_CONNS": "16"}, 16},
		{map[string]string{"LECMS_DB_MAX_OPEN_CONNS": "16", "LECMS_MAX_INFLIGHT": "100"}, 100},
		{map[string]string{"LECMS_MAX_INFLIGHT": "0"}, 0},
	} {
		cfg, err := Load(env(c.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxInFlight != c.want {
			t.Errorf("%v: MaxInFlight %d, want %d", c.env, cfg.MaxInFlight, c.want)
		}
	}
}
