// Command pagesql prints the SQL the officer list runs for one page of a
// region subtree, taken from the server code (store.Officers.FirstPageSQL),
// so that pgbench can execute the very statement the API executes.
//
//	go run ./scripts/bench/pagesql -region 370100 -limit 50            # first page, values inlined
//	go run ./scripts/bench/pagesql -region 370100 -limit 50 -pgbench   # pgbench script, city as :city
//	go run ./scripts/bench/pagesql -region 370100 -limit 50 -pgbench -cursor
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
	"flag"
	"fmt"
	"os"
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
	flag.Parse()
	if err := run(*region, *limit, *pgbench, *cursor); err != nil {
		fmt.Fprintln(os.Stderr, "pagesql:", err)
		os.Exit(1)
	}
}

func run(region string, limit int, pgbench, cursor bool) error {
	code, err := domain.ParseRegionCode(region)
	if err != nil {
		return err
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
	sql := store.NewOfficers(db).FirstPageSQL(ctx, store.OfficerQuery{Region: code, Limit: limit})
	if cursor {
		// Where List puts it: right after the dated-rows condition.
		const dated = "officers.next_due_on IS NOT NULL"
		i := strings.Index(sql, dated)
		if i < 0 {
			return fmt.Errorf("no %q in %s", dated, sql)
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
			return fmt.Errorf("want exactly one %s in %s", key, sql)
		}
		sql = strings.Replace(sql, key, ":city", 1)
		// pgbench reads one command per line.
		sql = strings.Join(strings.Fields(sql), " ")
	} else if cursor {
		return fmt.Errorf("-cursor needs -pgbench (the values are pgbench variables)")
	}
	_, err = fmt.Println(sql)
	return err
}
