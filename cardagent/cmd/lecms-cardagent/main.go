// Command lecms-cardagent is the LECMS card agent: a websocket server on
// 127.0.0.1 through which the LECMS web application reads certificate cards
// and writes them under server-signed tickets. See docs/card-agent.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lecms/lecms/cardagent/agent"
	"github.com/lecms/lecms/cardagent/buildinfo"
	"github.com/lecms/lecms/cardagent/config"
	"github.com/lecms/lecms/cardagent/pairing"
	"github.com/lecms/lecms/cardagent/pcsc"
	"github.com/lecms/lecms/cardagent/server"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lecms-cardagent:", err)
		os.Exit(1)
	}
}

type options struct {
	configDir      string
	port           int
	origins        string
	ticketKeys     string
	recordKeys     string
	buzzerReaders  string
	refuseVirtual  bool
	logFile        string
	printDeviceKey bool
	version        bool
}

func parseFlags(args []string, stderr io.Writer) (options, map[string]bool, error) {
	var o options
	fs := flag.NewFlagSet("lecms-cardagent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.configDir, "config-dir", "", "configuration directory (default: per-user config dir/lecms-cardagent)")
	fs.IntVar(&o.port, "port", config.DefaultPort, "websocket port on 127.0.0.1")
	fs.StringVar(&o.origins, "origins", "", "comma-separated allowed SPA origins (overrides config.json)")
	fs.StringVar(&o.ticketKeys, "ticket-keys", "", "comma-separated trusted ticket public keys, e.g. ed25519:BASE64 (overrides config.json)")
	fs.StringVar(&o.recordKeys, "record-keys", "", "comma-separated provincial record public keys (overrides config.json)")
	fs.StringVar(&o.buzzerReaders, "buzzer-readers", "", "comma-separated reader-name substrings with an ACR122U-style buzzer (overrides config.json)")
	fs.BoolVar(&o.refuseVirtual, "refuse-virtual-readers", false, "hide and refuse vsmartcard readers (always on in release builds)")
	fs.StringVar(&o.logFile, "log-file", "", "also append the log to this file")
	fs.BoolVar(&o.printDeviceKey, "print-device-key", false, "print the device public key for registration on the server, then exit")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return o, set, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func run(args []string, stdout, stderr io.Writer) error {
	o, set, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.version {
		build := "dev"
		if buildinfo.Release {
			build = "release"
		}
		fmt.Fprintf(stdout, "lecms-cardagent %s (%s build, protocol %d)\n", buildinfo.Version(), build, buildinfo.Protocol)
		return nil
	}
	dir := o.configDir
	if dir == "" {
		if dir, err = config.DefaultDir(); err != nil {
			return err
		}
	}
	settings, err := config.Load(dir)
	if err != nil {
		return err
	}
	if set["port"] {
		settings.Port = o.port
	}
	if set["origins"] {
		settings.AllowedOrigins = splitList(o.origins)
	}
	if set["ticket-keys"] {
		settings.TicketKeys = splitList(o.ticketKeys)
	}
	if set["record-keys"] {
		settings.RecordKeys = splitList(o.recordKeys)
	}
	if set["buzzer-readers"] {
		settings.BuzzerReaders = splitList(o.buzzerReaders)
	}
	if set["refuse-virtual-readers"] {
		settings.RefuseVirtualReaders = o.refuseVirtual
	}
	if set["log-file"] {
		settings.LogFile = o.logFile
	}
	parsed, err := settings.Parse()
	if err != nil {
		return err
	}
	origins, err := server.ParseOrigins(strings.Join(settings.AllowedOrigins, ","))
	if err != nil {
		return err
	}

	device, created, err := config.LoadOrCreateDeviceKey(filepath.Join(dir, config.DeviceKeyFile), parsed.DeviceKeyAlg)
	if err != nil {
		return err
	}
	if o.printDeviceKey {
		fmt.Fprintf(stdout, "%s\nkey id %s\n", device.Public(), device.KeyID())
		return nil
	}

	log, closeLog, err := newLogger(stderr, settings.LogFile)
	if err != nil {
		return err
	}
	defer closeLog()
	if created {
		log.Info("generated a new device key; register it on the server", "public_key", device.Public().String(), "key_id", device.KeyID().String())
	}
	if parsed.TicketKeys.Len() == 0 {
		log.Warn("no ticket keys configured: cards can be read but not written")
	}
	if !pcsc.Available {
		log.Warn("this build has no PC/SC support (built without cgo); no reader will be seen")
	}

	store, err := pairing.Open(filepath.Join(dir, config.PairingsFile), nil)
	if err != nil {
		return err
	}
	hub := server.NewHub()
	ag, err := agent.New(agent.Config{
		Provider:             pcsc.System{},
		Profiles:             parsed.Profiles,
		TicketKeys:           parsed.TicketKeys,
		RecordKeys:           parsed.RecordKeys,
		Device:               device,
		RefuseVirtualReaders: settings.RefuseVirtualReaders,
		BuzzerReaders:        settings.BuzzerReaders,
		OnEvent:              hub.Broadcast,
		Logger:               log,
	})
	if err != nil {
		return err
	}
	port := strconv.Itoa(settings.Port)
	srv, err := server.New(server.Config{
		Agent: ag, Hub: hub, Origins: origins, Port: port, Pairings: store,
		Codes: pairing.NewCodes(nil), ShowCode: showCode(stderr), Logger: log,
	})
	if err != nil {
		return err
	}

	// Loopback only: the agent drives a card writer and must never be
	// reachable from the network.
	addr := net.JoinHostPort("127.0.0.1", port)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is another agent running?): %w", addr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	monitorDone := make(chan struct{})
	go func() {
		defer close(monitorDone)
		_ = ag.Run(ctx)
	}()
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	log.Info("card agent listening", "version", buildinfo.Version(), "url", "ws://"+addr+server.Path,
		"origins", strings.Join(origins.List(), ","), "device_key_id", device.KeyID().String(), "config_dir", dir)

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stop()
		<-monitorDone
		return err
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	<-monitorDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func newLogger(stderr io.Writer, file string) (*slog.Logger, func(), error) {
	var w io.Writer = stderr
	closeFn := func() {}
	if file != "" {
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("log file: %w", err)
		}
		w = io.MultiWriter(stderr, f)
		closeFn = func() { f.Close() }
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo})), closeFn, nil
}

// showCode prints the pairing code where the operator sees it. The line
// format "PAIRING CODE dddddd" is stable: scripts and a future tray helper
// may look for it.
func showCode(w io.Writer) func(code, origin string, expires time.Time) {
	return func(code, origin string, expires time.Time) {
		fmt.Fprintf(w, "\n*** PAIRING CODE %s for %s (valid until %s) ***\n\n", code, origin, expires.Format("15:04:05"))
	}
}
