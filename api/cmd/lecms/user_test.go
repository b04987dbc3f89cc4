package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The operator commands go through the same services as the API, audit
// included: a user created from the command line lands in the audit chain.
func TestUserCommandsAreAuditedAndVerifiable(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LECMS_DATABASE_URL", "")
	t.Setenv("LECMS_DATA_DIR", dir)
	t.Setenv("LECMS_DEMO", "false")
	t.Setenv("LECMS_LOG_LEVEL", "error")
	good, weak := filepath.Join(dir, "good"), filepath.Join(dir, "weak")
	os.WriteFile(good, []byte("Abc12345!x\n"), 0o600)
	os.WriteFile(weak, []byte("123\n"), 0o600)
	ctx := context.Background()
	var out bytes.Buffer
	cmd := func(args ...string) error { out.Reset(); return run(ctx, args, &out, io.Discard) }

	if err := cmd("user", "create", "--username", "zhangsan", "--password-file", good, "--role", "legal_reviewer", "--scope", "370102"); err != nil {
		t.Fatalf("create: %v", err)
	}
	err := cmd("user", "reset-password", "--username", "zhangsan", "--password-file", weak)
	if err == nil || !strings.Contains(err.Error(), "classes") {
		t.Fatalf("weak reset password: %v", err)
	}
	if err := cmd("user", "unlock", "--username", "zhangsan"); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if err := cmd("user", "list", "--scope", "370102"); err != nil || !strings.Contains(out.String(), "zhangsan") {
		t.Fatalf("list: %v %q", err, out.String())
	}
	if err := cmd("audit", "verify"); err != nil || !strings.Contains(out.String(), "checked:        2 events") {
		t.Fatalf("audit verify: %v\n%s", err, out.String())
	}
}
