// Command pagesql prints the SQL the API runs for one page, taken from the
// server code, so that pgbench can execute the very statement the API
// executes. Two pages: the officer list of a region subtree
// (store.Officers.FirstPageSQL) and a legal office's approval queue, the
// unit-approved applications of its own level (store.Applications.PageSQL).
//
//	go run ./scripts/bench/pagesql -region 370100 -limit 50            # first page, values inlined
//	go run ./scripts/bench/pagesql -region 370100 -limit 50 -pgbench   # pgbench script, city as :city
//	go run ./scripts/bench/pagesql -region 370100 -limit 50 -pgbench -cursor
//	go run ./scripts/bench/pagesql -page queue -region 370100 -limit 50 -pgbench [-cursor]
//	    the queue: region as :region, the state as :state (pgbench -D state=unit_approved),
//	    the cursor (an application id) as :id
//
// With -pgbench the subtree key becomes the pgbench variable :city (run
// pgbench with -M prepared: it is then a bind parameter, as it is for the
// API through pgx). With -cursor the keyset predicate the API adds for a
// later page, "(officers.next_due_on, officers.id) > (?, ?)", is inserted
// after "officers.next_due_on IS NOT NULL" with :due and :id, where the API's
// statement has it (FirstPageSQL leaves the cursor out; the text is the one
// in store.Officers.List).
//
// The database (LECMS_DATABASE_URL) is only connected to because
// store.Open checks the connection; nothing is read or written.
package main

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

// keyset is the predicate store.Officers.List adds for a cursor on a dated row.
const keyset = "(officers.next_due_on, officers.id) > "

func main() {
	region := flag.String("region", "370100", "region code of the subtree (6 digits)")
	limit := flag.Int("limit", 50, "page size as requested from the API")
	pgbench := flag.Bool("pgbench", false, "print a pgbench script with :city (and :due, :id) variables")
	cursor := flag.Bool("cursor", false, "a later page: add the keyset predicate")
	page := flag.String("page", "officers", "officers (the officer list) or queue (a legal office's approval queue)")
	flag.Parse()
	if err := run(*page, *region, *limit, *pgbench, *cursor); err != nil {
		fmt.Fprintln(os.Stderr, "pagesql:", err)
		os.Exit(1)
	}
}

func run(page, region string, limit int, pgbench, cursor bool) error {
	code, err := domain.ParseRegionCode(region)
	if err != nil {
		return err
	}
	if cursor && !pgbench {
		return fmt.Errorf("-cursor needs -pgbench (the values are pgbench variables)")
	}
	url := os.Getenv("LECMS_DATABASE_URL")
	if url == "" {
		return fmt.Errorf("LECMS_DATABASE_URL is not set")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DatabaseURL: url, MaxOpenConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	var sql string
	switch page {
	case "officers":
		sql, err = officerPage(ctx, db, code, limit, pgbench, cursor)
	case "queue":
		sql, err = queuePage(ctx, db, code, limit, pgbench, cursor)
	default:
		err = fmt.Errorf("-page must be officers or queue, got %q", page)
	}
	if err != nil {
		return err
	}
	_, err = fmt.Println(sql)
	return err
}

func officerPage(ctx context.Context, db *store.DB, code domain.RegionCode, limit int, pgbench, cursor bool) (string, error) {
	sql := store.NewOfficers(db).FirstPageSQL(ctx, store.OfficerQuery{Region: code, Limit: limit})
	if cursor {
		// Where List puts it: right after the dated-rows condition.
		const dated = "officers.next_due_on IS NOT NULL"
		i := strings.Index(sql, dated)
		if i < 0 {
			return "", fmt.Errorf("no %q in %s", dated, sql)
		}
		i += len(dated)
		sql = sql[:i] + " AND " + keyset + "(:due, :id)" + sql[i:]
	}
	if pgbench {
		key := "'" + code.City() + "'"
		switch code.Level() {
		case domain.LevelProvince:
			key = "'" + code.Province() + "'"
		case domain.LevelCity:
		default:
			key = "'" + string(code) + "'"
		}
		if strings.Count(sql, key) != 1 {
			return "", fmt.Errorf("want exactly one %s in %s", key, sql)
		}
		sql = strings.Replace(sql, key, ":city", 1)
		// pgbench reads one command per line.
		sql = strings.Join(strings.Fields(sql), " ")
	}
	return sql, nil
}

// cursorSentinel stands for the cursor's application id in the SQL printed
// for pgbench, where :id replaces it.
const cursorSentinel = 987654321

// queuePage is the approval queue's page: what
// GET /api/v1/applications?same_level=true&state=unit_approved&region=R runs.
func queuePage(ctx context.Context, db *store.DB, code domain.RegionCode, limit int, pgbench, cursor bool) (string, error) {
	f := domain.AppFilter{Region: code, SameLevel: true, State: domain.AppUnitApproved, Page: domain.PageRequest{Limit: limit}}
	if cursor {
		f.Page.Cursor = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"i":%d}`, cursorSentinel))
	}
	sql, err := store.NewApplications(db).PageSQL(ctx, f)
	if err != nil || !pgbench {
		return sql, err
	}
	// Every value the API binds becomes a pgbench variable (bound too with
	// -M prepared): a literal state would let the planner pick another plan.
	for _, r := range []struct{ literal, variable string }{
		{"'" + string(code) + "'", ":region"},
		{"'" + string(domain.AppUnitApproved) + "'", ":state"},
		{strconv.Itoa(cursorSentinel), ":id"},
	} {
		if r.variable == ":id" && !cursor {
			continue
		}
		if strings.Count(sql, r.literal) != 1 {
			return "", fmt.Errorf("want exactly one %s in %s", r.literal, sql)
		}
		sql = strings.Replace(sql, r.literal, r.variable, 1)
	}
	return strings.Join(strings.Fields(sql), " "), nil
}
