package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/lecms/lecms/cardagent/config"
	"github.com/lecms/lecms/cardagent/internal/agentclient"
	"github.com/lecms/lecms/cardagent/internal/fakeserver"
	"github.com/lecms/lecms/cardagent/sigalg"
)

const spaOrigin = "http://localhost:8080"

// suite is what TestMain sets up for all tests: pcscd, the agent process,
// a stand-in for the API server, and a pairing.
type suite struct {
	workDir   string
	pcscd     *pcscd
	agent     *agentProc
	auth      *fakeserver.Authority
	pairingID string
	secret    []byte
}

// state is written once, by TestMain, before any test runs.
var state struct {
	s    *suite
	skip string
}

func TestMain(m *testing.M) { os.Exit(runSuite(m)) }

func runSuite(m *testing.M) int {
	bin, missing := checkEnv()
	if missing != "" {
		if os.Getenv("LECMS_REQUIRE_PCSC") == "1" {
			fmt.Fprintf(os.Stderr, "FAIL: LECMS_REQUIRE_PCSC=1 but the PC/SC test environment is missing: %s\n", missing)
			return 1
		}
		state.skip = missing
		return m.Run()
	}
	s, err := setup(bin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: e2e setup:", err)
		if s != nil {
			s.teardown()
		}
		return 1
	}
	state.s = s
	code := m.Run()
	s.teardown()
	return code
}

func setup(pcscdBin string) (*suite, error) {
	dir, err := os.MkdirTemp("", "lecms-e2e-")
	if err != nil {
		return nil, err
	}
	s := &suite{workDir: dir}
	if s.pcscd, err = startPCSCD(pcscdBin, dir); err != nil {
		return s, err
	}
	bin, err := buildAgent(dir)
	if err != nil {
		return s, err
	}
	if s.auth, err = fakeserver.New(sigalg.Ed25519); err != nil {
		return s, err
	}
	settings := config.Defaults()
	settings.AllowedOrigins = []string{spaOrigin}
	settings.TicketKeys = []string{s.auth.TicketKey.Public().String()}
	settings.RecordKeys = []string{s.auth.RecordKey.Public().String()}
	settings.BuzzerReaders = []string{"Virtual PCD"} // vcard answers the ACR122U buzzer command
	if s.agent, err = startAgent(bin, dir, settings); err != nil {
		return s, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := agentclient.Dial(ctx, s.agent.url, spaOrigin)
	if err != nil {
		return s, err
	}
	defer c.Close()
	res, err := c.Pair(ctx, "e2e suite", s.agent.Code)
	if err != nil {
		return s, fmt.Errorf("pairing: %w", err)
	}
	s.pairingID, s.secret = res.PairingID, res.Secret
	return s, nil
}

func (s *suite) teardown() {
	if s.agent != nil {
		s.agent.stop()
	}
	if s.pcscd != nil {
		_ = s.pcscd.stop()
	}
	if os.Getenv("LECMS_E2E_KEEP") == "" {
		_ = os.RemoveAll(s.workDir)
	} else {
		fmt.Fprintln(os.Stderr, "e2e work directory kept:", s.workDir)
	}
}

// need returns the suite, or skips loudly when the environment is missing.
func need(t *testing.T) *suite {
	t.Helper()
	if state.s == nil {
		t.Skipf("\n"+
			"********************************************************************\n"+
			"* SKIPPED: card agent end-to-end test (real pcscd + vsmartcard-vpcd)\n"+
			"* missing: %s\n"+
			"* as root: apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd\n"+
			"* set LECMS_REQUIRE_PCSC=1 to turn this skip into a failure\n"+
			"********************************************************************", state.skip)
	}
	return state.s
}
