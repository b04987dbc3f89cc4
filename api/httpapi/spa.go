package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v5"
)

// registerSPA serves the built single-page app: real files as they are
// (hashed assets cached for a year), and index.html for any other path so
// that client-side routes survive a reload.
func registerSPA(e *echo.Echo, spa fs.FS) {
	e.GET("/*", func(c *echo.Context) error {
		name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
		if name == "" {
			name = "index.html"
		}
		if st, err := fs.Stat(spa, name); err != nil || st.IsDir() {
			if path.Ext(name) != "" && !strings.HasSuffix(name, ".html") {
				return echo.ErrNotFound // a missing asset is a 404, not the app
			}
			name = "index.html"
		}
		if strings.HasPrefix(name, "assets/") {
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "no-cache")
		}
		return c.FileFS(name, spa)
	})
	e.HEAD("/*", func(c *echo.Context) error { return c.NoContent(http.StatusOK) })
}
