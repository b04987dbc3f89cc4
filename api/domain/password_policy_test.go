package domain

import "testing"

func TestPasswordPolicy(t *testing.T) {
	p := DefaultPasswordPolicy()
	cases := []struct {
		pw, user string
		rules    []string
	}{
		{"Abcdef1!", "zhang", nil},
		{"abcdef12", "zhang", []string{"classes"}},           // 2 classes
		{"abcDEF12", "zhang", nil},                           // 3 classes
		{"Ab1!", "zhang", []string{"min_length"}},            // short
		{"Zhang123!", "zhang", []string{"not_username"}},     // contains username
		{"ZHANG@2026x", "Zhang", []string{"not_username"}},   // case-insensitive
		{"密码很长很长Ab1", "li", nil},                             // CJK counts as symbol class
		{"aaaaaaa", "li", []string{"min_length", "classes"}}, // both reported
	}
	for _, tc := range cases {
		err := p.Check(tc.pw, tc.user)
		var got []string
		if e, ok := err.(*Error); ok {
			for _, f := range e.Fields {
				got = append(got, f.Rule)
				if f.Field != "new_password" || f.Message == "" {
					t.Errorf("%q: bad field error %+v", tc.pw, f)
				}
			}
		}
		if len(got) != len(tc.rules) {
			t.Errorf("%q: rules %v, want %v", tc.pw, got, tc.rules)
			continue
		}
		for i := range got {
			if got[i] != tc.rules[i] {
				t.Errorf("%q: rules %v, want %v", tc.pw, got, tc.rules)
			}
		}
	}
}
