package httpapi

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// readPhoto enforces the photo limit itself (the server-wide body limit
// may be larger): at most limit bytes of image, raw or in a form.
func TestReadPhotoLimit(t *testing.T) {
	const limit = 1000
	raw := func(n int, knownLength bool) *http.Request {
		r := httptest.NewRequest(http.MethodPut, "/", bytes.NewReader(bytes.Repeat([]byte{1}, n)))
		r.Header.Set("Content-Type", "image/jpeg")
		if !knownLength {
			r.ContentLength = -1
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(bytes.Repeat([]byte{1}, n))))
		}
		return r
	}
	form := func(field string, n int) *http.Request {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("other", "x")
		part, _ := w.CreateFormFile(field, "p.jpg")
		part.Write(bytes.Repeat([]byte{2}, n))
		w.Close()
		r := httptest.NewRequest(http.MethodPut, "/", &b)
		r.Header.Set("Content-Type", w.FormDataContentType())
		r.ContentLength = -1 // make the reader, not the header, find the size
		return r
	}
	tooLarge := func(err error) bool { return errors.Is(err, echo.ErrStatusRequestEntityTooLarge) }
	for name, c := range map[string]struct {
		r    *http.Request
		want int // bytes read, or -1 for 413
	}{
		"raw at the limit":           {raw(limit, true), limit},
		"raw over, length declared":  {raw(limit+1, true), -1},
		"raw over, length unknown":   {raw(limit+1, false), -1},
		"form at the limit":          {form("photo", limit), limit},
		"form field file":            {form("file", 10), 10},
		"form over the limit":        {form("photo", limit+1), -1},
		"form over, slack exhausted": {form("photo", limit+multipartSlack+10), -1},
	} {
		b, err := readPhoto(c.r, limit)
		switch {
		case c.want == -1 && !tooLarge(err):
			t.Errorf("%s: %v, want 413", name, err)
		case c.want >= 0 && (err != nil || len(b) != c.want):
			t.Errorf("%s: %d bytes, %v; want %d", name, len(b), err, c.want)
		}
	}
	_, err := readPhoto(form("avatar", 10), limit)
	if de, ok := err.(*domain.Error); !ok || de.Fields[0].Rule != "required" {
		t.Errorf("no photo field: %v", err)
	}
}

func TestETagMatches(t *testing.T) {
	for h, want := range map[string]bool{`"a"`: true, `W/"a"`: true, `"b", "a"`: true, `*`: true, `"b"`: false, `a`: false, ``: false} {
		if got := etagMatches(h, `"a"`); got != want {
			t.Errorf("%q: %v", h, got)
		}
	}
}
