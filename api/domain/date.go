package domain

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DateLayout is the wire and storage form of a calendar date.
const DateLayout = "2006-01-02"

// Date is a calendar date without time or zone. It marshals as YYYY-MM-DD to
// match OpenAPI `format: date`, and stores as a SQL date (text on SQLite).
type Date struct{ t time.Time }

// NewDate returns the date y-m-d; out-of-range days normalise like time.Date.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate parses YYYY-MM-DD and rejects impossible dates such as 2010-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q", s)
	}
	return Date{t}, nil
}

// MustDate parses s or panics; for tests and fixed tables only.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) IsZero() bool       { return d.t.IsZero() }
func (d Date) Time() time.Time    { return d.t }
func (d Date) Year() int          { return d.t.Year() }
func (d Date) Month() time.Month  { return d.t.Month() }
func (d Date) Day() int           { return d.t.Day() }
func (d Date) String() string     { return d.t.Format(DateLayout) }
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) Compare(o Date) int { return d.t.Compare(o.t) }

// AddMonths adds n months, clamping to the last day of the target month:
// 2012-02-29 + 24 months = 2014-02-28, 2010-06-30 - 2 months = 2010-04-30.
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	total := int(m) - 1 + n
	ty := y + floorDiv(total, 12)
	tm := time.Month(total - floorDiv(total, 12)*12 + 1)
	if last := daysIn(ty, tm); day > last {
		day = last
	}
	return NewDate(ty, tm, day)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("date must be a string YYYY-MM-DD")
	}
	p, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores the date as YYYY-MM-DD text, which both PostgreSQL's date
// type and SQLite accept; NULL for the zero date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads time.Time (PostgreSQL), text (SQLite) or NULL.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = NewDate(v.Date())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("cannot scan %T into Date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) >= 10 {
		s = s[:10] // tolerate "2010-06-30 00:00:00" forms from drivers
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}
