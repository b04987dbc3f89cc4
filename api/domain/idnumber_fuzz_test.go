package domain

import (
	"testing"
	"unicode/utf8"
)

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "440524188001010014",
		"１１０１０５１９４９１２３１００２Ｘ", " 110105 19491231 002X ", "110105194912310021",
		"37010219800230001X", "", "X", "\u3000", "00000000000000000X", "中文中文中文中文中文中文中文中文中文",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm := NormalizeIDNumber(s)
		if NormalizeIDNumber(norm) != norm {
			t.Fatalf("NormalizeIDNumber not idempotent on %q", s)
		}
		n, err := ParseIDNumber(s)
		if err != nil {
			if n != "" {
				t.Fatalf("value %q returned with error", n)
			}
			if ErrorCode(err) != CodeInvalid {
				t.Fatalf("error code %s, want invalid", ErrorCode(err))
			}
			return
		}
		if len(n) != 18 || !utf8.ValidString(string(n)) {
			t.Fatalf("parsed %q is not 18 ASCII characters", n)
		}
		again, err := ParseIDNumber(n.String())
		if err != nil || again != n {
			t.Fatalf("re-parse of %q = %q, %v", n, again, err)
		}
		if refCheckChar(string(n[:17])) != n[17] {
			t.Fatalf("%q: checksum does not hold", n)
		}
		if n.BirthDate().IsZero() || n.Sex() == "" || len(n.Masked()) != 18 {
			t.Fatalf("%q: derived fields missing", n)
		}
	})
}
