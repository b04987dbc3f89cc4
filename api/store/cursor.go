package store

import (
	"encoding/base64"
	"encoding/json"

	"github.com/lecms/lecms/api/domain"
)

// dueCursor is a keyset position in (next_due_on, id) order. Rows without
// a due date come after all dated rows, ordered by id; Due is zero there.
type dueCursor struct {
	Due string `json:"d,omitempty"`
	ID  int64  `json:"i"`
}

func (c dueCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeDueCursor(s string) (dueCursor, domain.Date, error) {
	var c dueCursor
	bad := domain.Invalid(domain.FieldError{Field: "cursor", Rule: "format", Message: "分页游标无效，请从第一页重新查询"})
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return c, domain.Date{}, bad
	}
	var due domain.Date
	if c.Due != "" {
		if due, err = domain.ParseDate(c.Due); err != nil {
			return c, domain.Date{}, bad
		}
	}
	return c, due, nil
}

// idCursor is a keyset position in id order.
type idCursor struct {
	ID int64 `json:"i"`
}

func (c idCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeIDCursor(s string) (int64, error) {
	var c idCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return 0, domain.Invalid(domain.FieldError{Field: "cursor", Rule: "format", Message: "分页游标无效，请从第一页重新查询"})
	}
	return c.ID, nil
}
