package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// What pcscd and vpcd need, and where they leave their traces.
const (
	pcscdRunDir = "/run/pcscd"
	pcscdComm   = pcscdRunDir + "/pcscd.comm"
	pcscdPID    = pcscdRunDir + "/pcscd.pid"
	vpcdDriver  = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
	vpcdPort0   = 35963 // "Virtual PCD 00 00"
	vpcdPort1   = 35964 // "Virtual PCD 00 01"
	reader0     = "Virtual PCD 00 00"
	reader1     = "Virtual PCD 00 01"
)

// pcscd is a pcscd process, started by the suite or found running.
type pcscd struct {
	bin     string
	confDir string
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{}
	owned   bool // started by us: only then may we stop or restart it
}

// startPCSCD starts pcscd in the foreground with a reader.conf.d holding
// only vpcd, unless a ready one is already running, which is then reused.
func startPCSCD(bin, workDir string) (*pcscd, error) {
	p := &pcscd{bin: bin, confDir: filepath.Join(workDir, "reader.conf.d"), logPath: filepath.Join(workDir, "pcscd.log")}
	if pid, ok := runningPCSCD(); ok {
		if waitFor(3*time.Second, pcscdReady) {
			return p, nil // someone else's pcscd: use it, leave it alone
		}
		return nil, fmt.Errorf("pcscd (pid %d) is running but not ready", pid)
	}
	if err := os.MkdirAll(p.confDir, 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      %s\nCHANNELID    0x%X\n", vpcdPort0, vpcdDriver, vpcdPort0)
	if err := os.WriteFile(filepath.Join(p.confDir, "vpcd"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	reserveVPCDPorts()
	// vpcd's ports lie in the ephemeral range: an outgoing connection of
	// another test may hold one for a moment ("Address already in use").
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = p.start(); err == nil || !strings.Contains(err.Error(), "Address already in use") {
			return p, err
		}
		_ = p.stop()
		time.Sleep(2 * time.Second)
	}
	return p, err
}

// reserveVPCDPorts keeps the kernel from handing vpcd's ports to outgoing
// connections (net.ipv4.ip_local_reserved_ports, per network namespace).
// Best effort: without the right to write it, the retry above remains.
func reserveVPCDPorts() {
	const path = "/proc/sys/net/ipv4/ip_local_reserved_ports"
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	have := strings.TrimSpace(string(b))
	want := fmt.Sprintf("%d-%d", vpcdPort0, vpcdPort1)
	if strings.Contains(have, want) {
		return
	}
	if have != "" {
		want = have + "," + want
	}
	_ = os.WriteFile(path, []byte(want), 0o644)
}

func (p *pcscd) start() error {
	// A killed pcscd leaves a pid file (ending in a NUL byte) and a socket
	// behind that make the next one refuse to start.
	removeStalePCSCDFiles()
	logf, err := os.OpenFile(p.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	// --foreground, never --auto-exit: that one quits after 60 s idle.
	cmd := exec.Command(p.bin, "--foreground", "-c", p.confDir)
	if os.Getenv("LECMS_PCSC_DEBUG") == "1" {
		cmd.Args = append(cmd.Args, "--apdu", "--info")
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start pcscd: %w", err)
	}
	p.cmd, p.exited, p.owned = cmd, make(chan struct{}), true
	go func() { _ = cmd.Wait(); logf.Close(); close(p.exited) }() // reaps it: no zombie
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if pcscdReady() {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("pcscd exited at start; log:\n%s", tail(p.logPath))
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("pcscd not ready after 5 s; log:\n%s", tail(p.logPath))
}

// stop ends a pcscd the suite started.
func (p *pcscd) stop() error {
	if !p.owned || p.cmd == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(3 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd = nil
	removeStalePCSCDFiles()
	return nil
}

func (p *pcscd) restart() error {
	if err := p.stop(); err != nil {
		return err
	}
	return p.start()
}

func removeStalePCSCDFiles() {
	for _, f := range []string{pcscdPID, pcscdComm, pcscdRunDir + "/pcscd.pub"} {
		_ = os.Remove(f)
	}
}

// runningPCSCD finds a live pcscd through its pid file; zombies count as
// stopped.
func runningPCSCD() (int, bool) {
	b, err := os.ReadFile(pcscdPID)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimRight(strings.TrimSpace(string(bytes.TrimRight(b, "\x00"))), "\x00"))
	if err != nil || !processAlive(pid) {
		return 0, false
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return pid, bytes.Contains(cmdline, []byte("pcscd"))
}

func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// Field 3, after the parenthesised command name, is the state.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 || i+2 >= len(stat) {
		return false
	}
	state := stat[i+2]
	return state != 'Z' && state != 'X'
}

// pcscdReady: the socket exists and vpcd listens. The port is read from
// /proc/net/tcp: connecting to it would insert a card.
func pcscdReady() bool {
	if _, err := os.Stat(pcscdComm); err != nil {
		return false
	}
	return tcpListening(vpcdPort0)
}

func tcpListening(port int) bool {
	want := fmt.Sprintf(":%04X", port)
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Scan() // header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) > 3 && strings.HasSuffix(fields[1], want) && fields[3] == "0A" {
				fh.Close()
				return true
			}
		}
		fh.Close()
	}
	return false
}

func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// checkEnv says what is missing for the suite, or "" if nothing is.
func checkEnv() (pcscdBin string, missing string) {
	if os.Geteuid() != 0 {
		return "", "not running as root (pcscd writes /run/pcscd)"
	}
	// LECMS_PCSCD names another pcscd binary (or a missing one, to check
	// this guard).
	bin := os.Getenv("LECMS_PCSCD")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("pcscd"); err != nil {
			bin = "/usr/sbin/pcscd"
		}
	}
	if _, err := os.Stat(bin); err != nil {
		return "", "pcscd not installed at " + bin + " (apt-get install pcscd)"
	}
	if _, err := os.Stat(vpcdDriver); err != nil {
		return "", "vsmartcard-vpcd not installed (apt-get install vsmartcard-vpcd)"
	}
	if _, err := os.Stat("/usr/include/PCSC/winscard.h"); err != nil {
		return "", "pcsclite headers missing (apt-get install libpcsclite-dev)"
	}
	if _, err := exec.LookPath("gcc"); err != nil {
		return "", "no C compiler for the cgo agent build"
	}
	if _, ok := runningPCSCD(); !ok && tcpListening(vpcdPort0) {
		return "", "port 35963 is taken by something other than pcscd"
	}
	return bin, ""
}
