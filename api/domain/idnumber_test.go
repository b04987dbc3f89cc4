package domain

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// refCheckChar is an independent GB 11643 check: W_i = 2^(17-i) mod 11 and
// the check value is (12 - S mod 11) mod 11, with 10 written as X.
func refCheckChar(first17 string) byte {
	s := 0
	for i := 0; i < 17; i++ {
		w := 1
		for j := 0; j < 17-i; j++ {
			w = w * 2 % 11
		}
		s += int(first17[i]-'0') * w
	}
	v := (12 - s%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

// withCheck completes 17 digits with the reference check character.
func withCheck(first17 string) string { return first17 + string(refCheckChar(first17)) }

// wrongCheck completes 17 digits with a wrong check character.
func wrongCheck(first17 string) string {
	c := refCheckChar(first17)
	for _, w := range []byte("0123456789X") {
		if w != c {
			return first17 + string(w)
		}
	}
	panic("unreachable")
}

func TestParseIDNumberValid(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"public example with X", "11010519491231002X", "11010519491231002X"},
		{"public example from 1880", "440524188001010014", "440524188001010014"},
		{"computed", withCheck("37010219800102123"), withCheck("37010219800102123")},
		{"lower-case x", "11010519491231002x", "11010519491231002X"},
		{"full-width digits and Ｘ", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"full-width ｘ", "11010519491231002ｘ", "11010519491231002X"},
		{"ASCII spaces and tabs", " 110105 19491231\t002X\n", "11010519491231002X"},
		{"full-width spaces", "\u3000110105\u300019491231\u3000002X", "11010519491231002X"},
		{"abolished region 莱芜", withCheck("37120219750315001"), withCheck("37120219750315001")},
		{"Feb 29 in a leap year", withCheck("37010220000229002"), withCheck("37010220000229002")},
		{"county without city code (loose region check)", withCheck("37001219800101001"), withCheck("37001219800101001")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDNumber(tt.in)
			if err != nil {
				t.Fatalf("ParseIDNumber(%q) error: %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Fatalf("ParseIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIDNumberInvalid(t *testing.T) {
	tests := []struct {
		name, in, rule, msg string
	}{
		{"empty", "", "length", ""},
		{"17 digits", "11010519491231002", "length", ""},
		{"19 characters", "11010519491231002X1", "length", ""},
		{"old 15-digit number", "110105491231002", "length", ""},
		{"letter inside", "1101051949123100AX", "format", ""},
		{"X before the end", "1101051949123100X2", "format", ""},
		{"bad last character", "11010519491231002Y", "format", ""},
		{"Chinese character", "1101051949123100二X", "format", ""},
		{"minus sign", "-1010519491231002X", "format", ""},
		{"zero province", withCheck("00010219800101001"), "format", ""},
		{"Feb 30", withCheck("37010219800230001"), "birth_date", ""},
		{"month 13", withCheck("37010219801301001"), "birth_date", ""},
		{"month 00", withCheck("37010219800001001"), "birth_date", ""},
		{"day 00", withCheck("37010219800100001"), "birth_date", ""},
		{"Apr 31", withCheck("37010219800431001"), "birth_date", ""},
		{"Feb 29 in a non-leap year", withCheck("37010219990229001"), "birth_date", ""},
		{"Feb 29 in 1900 (not leap)", withCheck("37010219000229001"), "birth_date", ""},
		{"year before 1800", withCheck("37010217991231001"), "birth_date", ""},
		{"wrong check digit", "110105194912310021", "checksum", "身份证号校验位错误，应为X"},
		{"wrong X", "44052418800101001X", "checksum", "身份证号校验位错误，应为4"},
		{"computed wrong", wrongCheck("37010219800102123"), "checksum", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseIDNumber(tt.in)
			if err == nil {
				t.Fatalf("ParseIDNumber(%q) = %q, want %s error", tt.in, got, tt.rule)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error", err)
			}
			if e.Code != CodeInvalid || len(e.Fields) != 1 {
				t.Fatalf("error = %+v, want CodeInvalid with one field", e)
			}
			f := e.Fields[0]
			if f.Field != "id_number" || f.Rule != tt.rule || f.Message == "" {
				t.Fatalf("field error = %+v, want id_number/%s", f, tt.rule)
			}
			if tt.msg != "" && f.Message != tt.msg {
				t.Fatalf("message = %q, want %q", f.Message, tt.msg)
			}
			if got != "" {
				t.Fatalf("value %q returned with an error", got)
			}
		})
	}
}

func TestIDCheckChar(t *testing.T) {
	for _, first17 := range []string{
		"11010519491231002", "44052418800101001", "37010219800102123",
		"00000000000000000", "99999999999999999", "37120219750315001",
	} {
		if got, want := IDCheckChar(first17), refCheckChar(first17); got != want {
			t.Errorf("IDCheckChar(%s) = %c, want %c", first17, got, want)
		}
	}
	for _, bad := range []string{"", "1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１"} {
		if got := IDCheckChar(bad); got != 0 {
			t.Errorf("IDCheckChar(%q) = %q, want 0", bad, got)
		}
	}
}

func TestIDNumberDerived(t *testing.T) {
	tests := []struct {
		in     string
		region RegionCode
		birth  string
		sex    Sex
		masked string
	}{
		{"11010519491231002X", "110105", "1949-12-31", SexFemale, "110105********002X"},
		{"440524188001010014", "440524", "1880-01-01", SexMale, "440524********0014"},
		{withCheck("37010219800102123"), "370102", "1980-01-02", SexMale, "370102********123" + string(refCheckChar("37010219800102123"))},
		{withCheck("37120219750315002"), "371202", "1975-03-15", SexFemale, "371202********002" + string(refCheckChar("37120219750315002"))},
		{withCheck("37120219750315019"), "371202", "1975-03-15", SexMale, "371202********019" + string(refCheckChar("37120219750315019"))},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseIDNumber(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if n.Region() != tt.region {
				t.Errorf("Region = %q, want %q", n.Region(), tt.region)
			}
			if n.BirthDate() != MustDate(tt.birth) {
				t.Errorf("BirthDate = %s, want %s", n.BirthDate(), tt.birth)
			}
			if n.Sex() != tt.sex {
				t.Errorf("Sex = %q, want %q", n.Sex(), tt.sex)
			}
			if n.Masked() != tt.masked {
				t.Errorf("Masked = %q, want %q", n.Masked(), tt.masked)
			}
			if n.String() != tt.in {
				t.Errorf("String = %q, want %q", n.String(), tt.in)
			}
		})
	}
}

func TestIDNumberMalformedAccessorsDoNotPanic(t *testing.T) {
	for _, n := range []IDNumber{"", "123", "11010519491231002", "1101051949123100二X"} {
		if n.Region() != "" || !n.BirthDate().IsZero() || n.Sex() != "" || n.BirthDateValid(MustDate("2020-01-01")) {
			t.Errorf("%q: accessors should return zero values", n)
		}
		if strings.Trim(n.Masked(), "*") != "" {
			t.Errorf("%q: Masked = %q leaks characters", n, n.Masked())
		}
	}
}

func TestIDNumberBirthDateValid(t *testing.T) {
	n, err := ParseIDNumber(withCheck("37010220240615001"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		today string
		want  bool
	}{
		{"2024-06-14", false},
		{"2024-06-15", true},
		{"2030-01-01", true},
	} {
		if got := n.BirthDateValid(MustDate(tt.today)); got != tt.want {
			t.Errorf("BirthDateValid(%s) = %v, want %v", tt.today, got, tt.want)
		}
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"abc x":         "abcX",
		"０１２３４５６７８９ｘＸx": "0123456789XXX",
		"1\u30002 3\t4": "1234",
		"中文":            "中文",
	} {
		if got := NormalizeIDNumber(in); got != want {
			t.Errorf("NormalizeIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMakeIDNumber(t *testing.T) {
	birth := MustDate("1980-02-29")
	for _, seq := range []int{0, 1, 250, 499} {
		for _, male := range []bool{true, false} {
			n := MakeIDNumber("371202", birth, seq, male)
			p, err := ParseIDNumber(string(n))
			if err != nil || p != n {
				t.Fatalf("MakeIDNumber(seq %d, male %v) = %q does not parse: %v", seq, male, n, err)
			}
			wantSex := SexFemale
			if male {
				wantSex = SexMale
			}
			if p.Sex() != wantSex || p.BirthDate() != birth || p.Region() != "371202" {
				t.Errorf("%q: sex %s birth %s region %s", n, p.Sex(), p.BirthDate(), p.Region())
			}
			wantCode := 2 * seq
			if male {
				wantCode++
			}
			if code := fmt.Sprintf("%03d", wantCode); string(n[14:17]) != code {
				t.Errorf("%q: sequence %s, want %s", n, n[14:17], code)
			}
		}
	}
	for name, f := range map[string]func(){
		"seq -1":       func() { MakeIDNumber("370102", birth, -1, true) },
		"seq 500":      func() { MakeIDNumber("370102", birth, 500, true) },
		"short region": func() { MakeIDNumber("3701", birth, 1, true) },
		"zero prov":    func() { MakeIDNumber("000102", birth, 1, true) },
		"zero date":    func() { MakeIDNumber("370102", Date{}, 1, true) },
		"letter":       func() { MakeIDNumber("37010A", birth, 1, true) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

func TestMakeIDNumberManyDates(t *testing.T) {
	// Every day of two years, including a leap day, builds a parseable number.
	for d := MustDate("1999-01-01"); d.Before(MustDate("2001-01-01")); d = d.AddDays(1) {
		n := MakeIDNumber("370102", d, d.Day(), d.Day()%2 == 0)
		if _, err := ParseIDNumber(string(n)); err != nil {
			t.Fatalf("%s: %q: %v", d, n, err)
		}
	}
}

func TestIDNumberLogValueIsMasked(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "id", IDNumber("11010519491231002X"))
	if strings.Contains(buf.String(), "19491231") || !strings.Contains(buf.String(), "110105********002X") {
		t.Fatalf("log line = %q, want the masked number only", buf.String())
	}
}
