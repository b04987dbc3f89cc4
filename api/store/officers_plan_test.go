package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/store/storetest"
)

// The region-subtree page must be an index range scan in due-date order:
// no sequential scan, no sort. Sequential scans are disabled so that the
// planner, on this tiny table, shows what it does at a million rows.
func TestOfficerPageIsAnIndexRangeScan(t *testing.T) {
	u := os.Getenv(storetest.EnvDatabaseURL)
	if u == "" {
		t.Skip("TEST_DATABASE_URL not set: PostgreSQL plan not checked")
	}
	db := storetest.OpenPostgres(t, u)
	newListFixture(t, db)
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	cases := map[string]store.OfficerQuery{
		"ix_officers_city_due":   {Region: "370100", Limit: 50},
		"ix_officers_prov_due":   {Region: "370000", Limit: 50},
		"ix_officers_region_due": {Region: "370102", Limit: 50},
	}
	for index, q := range cases {
		sql := store.NewOfficers(db).FirstPageSQL(ctx, q)
		rows, err := conn.QueryContext(ctx, "EXPLAIN "+sql)
		if err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		var plan []string
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan = append(plan, line)
		}
		rows.Close()
		text := strings.Join(plan, "\n")
		if !strings.Contains(text, "Index Scan using "+index) || strings.Contains(text, "Sort") {
			t.Errorf("region %s: want an ordered scan of %s, got\n%s\nfor %s", q.Region, index, text, sql)
		}
	}
}
