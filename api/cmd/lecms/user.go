package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
	"github.com/lecms/lecms/api/store"
)

const userUsage = `usage: lecms user <command> [flags]

  create --username U --password-file F --role R --scope CODE [--unit-code A00001] [--name NAME]
  list [--scope CODE]
  reset-password --username U --password-file F
  unlock --username U

Roles: unit_operator, unit_reviewer, legal_reviewer, card_issuer, admin. The
password file holds the initial password (policy: 8+ characters, 3 of 4
classes); the user must change it at first login. These commands act as the
operator of the machine (a province-wide administrator) and are audited.
`

// cliOperator is the principal the CLI acts as: whoever can run the binary
// against the database already holds the keys to it.
func cliOperator() domain.Principal {
	return domain.Principal{Username: "cli", Role: domain.RoleAdmin, Scope: "370000"}
}

func runUser(ctx context.Context, args []string, stdout io.Writer, _ *slog.Logger) error {
	if len(args) == 0 {
		_, err := fmt.Fprint(stdout, userUsage)
		return err
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "")
	pwFile := fs.String("password-file", "", "")
	role := fs.String("role", "", "")
	scope := fs.String("scope", "", "")
	unitCode := fs.String("unit-code", "", "")
	name := fs.String("name", "", "")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user %s: %v\n\n%s", args[0], err, userUsage)
	}
	a, err := openApp(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	svc, err := newServices(ctx, a)
	if err != nil {
		return err
	}
	// No client address: the command runs on the server itself. The request
	// id marks the audit lines as coming from the command line.
	cli := identity.Client{RequestID: fmt.Sprintf("cli-%d", time.Now().UnixNano())}
	users := store.NewUsers(a.db)
	operator := cliOperator()
	switch args[0] {
	case "create":
		pw, err := readPassword(*pwFile)
		if err != nil {
			return err
		}
		in := identity.NewUser{Username: *username, DisplayName: *name, Role: domain.Role(*role), Scope: domain.RegionCode(*scope), Password: pw}
		if in.DisplayName == "" {
			in.DisplayName = *username
		}
		if *unitCode != "" {
			u, err := store.NewUnits(a.db).ByCode(ctx, *unitCode)
			if err != nil {
				return fmt.Errorf("unit %s: %w", *unitCode, err)
			}
			in.UnitID = &u.ID
		}
		u, err := svc.identity.CreateUser(ctx, operator, in, cli)
		if err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintf(stdout, "created user %s (id %d, %s, scope %s); the password must be changed at first login\n", u.Username, u.ID, u.Role, u.Scope)
		return err
	case "list":
		region := domain.RegionCode(*scope)
		if region == "" {
			region = operator.Scope
		}
		p := operator
		p.Scope = region
		page, err := svc.identity.ListUsers(ctx, p, "", domain.PageRequest{Limit: domain.MaxPageSize})
		if err != nil {
			return describe(err)
		}
		for _, u := range page.Items {
			state := ""
			if u.Disabled {
				state += " disabled"
			}
			if u.Locked {
				state += " locked"
			}
			fmt.Fprintf(stdout, "%6d  %-20s %-15s %s%s\n", u.ID, u.Username, u.Role, u.Scope, state)
		}
		return nil
	case "reset-password", "unlock":
		u, err := users.ByUsername(ctx, *username)
		if err != nil {
			return fmt.Errorf("user %q: %w", *username, err)
		}
		if args[0] == "unlock" {
			if err := svc.identity.Unlock(ctx, operator, u.ID, cli); err != nil {
				return describe(err)
			}
			_, err = fmt.Fprintf(stdout, "unlocked %s\n", u.Username)
			return err
		}
		pw, err := readPassword(*pwFile)
		if err != nil {
			return err
		}
		if err := svc.identity.ResetPassword(ctx, operator, u.ID, pw, cli); err != nil {
			return describe(err)
		}
		_, err = fmt.Fprintf(stdout, "reset the password of %s; it must be changed at next login\n", u.Username)
		return err
	}
	return fmt.Errorf("user: unknown command %q\n\n%s", args[0], userUsage)
}

// readPassword reads a password from a file: never from the command line,
// where it would land in shell history and the process list.
func readPassword(path string) (string, error) {
	if path == "" {
		return "", errors.New("--password-file is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// describe spells out a domain error with its field errors for a terminal.
func describe(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(de.Message)
	for _, f := range de.Fields {
		fmt.Fprintf(&b, "\n  %s (%s): %s", f.Field, f.Rule, f.Message)
	}
	return errors.New(b.String())
}
