package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/gorm"
)

// The statement text must carry LIMIT/OFFSET as literals, with no bind
// variable for them, so PostgreSQL can reuse the generic plan.
func TestLimitAndOffsetAreLiterals(t *testing.T) {
	db, err := Open(context.Background(), Options{SQLitePath: filepath.Join(t.TempDir(), "t.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cases := []struct {
		name     string
		build    func(*gorm.DB) *gorm.DB
		wantTail string
		wantVars int
	}{
		{"limit", func(q *gorm.DB) *gorm.DB { return q.Limit(51) }, "LIMIT 51", 1},
		{"limit and offset", func(q *gorm.DB) *gorm.DB { return q.Limit(20).Offset(40) }, "LIMIT 20 OFFSET 40", 1},
		{"offset only", func(q *gorm.DB) *gorm.DB { return q.Offset(7) }, "OFFSET 7", 1},
		{"no limit", func(q *gorm.DB) *gorm.DB { return q.Limit(-1) }, "WHERE id > ?", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out []map[string]any
			stmt := c.build(db.gorm.Session(&gorm.Session{DryRun: true}).Table("officers").Where("id > ?", 3)).
				Find(&out).Statement
			sql := strings.TrimSpace(stmt.SQL.String())
			if got := sql[len(sql)-len(c.wantTail):]; got != c.wantTail {
				t.Errorf("SQL %q: want it to end with %q", sql, c.wantTail)
			}
			if len(stmt.Vars) != c.wantVars {
				t.Errorf("SQL %q binds %d variables %v, want %d (the WHERE only)", sql, len(stmt.Vars), stmt.Vars, c.wantVars)
			}
		})
	}
}
