package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lecms/lecms/cardagent/config"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// agentProc is the real agent binary running as a child process.
type agentProc struct {
	cmd    *exec.Cmd
	url    string
	device sigalg.Verifier
	codes  chan string
	exited chan struct{}

	mu  sync.Mutex
	log bytes.Buffer
}

var pairingCode = regexp.MustCompile(`PAIRING CODE (\d{6})`)

// buildAgent compiles the agent as a user would get it (cgo, pcsclite).
func buildAgent(dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("go tool not found: %w", err)
	}
	out := filepath.Join(dir, "lecms-cardagent")
	cmd := exec.Command(goBin, "build", "-o", out, "-ldflags", "-X github.com/lecms/lecms/cardagent/buildinfo.version=e2e-test", "github.com/lecms/lecms/cardagent/cmd/lecms-cardagent")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build agent: %v\n%s", err, b)
	}
	return out, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startAgent writes config.json into dir and starts the agent on a free
// port, returning once it listens.
func startAgent(bin, dir string, settings config.Settings) (*agentProc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	settings.Port = port
	b, _ := json.MarshalIndent(settings, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, config.SettingsFile), b, 0o600); err != nil {
		return nil, err
	}
	// The device key is made on first use; read its public half the way
	// an administrator registering the agent would.
	out, err := exec.Command(bin, "-config-dir", dir, "-print-device-key").Output()
	if err != nil {
		return nil, fmt.Errorf("print device key: %w", err)
	}
	device, err := sigalg.ParsePublicKey(strings.SplitN(string(out), "\n", 2)[0])
	if err != nil {
		return nil, fmt.Errorf("device key output %q: %w", out, err)
	}

	a := &agentProc{
		url:    fmt.Sprintf("ws://127.0.0.1:%d/ws", port),
		device: device,
		codes:  make(chan string, 16),
		exited: make(chan struct{}),
	}
	a.cmd = exec.Command(bin, "-config-dir", dir)
	stderr, err := a.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	a.cmd.Stdout = io.Discard
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	listening := make(chan struct{})
	go a.readLog(stderr, listening)
	go func() { _ = a.cmd.Wait(); close(a.exited) }()
	select {
	case <-listening:
		return a, nil
	case <-a.exited:
		return nil, fmt.Errorf("agent exited at start:\n%s", a.Log())
	case <-time.After(10 * time.Second):
		a.stop()
		return nil, fmt.Errorf("agent not listening after 10 s:\n%s", a.Log())
	}
}

func (a *agentProc) readLog(r io.Reader, listening chan struct{}) {
	sc := bufio.NewScanner(r)
	once := sync.Once{}
	for sc.Scan() {
		line := sc.Text()
		a.mu.Lock()
		a.log.WriteString(line + "\n")
		a.mu.Unlock()
		if m := pairingCode.FindStringSubmatch(line); m != nil {
			a.codes <- m[1]
		}
		if strings.Contains(line, "card agent listening") {
			once.Do(func() { close(listening) })
		}
	}
}

// Log returns what the agent has logged so far.
func (a *agentProc) Log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.String()
}

// LogLen and LogSince let a test show only its own part of the log.
func (a *agentProc) LogLen() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.Len()
}

func (a *agentProc) LogSince(n int) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log.String()[n:]
}

// Code returns the next pairing code the agent shows.
func (a *agentProc) Code() (string, error) {
	select {
	case c := <-a.codes:
		return c, nil
	case <-time.After(5 * time.Second):
		return "", errors.New("the agent showed no pairing code")
	}
}

func (a *agentProc) stop() {
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.exited:
	case <-time.After(5 * time.Second):
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

// waitCtx is a context for one step of a test.
func waitCtx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
