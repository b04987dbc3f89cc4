package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/settings"
)

type policiesHandler struct{ svc *settings.Publisher }

// get returns the configured rules the SPA shows.
//
//	@Summary		Configured rules (password policy, lockout, 注销原因)
//	@Description	What every signed-in user may know of the rules in force, so clients never hard-code them: the password policy and lockout numbers, the idle timeout, the configured cancellation reasons (a cancellation must quote one), the revocation bar and the certificate types. Reachable while the password must be changed (the change page shows the policy). Not public: the login page does not show it.
//	@Tags			auth
//	@Produce		json
//	@Security		Bearer
//	@Success		200	{object}	settings.Published
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api/v1/policies [get]
func (h *policiesHandler) get(c *echo.Context) error {
	if h.svc == nil {
		return domain.Errorf(domain.CodeUnavailable, "规则发布未启用")
	}
	p, err := h.svc.Published(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
