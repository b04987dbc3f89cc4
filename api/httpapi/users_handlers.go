package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
)

type usersHandler struct{ svc *identity.Service }

// UserPage is one page of accounts.
type UserPage struct {
	Items      []domain.User `json:"items" validate:"required"`
	NextCursor string        `json:"next_cursor,omitempty"`
}

// PasswordReset sets a new initial password.
type PasswordReset struct {
	Password string `json:"password" validate:"required" example:"Initial@2026" maxLength:"128"`
}

// list lists accounts in the administrator's jurisdiction.
//
//	@Summary	List users (用户管理)
//	@Tags		users
//	@Produce	json
//	@Security	Bearer
//	@Param		q		query		string	false	"username or name prefix"	maxLength(64)
//	@Param		limit	query		int		false	"page size"					minimum(1)	maximum(200)	default(50)
//	@Param		cursor	query		string	false	"cursor from the previous page"
//	@Success	200		{object}	UserPage
//	@Failure	400		{object}	Problem
//	@Failure	401		{object}	Problem
//	@Failure	403		{object}	Problem
//	@Router		/api/v1/users [get]
func (h *usersHandler) list(c *echo.Context) error {
	q := newQuery(c)
	search, page := q.str("q", 64), q.page()
	if err := q.err(); err != nil {
		return err
	}
	p, err := h.svc.ListUsers(c.Request().Context(), principalOf(c), search, page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UserPage(p))
}

// create creates an account with an initial password.
//
//	@Summary		Create a user
//	@Description	The role and scope must lie within the administrator's own jurisdiction; unit roles take their unit's region. The user must change the initial password at first login.
//	@Tags			users
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		identity.NewUser	true	"the account"
//	@Success		201		{object}	domain.User
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		409		{object}	Problem
//	@Router			/api/v1/users [post]
func (h *usersHandler) create(c *echo.Context) error {
	var in identity.NewUser
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := h.svc.CreateUser(c.Request().Context(), principalOf(c), in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// resetPassword sets a new initial password and ends the user's sessions.
//
//	@Summary	Reset a user's password
//	@Tags		users
//	@Accept		json
//	@Security	Bearer
//	@Param		id		path	int				true	"user id"	minimum(1)
//	@Param		body	body	PasswordReset	true	"new initial password"
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/users/{id}/password-reset [post]
func (h *usersHandler) resetPassword(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in PasswordReset
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.ResetPassword(c.Request().Context(), principalOf(c), id, in.Password, clientOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *usersHandler) setDisabled(disabled bool) echo.HandlerFunc {
	return func(c *echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		if err := h.svc.SetDisabled(c.Request().Context(), principalOf(c), id, disabled, clientOf(c)); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// disable disables an account and ends its sessions.
//
//	@Summary	Disable a user
//	@Tags		users
//	@Security	Bearer
//	@Param		id	path	int	true	"user id"	minimum(1)
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Failure	422	{object}	Problem
//	@Router		/api/v1/users/{id}/disable [post]
func (h *usersHandler) disable(c *echo.Context) error { return h.setDisabled(true)(c) }

// enable re-enables an account.
//
//	@Summary	Enable a user
//	@Tags		users
//	@Security	Bearer
//	@Param		id	path	int	true	"user id"	minimum(1)
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/users/{id}/enable [post]
func (h *usersHandler) enable(c *echo.Context) error { return h.setDisabled(false)(c) }

// unlock lifts a lockout.
//
//	@Summary	Unlock a user locked by failed logins
//	@Tags		users
//	@Security	Bearer
//	@Param		id	path	int	true	"user id"	minimum(1)
//	@Success	204
//	@Failure	400	{object}	Problem
//	@Failure	401	{object}	Problem
//	@Failure	403	{object}	Problem
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/users/{id}/unlock [post]
func (h *usersHandler) unlock(c *echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Unlock(c.Request().Context(), principalOf(c), id, clientOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// createClient registers a third-party system.
//
//	@Summary		Register an API client
//	@Description	Returns the client secret once; it is stored hashed. The client then uses POST /api/v1/oauth/token.
//	@Tags			clients
//	@Accept			json
//	@Produce		json
//	@Security		Bearer
//	@Param			body	body		identity.NewClient	true	"the client"
//	@Success		201		{object}	identity.ClientCredentials
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Router			/api/v1/clients [post]
func (h *usersHandler) createClient(c *echo.Context) error {
	var in identity.NewClient
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	cred, err := h.svc.RegisterClient(c.Request().Context(), principalOf(c), in, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cred)
}
