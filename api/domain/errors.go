package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a stable, machine-readable error code. The HTTP edge maps codes to
// statuses; clients switch on them, so they never change once published.
type Code string

const (
	CodeInvalid      Code = "invalid"       // input failed validation (see FieldErrors)
	CodeNotFound     Code = "not_found"     // no such record, or not visible to the caller
	CodeConflict     Code = "conflict"      // state changed underneath the caller
	CodeForbidden    Code = "forbidden"     // authenticated but not allowed
	CodeUnauthorized Code = "unauthorized"  // no or bad credentials
	CodeRuleViolated Code = "rule_violated" // a domain rule refuses the action
	CodeTooMany      Code = "too_many_requests"
	CodeLocked       Code = "account_locked"           // too many failed logins
	CodeMustChangePw Code = "password_change_required" // initial, reset or expired password
	CodeBadClient    Code = "invalid_client"           // OAuth client authentication failed
	CodeBadGrant     Code = "unsupported_grant_type"
	CodeUnavailable  Code = "unavailable" // a dependency (database) is down
	CodeInternal     Code = "internal"
)

// FieldError names one offending input field and the rule it broke.
type FieldError struct {
	Field   string `json:"field" validate:"required"`
	Rule    string `json:"rule" validate:"required"`
	Message string `json:"message" validate:"required"` // Chinese, for the user
}

// Error is the one error type that crosses package boundaries. Message is
// Chinese and safe to show; internal causes stay in Err and are only logged.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a Chinese message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error from field errors. The message
// carries the field messages too, so a client that shows only the detail
// still tells the user what to fix.
func Invalid(fields ...FieldError) *Error {
	msgs := make([]string, 0, 3)
	for i, f := range fields {
		if i == 3 {
			msgs = append(msgs, "……")
			break
		}
		msgs = append(msgs, f.Message)
	}
	msg := "请求参数有误"
	if len(msgs) > 0 {
		msg += "：" + strings.Join(msgs, "；")
	}
	return &Error{Code: CodeInvalid, Message: msg, Fields: fields}
}

// Internal wraps an unexpected error; its text is never shown to users.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, Message: "服务器内部错误", Err: err}
}

// ErrorCode returns the code of err, CodeInternal for foreign errors.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Validation collects field errors so one response names every bad field.
type Validation struct{ fields []FieldError }

// Add records a broken rule for field.
func (v *Validation) Add(field, rule, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Rule: rule, Message: message})
}

// Err returns nil when nothing was added.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return Invalid(v.fields...)
}
