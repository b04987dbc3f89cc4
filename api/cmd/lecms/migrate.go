package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

func runMigrate(ctx context.Context, _ []string, stdout io.Writer, _ *slog.Logger) error {
	a, err := openApp(ctx) // openApp migrates
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := a.db.CurrentVersion(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "schema at version %d (%s)\n", v, a.db.Dialect())
	return err
}
