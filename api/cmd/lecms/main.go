// Command lecms is the LECMS server and its operator tools:
//
//	lecms serve      start the API (and the SPA when built)
//	lecms migrate    apply database migrations
//	lecms seed       load demo data or synthetic officers
//	lecms user       manage accounts
//	lecms audit      verify or prune the audit trail
//
// Configuration comes from LECMS_* environment variables (see README).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lecms:", err)
		os.Exit(1)
	}
}

type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"start the HTTP server", runServe},
		"migrate": {"apply database migrations (a no-op when up to date)", runMigrate},
		"seed":    {"load demo data (--demo) or N synthetic officers (--officers N)", runSeed},
		"user":    {"manage accounts: create, list, reset-password, unlock", runUser},
		"audit":   {"verify the audit trail's hash chain, or prune it past the retention period", runAudit},
		"version": {"print the version", runVersion},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, "usage: lecms <command> [flags]\n\ncommands:")
		for _, name := range []string{"serve", "migrate", "seed", "user", "audit", "version"} {
			if c, ok := cmds[name]; ok {
				fmt.Fprintf(stdout, "  %-8s %s\n", name, c.summary)
			}
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q (see lecms help)", args[0])
	}
	return c.run(ctx, args[1:], stdout, slog.New(slog.NewTextHandler(stderr, nil)))
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runVersion(_ context.Context, _ []string, stdout io.Writer, _ *slog.Logger) error {
	_, err := fmt.Fprintln(stdout, version)
	return err
}
