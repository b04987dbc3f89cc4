package domain

// Page limits, shared by every keyset-paginated list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// PageRequest asks for one keyset page: Cursor is the opaque position
// returned by the previous page, empty for the first.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Page is one page of a list; NextCursor is empty on the last page.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}
