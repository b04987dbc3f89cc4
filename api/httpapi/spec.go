package httpapi

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v5"
)

// Spec serves the API description to third-party systems: the Swagger 2.0
// document swag generates, its OpenAPI 3 conversion, and Swagger UI.
type Spec struct {
	Swagger2 []byte
	OpenAPI3 []byte
	UI       fs.FS // swagger-ui dist files
}

const swaggerIndex = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>LECMS API</title>
<link rel="stylesheet" href="swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="swagger-ui-init.js"></script></body></html>`

// The init script is a file, not inline, so the CSP can forbid inline scripts.
const swaggerInit = `window.ui = SwaggerUIBundle({url: "/swagger/doc.json", dom_id: "#swagger-ui", deepLinking: true});`

func (s Spec) register(e *echo.Echo) {
	if s.Swagger2 != nil {
		e.GET("/swagger/doc.json", blob(s.Swagger2, "application/json"))
	}
	if s.OpenAPI3 != nil {
		e.GET("/api/v1/openapi.json", s.openAPI3)
	}
	if s.UI == nil {
		return
	}
	e.GET("/swagger", func(c *echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/swagger/") })
	e.GET("/swagger/", blob([]byte(swaggerIndex), "text/html; charset=utf-8"))
	e.GET("/swagger/swagger-ui-init.js", blob([]byte(swaggerInit), "application/javascript"))
	e.GET("/swagger/*", func(c *echo.Context) error { return c.FileFS(c.Param("*"), s.UI) })
}

// openAPI3 serves the OpenAPI 3 description of this API.
//
//	@Summary	This API's OpenAPI 3 description (for third-party systems)
//	@Tags		ops
//	@Produce	json
//	@Success	200	{object}	map[string]any
//	@Router		/api/v1/openapi.json [get]
func (s Spec) openAPI3(c *echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", s.OpenAPI3)
}

func blob(b []byte, contentType string) echo.HandlerFunc {
	return func(c *echo.Context) error { return c.Blob(http.StatusOK, contentType, b) }
}
