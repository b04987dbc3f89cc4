package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// query reads query parameters, collecting every problem so a response
// names all bad parameters at once.
type query struct {
	c *echo.Context
	v domain.Validation
}

func newQuery(c *echo.Context) *query { return &query{c: c} }

func (q *query) str(name string, maxLen int) string {
	s := strings.TrimSpace(q.c.QueryParam(name))
	if len([]rune(s)) > maxLen {
		q.v.Add(name, "max_length", fmt.Sprintf("%s 最多 %d 个字符", name, maxLen))
		return ""
	}
	return s
}

func (q *query) int64(name string) int64 {
	s := q.c.QueryParam(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		q.v.Add(name, "positive_integer", name+" 应为正整数")
		return 0
	}
	return n
}

func (q *query) region(name string) domain.RegionCode {
	s := q.c.QueryParam(name)
	if s == "" {
		return ""
	}
	code, err := domain.ParseRegionCode(s)
	if err != nil {
		q.v.Add(name, "region_code", "行政区划代码应为 6 位数字（如 370102）")
		return ""
	}
	return code
}

// oneOf accepts only listed values.
func (q *query) oneOf(name string, allowed ...string) string {
	s := q.c.QueryParam(name)
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	q.v.Add(name, "enum", fmt.Sprintf("%s 只能是 %s 之一", name, strings.Join(allowed, ", ")))
	return ""
}

func (q *query) year(name string) int {
	s := q.c.QueryParam(name)
	if s == "" {
		return 0
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1990 || y > 2100 {
		q.v.Add(name, "range", "年检年度应为 1990 至 2100 之间的年份")
		return 0
	}
	return y
}

func (q *query) page() domain.PageRequest {
	p := domain.PageRequest{Limit: domain.DefaultPageSize, Cursor: q.c.QueryParam("cursor")}
	if s := q.c.QueryParam("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > domain.MaxPageSize {
			q.v.Add("limit", "range", fmt.Sprintf("每页条数应为 1 至 %d", domain.MaxPageSize))
		} else {
			p.Limit = n
		}
	}
	if len(p.Cursor) > 256 {
		q.v.Add("cursor", "format", "分页游标无效，请从第一页重新查询")
	}
	return p
}

func (q *query) err() error { return q.v.Err() }

// pathID reads a positive integer path parameter.
func pathID(c *echo.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.Invalid(domain.FieldError{Field: name, Rule: "positive_integer", Message: name + " 应为正整数"})
	}
	return n, nil
}

// decodeJSON reads a JSON body strictly: the media type must be JSON,
// unknown fields and trailing data are refused, and syntax errors name the
// offset, so a client learns exactly what is wrong.
func decodeJSON(c *echo.Context, v any) error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return &domain.Error{Code: domain.CodeInvalid, Message: "请求体须为 JSON（Content-Type: application/json）",
				Fields: []domain.FieldError{{Field: "Content-Type", Rule: "media_type", Message: "应为 application/json"}}}
		}
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return domain.Invalid(domain.FieldError{Field: "body", Rule: "single_object", Message: "请求体只能包含一个 JSON 对象"})
	}
	return nil
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge interface{ StatusCode() int }
	switch {
	case errors.Is(err, io.EOF):
		return domain.Invalid(domain.FieldError{Field: "body", Rule: "required", Message: "请求体不能为空"})
	case errors.As(err, &syn):
		return domain.Invalid(domain.FieldError{Field: "body", Rule: "json_syntax",
			Message: fmt.Sprintf("JSON 格式错误（第 %d 字节附近）", syn.Offset)})
	case errors.As(err, &typ):
		return domain.Invalid(domain.FieldError{Field: typ.Field, Rule: "type",
			Message: fmt.Sprintf("%s 的类型应为 %s", typ.Field, typ.Type)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.Invalid(domain.FieldError{Field: field, Rule: "unknown_field", Message: "不支持的字段：" + field})
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid(domain.FieldError{Field: "body", Rule: "json_syntax", Message: "JSON 不完整"})
	}
	return domain.Invalid(domain.FieldError{Field: "body", Rule: "json", Message: "无法解析请求体"})
}
