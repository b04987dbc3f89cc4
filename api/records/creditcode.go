package records

import (
	"fmt"
	"strings"

	"github.com/lecms/lecms/api/domain"
)

// usccChars is the 31-character alphabet of GB 32100 (no I, O, S, V, Z);
// a character's value is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// ParseCreditCode validates a unified social credit code (统一社会信用代码,
// GB 32100-2015) and returns it normalised (trimmed, upper case): 18
// characters of the GB 32100 alphabet, the region code (positions 3–8)
// in digits, and the check character: C18 = 31 − (Σ Ci·Wi mod 31) with
// Wi = 3^(i−1) mod 31, where a result of 31 is 0. The error is an *Error
// with one FieldError on field.
func ParseCreditCode(field, s string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(s))
	bad := func(rule, msg string) error {
		return domain.Invalid(domain.FieldError{Field: field, Rule: rule, Message: msg})
	}
	if len(code) != 18 {
		return "", bad("length", "统一社会信用代码应为18位")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccChars, code[i]) < 0 {
			return "", bad("format", fmt.Sprintf("统一社会信用代码第%d位“%c”不是有效字符（不使用 I、O、S、V、Z）", i+1, code[i]))
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return "", bad("format", "统一社会信用代码第3至8位应为行政区划代码")
		}
	}
	if want := creditCheckChar(code[:17]); code[17] != want {
		return "", bad("checksum", fmt.Sprintf("统一社会信用代码校验位错误，应为%c", want))
	}
	return code, nil
}

// creditCheckChar is the GB 32100 check character of 17 valid characters.
func creditCheckChar(first17 string) byte {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccChars, first17[i]) * w
		w = w * 3 % 31
	}
	return usccChars[(31-sum%31)%31]
}
