package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"

	"github.com/lecms/lecms/api/audit"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/pii"
	"github.com/lecms/lecms/api/store"
)

const auditUsage = `usage: lecms audit verify
       lecms audit prune --before YYYY-MM-DD

  verify    recompute the audit trail's hash chain from the last prune
            anchor to the head; exits non-zero when a link is broken
  prune     remove the events recorded before the day given (China time),
            oldest first, keeping the chain verifiable; refused inside the
            retention period (setting audit_policy.retention_days, at
            least 183 days) and when the chain does not verify
`

func runAudit(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		_, err := fmt.Fprint(stdout, auditUsage)
		return err
	}
	switch args[0] {
	case "verify":
		if len(args) > 1 {
			return fmt.Errorf("audit verify: unexpected argument %q\n\n%s", args[1], auditUsage)
		}
		return auditVerify(ctx, stdout)
	case "prune":
		return auditPrune(ctx, args[1:], stdout, log)
	}
	return fmt.Errorf("audit: unknown subcommand %q\n\n%s", args[0], auditUsage)
}

func auditVerify(ctx context.Context, stdout io.Writer) error {
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	trail, err := newTrail(ctx, a)
	if err != nil {
		return err
	}
	r, err := trail.Verify(ctx)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	printReport(stdout, r)
	if !r.OK() {
		return fmt.Errorf("audit trail is broken at event %d (%s)", r.Break.ID, r.Break.Kind)
	}
	return nil
}

// printReport writes the report for operators; the head hash is worth
// keeping outside the database (a ticket, a log server): a later run that
// shows an earlier head missing proves truncation even if an attacker
// rewrote the head row too.
func printReport(w io.Writer, r audit.Report) {
	alg := string(r.Algorithm)
	if alg == "" {
		alg = "(none yet)"
	}
	fmt.Fprintf(w, "hash algorithm: %s\n", alg)
	if r.AnchorID > 0 {
		at := ""
		if r.AnchorAt != nil {
			at = " recorded " + r.AnchorAt.In(chinaTime).Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "pruned through: event %d%s\n", r.AnchorID, at)
	}
	if r.Checked > 0 {
		fmt.Fprintf(w, "checked:        %d events, ids %d..%d\n", r.Checked, r.FirstID, r.LastID)
	} else {
		fmt.Fprintln(w, "checked:        0 events")
	}
	if r.HeadID > 0 {
		fmt.Fprintf(w, "head:           event %d, hash %s\n", r.HeadID, hex.EncodeToString(r.HeadHash))
	}
	if r.OK() {
		fmt.Fprintln(w, "result:         OK (审计链完整)")
		return
	}
	fmt.Fprintf(w, "result:         BROKEN at event %d: %s\n                %s\n", r.Break.ID, r.Break.Kind, r.Break.Message)
}

func auditPrune(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("audit prune", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	beforeFlag := fs.String("before", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err = fmt.Fprint(stdout, auditUsage)
			return err
		}
		return fmt.Errorf("audit prune: %v\n\n%s", err, auditUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("audit prune: unexpected argument %q\n\n%s", fs.Arg(0), auditUsage)
	}
	if *beforeFlag == "" {
		return fmt.Errorf("audit prune: --before YYYY-MM-DD is required\n\n%s", auditUsage)
	}
	before, err := domain.ParseDate(*beforeFlag)
	if err != nil {
		return fmt.Errorf("audit prune: --before: %v (want YYYY-MM-DD)", err)
	}
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	trail, err := newTrail(ctx, a)
	if err != nil {
		return err
	}
	res, err := trail.Prune(ctx, before, operatorName())
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Code != domain.CodeInternal {
			return fmt.Errorf("audit prune: %s", de.Message)
		}
		return fmt.Errorf("audit prune: %w", err)
	}
	log.Info("audit trail pruned", "before", res.Before.String(), "removed", res.Removed, "anchor_id", res.AnchorID)
	if res.Removed == 0 {
		_, err = fmt.Fprintf(stdout, "no events recorded before %s: nothing removed\n", res.Before)
		return err
	}
	_, err = fmt.Fprintf(stdout, "removed %d events recorded before %s; the chain now starts after event %d\n",
		res.Removed, res.Before, res.AnchorID)
	return err
}

// operatorName names who ran a CLI command in the audit trail: the
// operating-system account (the CLI has no login of its own).
func operatorName() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	} else if s := os.Getenv("USER"); s != "" {
		name = s
	}
	if h, err := os.Hostname(); err == nil {
		name += "@" + h
	}
	return "cli:" + name
}

// newTrail builds the audit trail over a's database. An existing chain
// keeps the hash algorithm it started with; a new one uses SM3 when the
// deployment runs on national cryptography (LECMS_DATA_CIPHER=sm4-gcm),
// SHA-256 otherwise. The server wires the same trail into its services.
func newTrail(ctx context.Context, a *app) (*audit.Trail, error) {
	log := store.NewAuditLog(a.db)
	head, err := log.Head(ctx)
	if err != nil {
		return nil, fmt.Errorf("read audit chain: %w", err)
	}
	alg := audit.SHA256
	switch {
	case head.Algorithm != "":
		alg = audit.Algorithm(head.Algorithm)
	case a.cfg.DataCipher == pii.SM4GCM:
		alg = audit.SM3
	}
	return audit.New(log, audit.Options{Hash: alg, Location: chinaTime, Settings: store.NewSettings(a.db)})
}
