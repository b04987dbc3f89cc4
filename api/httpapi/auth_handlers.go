package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/identity"
)

// refreshCookie carries the refresh token: httpOnly (no script can read
// it), SameSite=Strict and scoped to the auth endpoints.
const (
	refreshCookie     = "lecms_refresh"
	refreshCookiePath = "/api/v1/auth"
)

type authHandler struct {
	svc          *identity.Service
	secureCookie bool
}

// LoginRequest is a username and password.
type LoginRequest struct {
	Username string `json:"username" validate:"required" example:"lixia_operator" maxLength:"64"`
	Password string `json:"password" validate:"required" example:"Demo@2026" maxLength:"128"`
}

// TokenResponse is a fresh access token; the refresh token is in a cookie.
type TokenResponse struct {
	AccessToken        string      `json:"access_token" validate:"required"`
	TokenType          string      `json:"token_type" validate:"required" example:"Bearer"`
	ExpiresIn          int         `json:"expires_in" validate:"required" example:"900"`
	MustChangePassword bool        `json:"must_change_password" validate:"required"`
	User               domain.User `json:"user" validate:"required"`
}

// PasswordChange asks to replace one's password.
type PasswordChange struct {
	OldPassword string `json:"old_password" validate:"required" maxLength:"128"`
	NewPassword string `json:"new_password" validate:"required" maxLength:"128"`
}

