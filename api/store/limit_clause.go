package store

import (
	"strconv"

	"gorm.io/gorm/clause"
)

// literalLimit writes LIMIT and OFFSET as literals instead of bind
// parameters. With a bound LIMIT PostgreSQL cannot cost a generic plan for
// the keyset pages (it assumes 10 % of the rows), so it re-plans the
// prepared statement on every execution; with a literal it caches the plan
// like pgbench does (docs/performance.md). The values are integers set by
// code, never text from a request, so writing them inline is safe.
func literalLimit(c clause.Clause, b clause.Builder) {
	l, ok := c.Expression.(clause.Limit)
	if !ok {
		c.Build(b)
		return
	}
	if l.Limit != nil && *l.Limit >= 0 {
		b.WriteString("LIMIT ")
		b.WriteString(strconv.Itoa(*l.Limit))
	}
	if l.Offset > 0 {
		if l.Limit != nil && *l.Limit >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString("OFFSET ")
		b.WriteString(strconv.Itoa(l.Offset))
	}
}
