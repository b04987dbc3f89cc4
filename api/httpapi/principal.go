package httpapi

import (
	"context"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
)

// Authenticator resolves the caller of a request. The identity issue plugs
// token authentication in here; every handler reads the principal through
// principalOf and passes it to its service, which scopes by it.
type Authenticator interface {
	Authenticate(c *echo.Context) (domain.Principal, error)
}

const principalKey = "lecms.principal"

func authenticate(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			p, err := a.Authenticate(c)
			if err != nil {
				return err
			}
			c.Set(principalKey, p)
			return next(c)
		}
	}
}

// TokenAuth authenticates bearer access tokens.
type TokenAuth struct {
	Verify func(ctx context.Context, bearer string) (domain.Principal, error)
}

func (t TokenAuth) Authenticate(c *echo.Context) (domain.Principal, error) {
	h := c.Request().Header.Get(echo.HeaderAuthorization)
	bearer, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthorized, "请先登录")
	}
	return t.Verify(c.Request().Context(), strings.TrimSpace(bearer))
}

func principalOf(c *echo.Context) domain.Principal {
	p, _ := c.Get(principalKey).(domain.Principal)
	return p
}