func clientOf(c *echo.Context) identity.Client {
	return identity.Client{IP: c.RealIP(), UserAgent: c.Request().UserAgent(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

func (h *authHandler) respond(c *echo.Context, t identity.Tokens) error {
	c.SetCookie(&http.Cookie{Name: refreshCookie, Value: t.RefreshToken, Path: refreshCookiePath, HttpOnly: true,
		Secure: h.secureCookie, SameSite: http.SameSiteStrictMode, MaxAge: int((12 * time.Hour).Seconds())})
	return c.JSON(http.StatusOK, TokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(t.ExpiresIn.Seconds()), MustChangePassword: t.User.MustChangePassword, User: t.User})
}

// login signs in with a username and password.
//
//	@Summary		Sign in
//	@Description	Returns a short-lived access token and sets the refresh token in an httpOnly cookie. Unknown user and wrong password get the same answer; 5 failures lock the account for 15 minutes (code account_locked).
//	@Tags			auth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"credentials"
//	@Success		200		{object}	TokenResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		403		{object}	Problem
//	@Failure		423		{object}	Problem
//	@Failure		429		{object}	Problem
//	@Router			/api/v1/auth/login [post]
func (h *authHandler) login(c *echo.Context) error {
	var in LoginRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var v domain.Validation
	if strings.TrimSpace(in.Username) == "" {
		v.Add("username", "required", "请输入用户名")
	}
	if in.Password == "" {
		v.Add("password", "required", "请输入密码")
	}
	if err := v.Err(); err != nil {
		return err
	}
	t, err := h.svc.Login(c.Request().Context(), strings.TrimSpace(in.Username), in.Password, clientOf(c))
	if err != nil {
		return err
	}
	return h.respond(c, t)
}

// refresh exchanges the refresh cookie for new tokens.
//
//	@Summary		Refresh the access token
//	@Description	Spends the refresh cookie and sets a new one (rotation). A reused refresh token revokes the whole session; a session idle longer than the idle timeout ends.
//	@Tags			auth
//	@Produce		json
//	@Success		200	{object}	TokenResponse
//	@Failure		401	{object}	Problem
//	@Failure		403	{object}	Problem
//	@Router			/api/v1/auth/refresh [post]
func (h *authHandler) refresh(c *echo.Context) error {
	var raw string
	if ck, err := c.Cookie(refreshCookie); err == nil {
		raw = ck.Value
	}
	t, err := h.svc.Refresh(c.Request().Context(), raw, clientOf(c))
	if err != nil {
		h.clearCookie(c)
		return err
	}
	return h.respond(c, t)
}

// logout ends the session.
//
//	@Summary	Sign out (revokes the session)
//	@Tags		auth
//	@Success	204
//	@Router		/api/v1/auth/logout [post]
func (h *authHandler) logout(c *echo.Context) error {
	var raw string
	if ck, err := c.Cookie(refreshCookie); err == nil {
		raw = ck.Value
	}
	p, _ := c.Get(principalKey).(domain.Principal)
	if err := h.svc.Logout(c.Request().Context(), p, raw, clientOf(c)); err != nil {
		return err
	}
	h.clearCookie(c)
	return c.NoContent(http.StatusNoContent)
}

func (h *authHandler) clearCookie(c *echo.Context) {
	c.SetCookie(&http.Cookie{Name: refreshCookie, Path: refreshCookiePath, HttpOnly: true, Secure: h.secureCookie,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// changePassword replaces the caller's password.
//
//	@Summary		Change my password
//	@Description	Required before anything else when the password is initial, reset or expired. Policy: at least 8 characters with 3 of 4 classes, not containing the username, not one of the last 5.
//	@Tags			auth
//	@Accept			json
//	@Security		Bearer
//	@Param			body	body	PasswordChange	true	"old and new password"
//	@Success		204
//	@Failure		400	{object}	Problem
//	@Failure		401	{object}	Problem
//	@Router			/api/v1/auth/password [post]
func (h *authHandler) changePassword(c *echo.Context) error {
	var in PasswordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.ChangePassword(c.Request().Context(), principalOf(c), in.OldPassword, in.NewPassword, clientOf(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// me describes the signed-in user.
//
//	@Summary	Who am I: account, role, jurisdiction and permissions
//	@Tags		auth
//	@Produce	json
//	@Security	Bearer
//	@Success	200	{object}	identity.Me
//	@Failure	401	{object}	Problem
//	@Router		/api/v1/me [get]
func (h *authHandler) me(c *echo.Context) error {
	m, err := h.svc.Me(c.Request().Context(), principalOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

// OAuthToken is an OAuth 2.0 token response.
type OAuthToken struct {
	AccessToken string `json:"access_token" validate:"required"`
	TokenType   string `json:"token_type" validate:"required" example:"Bearer"`
	ExpiresIn   int    `json:"expires_in" validate:"required" example:"900"`
	Scope       string `json:"scope" validate:"required" example:"certificates:read"`
}

// oauthToken is the client-credentials grant for third-party systems.
//
//	@Summary		OAuth 2.0 token (client credentials)
//	@Description	RFC 6749 §4.4: form-encoded grant_type=client_credentials, client authenticated by HTTP Basic (or client_id/client_secret form fields).
//	@Tags			auth
//	@Accept			x-www-form-urlencoded
//	@Produce		json
//	@Param			grant_type		formData	string	true	"client_credentials"
//	@Param			client_id		formData	string	false	"when not using HTTP Basic"
//	@Param			client_secret	formData	string	false	"when not using HTTP Basic"
//	@Success		200				{object}	OAuthToken
//	@Failure		400				{object}	Problem
//	@Failure		401				{object}	Problem
//	@Failure		429				{object}	Problem
//	@Router			/api/v1/oauth/token [post]
func (h *authHandler) oauthToken(c *echo.Context) error {
	if c.FormValue("grant_type") != "client_credentials" {
		return &domain.Error{Code: domain.CodeBadGrant, Message: "仅支持 client_credentials",
			Fields: []domain.FieldError{{Field: "grant_type", Rule: "enum", Message: "应为 client_credentials"}}}
	}
	id, secret, ok := c.Request().BasicAuth()
	if !ok {
		id, secret = c.FormValue("client_id"), c.FormValue("client_secret")
	}
	tok, ttl, grants, err := h.svc.ClientToken(c.Request().Context(), id, secret, clientOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, OAuthToken{AccessToken: tok, TokenType: "Bearer", ExpiresIn: ttl, Scope: strings.Join(grants, " ")})
}
