package domain

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IDNumber is a GB 11643 resident ID number (身份证号), always in the
// normalised 18-character form with an upper-case X. Build it with
// ParseIDNumber (or MakeIDNumber in generators), never by conversion.
type IDNumber string

// idWeights are the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps S mod 11 to the check character.
const idCheckChars = "10X98765432"

// idMinBirthYear bounds the birth year from below: a zero Date means
// "absent" elsewhere, and nobody alive was born earlier (the public example
// 440524188001010014 is from 1880).
const idMinBirthYear = 1800

// NormalizeIDNumber removes the noise that pasted or typed numbers carry:
// ASCII whitespace and full-width spaces anywhere, full-width digits and
// Ｘ/ｘ, lower-case x. Everything else is kept for ParseIDNumber to reject.
func NormalizeIDNumber(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ', r == '\t', r == '\n', r == '\r', r == '\v', r == '\f', r == '\u3000':
			continue
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'x', r == 'Ｘ', r == 'ｘ':
			r = 'X'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseIDNumber normalises s and checks length, form, region, birth date and
// check character, in that order; the first failure is returned as an
// *Error with one FieldError on "id_number".
func ParseIDNumber(s string) (IDNumber, error) {
	n := NormalizeIDNumber(s)
	if utf8.RuneCountInString(n) != 18 {
		return "", idError("length", "身份证号应为18位")
	}
	for i := 0; i < 17; i++ {
		if !isDigit(n[i]) {
			return "", idError("format", "身份证号前17位应为数字")
		}
	}
	if !isDigit(n[17]) && n[17] != 'X' {
		return "", idError("format", "身份证号末位应为数字或X")
	}
	// Only the form of the region is checked: abolished codes (莱芜 3712xx)
	// and odd historic ones stay valid on old cards.
	if n[:2] == "00" {
		return "", idError("format", "身份证号地区码无效")
	}
	if _, ok := idBirthDate(n); !ok {
		return "", idError("birth_date", "身份证号中的出生日期无效")
	}
	if want := IDCheckChar(n[:17]); n[17] != want {
		return "", idError("checksum", fmt.Sprintf("身份证号校验位错误，应为%c", want))
	}
	return IDNumber(n), nil
}

func idError(rule, msg string) *Error {
	return Invalid(FieldError{Field: "id_number", Rule: rule, Message: msg})
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IDCheckChar returns the GB 11643 check character of the first 17 digits,
// or 0 when first17 is not exactly 17 ASCII digits.
func IDCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		if !isDigit(first17[i]) {
			return 0
		}
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// idBirthDate reads YYYYMMDD at positions 7-14 and reports whether it is a
// real calendar date no earlier than idMinBirthYear.
func idBirthDate(n string) (Date, bool) {
	if len(n) != 18 {
		return Date{}, false
	}
	y, err1 := strconv.Atoi(n[6:10])
	m, err2 := strconv.Atoi(n[10:12])
	d, err3 := strconv.Atoi(n[12:14])
	if err1 != nil || err2 != nil || err3 != nil || y < idMinBirthYear ||
		m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, false
	}
	return NewDate(y, time.Month(m), d), true
}

// MakeIDNumber builds a valid number for generators and tests. seq (0..499)
// becomes the 3-digit sequence whose parity encodes the sex. It panics on
// a region that is not 6 digits, a year outside 1800..9999 or seq out of
// range, because those are bugs in the generator, not data.
func MakeIDNumber(region RegionCode, birth Date, seq int, male bool) IDNumber {
	if seq < 0 || seq > 499 {
		panic(fmt.Sprintf("MakeIDNumber: seq %d out of range 0..499", seq))
	}
	if birth.Year() < idMinBirthYear || birth.Year() > 9999 {
		panic(fmt.Sprintf("MakeIDNumber: birth year %d out of range", birth.Year()))
	}
	code := seq * 2
	if male {
		code++
	}
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, birth.Year(), birth.Month(), birth.Day(), code)
	c := IDCheckChar(first17)
	if c == 0 || first17[:2] == "00" {
		panic(fmt.Sprintf("MakeIDNumber: bad region %q", region))
	}
	return IDNumber(first17 + string(c))
}

// String returns the full number. Use Masked for lists, exports and logs.
func (n IDNumber) String() string { return string(n) }

// LogValue masks the number in structured logs: ID numbers are sensitive
// personal data (PIPL art. 28) and must not end up in log files.
func (n IDNumber) LogValue() slog.Value { return slog.StringValue(n.Masked()) }

// Region is the issuing region of the number; it may be an abolished code.
// The accessors below return zero values on a malformed number rather than
// panic, since a conversion from string can bypass ParseIDNumber.
func (n IDNumber) Region() RegionCode {
	if len(n) != 18 {
		return ""
	}
	return RegionCode(n[:6])
}

// BirthDate is the date encoded in positions 7-14.
func (n IDNumber) BirthDate() Date {
	d, _ := idBirthDate(string(n))
	return d
}

// BirthDateValid reports whether the birth date is real and not after today;
// the future check needs a clock, so it is kept out of ParseIDNumber.
func (n IDNumber) BirthDateValid(today Date) bool {
	d, ok := idBirthDate(string(n))
	return ok && !d.After(today)
}

// Sex is derived from the 17th digit: odd is male.
func (n IDNumber) Sex() Sex {
	if len(n) != 18 || !isDigit(n[16]) {
		return ""
	}
	if (n[16]-'0')%2 == 1 {
		return SexMale
	}
	return SexFemale
}

// Masked keeps the region and the last four characters, e.g.
// 370102********123X. A malformed value is masked entirely.
func (n IDNumber) Masked() string {
	if len(n) != 18 {
		return strings.Repeat("*", utf8.RuneCountInString(string(n)))
	}
	return string(n[:6]) + "********" + string(n[14:])
}
