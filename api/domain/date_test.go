package domain

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2012-02-29", 24, "2014-02-28"}, // leap day clamps
		{"2012-02-29", 48, "2016-02-29"}, // and survives into the next leap year
		{"2010-06-30", -2, "2010-04-30"}, // the seed's warning window
		{"2010-03-31", -1, "2010-02-28"},
		{"2012-03-31", -1, "2012-02-29"},
		{"2011-12-31", 2, "2012-02-29"}, // across a year into a leap February
		{"2010-01-31", 1, "2010-02-28"},
		{"2010-01-31", 3, "2010-04-30"},
		{"2010-02-15", -2, "2009-12-15"}, // negative across a year
		{"2010-01-31", -13, "2008-12-31"},
		{"2010-03-31", -25, "2008-02-29"},
		{"2010-12-31", 12, "2011-12-31"},
		{"2010-12-01", 1, "2011-01-01"},
		{"2010-01-01", -1, "2009-12-01"},
		{"2010-06-30", 0, "2010-06-30"},
		{"2010-06-30", 24, "2012-06-30"},
		{"2010-06-30", -120, "2000-06-30"},
	}
	for _, tt := range tests {
		if got := MustDate(tt.from).AddMonths(tt.n); got.String() != tt.want {
			t.Errorf("%s.AddMonths(%d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestAddMonthsAgreesWithTime(t *testing.T) {
	// Where no clamping is needed (day <= 28) the result must equal time's own arithmetic.
	for d := MustDate("2008-01-01"); d.Before(MustDate("2013-01-01")); d = d.AddDays(1) {
		if d.Day() > 28 {
			continue
		}
		for n := -30; n <= 30; n++ {
			if got, want := d.AddMonths(n), DateOf(d.Time().AddDate(0, n, 0)); got != want {
				t.Fatalf("%s.AddMonths(%d) = %s, want %s", d, n, got, want)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, ok := range []string{"2010-06-30", "2012-02-29", "2000-02-29", "1880-01-01"} {
		if d, err := ParseDate(ok); err != nil || d.String() != ok {
			t.Errorf("ParseDate(%q) = %s, %v", ok, d, err)
		}
	}
	for _, bad := range []string{"", "2010-02-30", "2011-02-29", "1900-02-29", "2010-13-01", "2010-00-10",
		"2010-04-31", "2010-6-30", "20100630", "2010/06/30", "2010-06-30T00:00:00Z", " 2010-06-30"} {
		if d, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = %s, want error", bad, d)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		D  Date  `json:"d"`
		P  *Date `json:"p"`
		Z  Date  `json:"z"`
		NP *Date `json:"np"`
	}
	p := MustDate("2012-02-29")
	in := doc{D: MustDate("2010-06-30"), P: &p}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"d":"2010-06-30","p":"2012-02-29","z":null,"np":null}`; string(b) != want {
		t.Fatalf("Marshal = %s, want %s", b, want)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.D != in.D || out.P == nil || *out.P != p || !out.Z.IsZero() || out.NP != nil {
		t.Fatalf("round trip = %+v, want %+v", out, in)
	}

	for _, bad := range []string{`"2010-02-30"`, `20100630`, `true`, `"2010-06-30`, `""`, `{}`, `["2010-06-30"]`} {
		var d Date
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %s, want error", bad, d)
		}
	}
}

func TestDateText(t *testing.T) {
	// Text is what map keys and query binders use.
	m := map[Date]int{MustDate("2010-06-30"): 1}
	b, err := json.Marshal(m)
	if err != nil || string(b) != `{"2010-06-30":1}` {
		t.Fatalf("Marshal map = %s, %v", b, err)
	}
	var back map[Date]int
	if err := json.Unmarshal(b, &back); err != nil || back[MustDate("2010-06-30")] != 1 {
		t.Fatalf("Unmarshal map = %v, %v", back, err)
	}
	var d Date
	if err := d.UnmarshalText([]byte("2010-02-30")); err == nil {
		t.Error("UnmarshalText accepted 2010-02-30")
	}
}

func TestDateScanAndValue(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name string
		src  any
		want string // "" = zero date
	}{
		{"time.Time UTC", time.Date(2010, 6, 30, 0, 0, 0, 0, time.UTC), "2010-06-30"},
		{"time.Time keeps its own calendar day", time.Date(2010, 6, 30, 1, 0, 0, 0, shanghai), "2010-06-30"},
		{"string", "2010-06-30", "2010-06-30"},
		{"string with time", "2010-06-30 00:00:00", "2010-06-30"},
		{"string RFC 3339", "2012-02-29T00:00:00Z", "2012-02-29"},
		{"bytes", []byte("2012-02-29"), "2012-02-29"},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := MustDate("1999-01-01") // must be overwritten, also by nil
			if err := d.Scan(tt.src); err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if !d.IsZero() {
					t.Fatalf("Scan(nil) = %s, want zero", d)
				}
				return
			}
			if d.String() != tt.want {
				t.Fatalf("Scan = %s, want %s", d, tt.want)
			}
			v, err := d.Value()
			if err != nil || v != tt.want {
				t.Fatalf("Value = %v, %v", v, err)
			}
		})
	}
	for _, bad := range []any{int64(20100630), 1.5, true, "2010-02-30", []byte("junk"), ""} {
		var d Date
		if err := d.Scan(bad); err == nil {
			t.Errorf("Scan(%#v) = %s, want error", bad, d)
		}
	}
	if v, err := (Date{}).Value(); v != nil || err != nil {
		t.Errorf("zero Value = %v, %v; want NULL", v, err)
	}
}

func TestDateComparisons(t *testing.T) {
	a, b := MustDate("2010-06-30"), MustDate("2010-07-01")
	if !a.Before(b) || !b.After(a) || a.Equal(b) || a.Compare(b) != -1 || !a.AddDays(1).Equal(b) {
		t.Error("comparisons disagree")
	}
	if got := DateOf(time.Date(2010, 6, 30, 23, 59, 0, 0, time.UTC)); got != a {
		t.Errorf("DateOf = %s", got)
	}
	if NewDate(2010, 2, 30) != MustDate("2010-03-02") {
		t.Error("NewDate should normalise like time.Date")
	}
}
