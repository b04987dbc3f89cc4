package httpapi

import (
	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// OpenAccess is the development authenticator used until token
// authentication lands (identity issue): every caller is a read-only viewer
// of Scope. The serve command refuses it in production.
type OpenAccess struct{ Scope domain.RegionCode }

func (o OpenAccess) Authenticate(*echo.Context) (domain.Principal, error) {
	return domain.Principal{Username: "anonymous", Scope: o.Scope}, nil
}
