package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PasswordPolicy is the configurable password rule set (MLPS level 3:
// complexity, periodic change, no reuse).
type PasswordPolicy struct {
	MinLength  int // characters
	MinClasses int // of lower, upper, digit, symbol
	History    int // the new password may not equal any of the last N
	MaxAgeDays int // forced change after this many days (0 = never)
}

// DefaultPasswordPolicy: 8 characters, 3 of 4 classes, last 5, 90 days.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{MinLength: 8, MinClasses: 3, History: 5, MaxAgeDays: 90}
}

// Check applies the rules that need no history; the field is "new_password".
func (p PasswordPolicy) Check(password, username string) error {
	var v Validation
	if utf8.RuneCountInString(password) < p.MinLength {
		v.Add("new_password", "min_length", "密码至少 "+strconv.Itoa(p.MinLength)+" 位")
	}
	if utf8.RuneCountInString(password) > 128 {
		v.Add("new_password", "max_length", "密码最多 128 位")
	}
	if classes(password) < p.MinClasses {
		v.Add("new_password", "classes", "密码须包含大写字母、小写字母、数字、符号中的至少 "+strconv.Itoa(p.MinClasses)+" 类")
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		v.Add("new_password", "not_username", "密码不能包含用户名")
	}
	return v.Err()
}

func classes(s string) int {
	var lower, upper, digit, symbol int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	return lower + upper + digit + symbol
}
