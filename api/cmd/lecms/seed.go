package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/lecms/lecms/api/config"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/password"
	"github.com/lecms/lecms/api/seed"
	"github.com/lecms/lecms/api/settings"
	"github.com/lecms/lecms/api/store"
)

const seedUsage = `usage: lecms seed [--demo] [--officers N] [--today YYYY-MM-DD]

Loads data into the configured database (LECMS_DATABASE_URL, or the
embedded database under LECMS_DATA_DIR), migrating it first.

  --demo          the Shandong region tree, ~200 units, 5,000 officers with
                  certificates in every state, and the demo accounts
                  (password ` + seed.DemoPassword + `); refused when LECMS_ENV=production
  --officers N    N synthetic officers in ~3,200 synthetic units (COPY on
                  PostgreSQL); repeated runs add more
  --today DATE    the day certificate states are relative to (default: today)
`

func runSeed(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demo := fs.Bool("demo", false, "")
	officers := fs.Int("officers", 0, "")
	todayFlag := fs.String("today", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err = fmt.Fprint(stdout, seedUsage)
			return err
		}
		return fmt.Errorf("seed: %v\n\n%s", err, seedUsage)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("seed: unexpected argument %q\n\n%s", fs.Arg(0), seedUsage)
	case *officers < 0:
		return fmt.Errorf("seed: --officers must be positive, got %d", *officers)
	case !*demo && *officers == 0:
		return fmt.Errorf("seed: nothing to do: give --demo and/or --officers N\n\n%s", seedUsage)
	}
	var today domain.Date
	if *todayFlag != "" {
		var err error
		if today, err = domain.ParseDate(*todayFlag); err != nil {
			return fmt.Errorf("seed: --today: %v (want YYYY-MM-DD)", err)
		}
	}

	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if *demo && a.cfg.Env == config.EnvProduction {
		return errors.New("seed: --demo is refused in production: demo accounts have published passwords")
	}
	d, err := seedDeps(ctx, a, log, today)
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(stdout, "seeding %s database, certificate states as of %s\n", a.db.Dialect(), d.Today)
	if *demo {
		sum, err := seed.Demo(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo: %s\n", sum)
		printStates(stdout, sum)
		fmt.Fprintf(stdout, "demo accounts (password %s):\n", seed.DemoPassword)
		for _, acc := range seed.DemoAccounts() {
			fmt.Fprintf(stdout, "  %-20s %-15s %s  %s\n", acc.Username, acc.Role, acc.Scope, acc.Description)
		}
	}
	if *officers > 0 {
		sum, err := seed.Officers(ctx, d, *officers)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "synthetic: %s (%.0f officers/s)\n", sum, float64(sum.Officers)/sum.Elapsed.Seconds())
		printStates(stdout, sum)
	}
	_, err = fmt.Fprintf(stdout, "done in %s\n", time.Since(start).Round(time.Millisecond))
	return err
}

// seedDeps builds the seeding dependencies of an app: the inspection
// policy from the settings, today in China's civil time unless given.
func seedDeps(ctx context.Context, a *app, log *slog.Logger, today domain.Date) (seed.Deps, error) {
	policy, err := settings.NewPolicySource(store.NewSettings(a.db), time.Minute, time.Now).Inspection(ctx)
	if err != nil {
		return seed.Deps{}, fmt.Errorf("seed: inspection policy: %w", err)
	}
	if today.IsZero() {
		today = domain.DateOf(time.Now().In(chinaTime))
	}
	return seed.Deps{DB: a.db, PII: a.pii, Hasher: password.New(2), Policy: policy, Today: today, Log: log}, nil
}

func printStates(w io.Writer, s seed.Summary) {
	var b strings.Builder
	for _, st := range []domain.CertState{domain.CertActive, domain.CertPending, domain.CertNone, domain.CertSuspended,
		domain.CertRevoked, domain.CertCancelled, domain.CertVoid} {
		fmt.Fprintf(&b, " %s %d,", st, s.CertStates[st])
	}
	fmt.Fprintf(w, "  certificate states:%s\n", strings.TrimSuffix(b.String(), ","))
	fmt.Fprintf(w, "  due states: ok %d, due soon %d, overdue %d, none %d\n",
		s.DueStates[domain.DueOK], s.DueStates[domain.DueSoon], s.DueStates[domain.DueOverdue], s.DueStates[domain.DueNone])
}
