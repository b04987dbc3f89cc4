package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/token"
)

// Client describes where a request comes from, for audit and rate limits.
type Client struct {
	IP        string
	UserAgent string
	RequestID string
}

// Tokens is the result of a login or refresh. RefreshToken goes into an
// httpOnly cookie, never into the response body.
type Tokens struct {
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
	User         domain.User
}

// Messages shown for refused logins. One text for unknown user and wrong
// password so that usernames cannot be probed.
const (
	msgBadCredentials = "用户名或密码错误"
	msgLocked         = "登录失败次数过多，账户已锁定，请 %d 分钟后再试或联系管理员解锁"
	msgDisabled       = "账户已停用，请联系管理员"
	msgTooManyIP      = "登录尝试过于频繁，请稍后再试"
)

// Login checks a username and password.
func (s *Service) Login(ctx context.Context, username, pw string, c Client) (Tokens, error) {
	now := s.Now().UTC()
	ev := domain.AuditEvent{ActorName: username, Action: "auth.login", TargetType: "user", TargetID: username,
		IP: c.IP, RequestID: c.RequestID, Result: domain.AuditFailure}

	n, err := s.Rates.Hit(ctx, "login:ip:"+c.IP, now, time.Minute)
	if err != nil {
		return Tokens{}, err
	}
	if n > s.cfg.LoginPerIPPerMin {
		ev.Result, ev.Detail = domain.AuditDenied, map[string]any{"reason": "ip_rate_limit"}
		if err := s.audit(ctx, ev); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, domain.Errorf(domain.CodeTooMany, msgTooManyIP)
	}

	u, err := s.Users.ByUsername(ctx, username)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return Tokens{}, s.unknownUser(ctx, username, pw, ev, now)
	}
	if err != nil {
		return Tokens{}, err
	}
	ev.ActorID, ev.Role, ev.Scope = u.ID, string(u.Role), u.ScopeRegion
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		s.Hasher.Verify(ctx, pw, u.PasswordHash) // same cost as any other attempt
		ev.Result, ev.Detail = domain.AuditDenied, map[string]any{"reason": "locked"}
		if err := s.audit(ctx, ev); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, s.lockedError(*u.LockedUntil, now)
	}
	ok, err := s.Hasher.Verify(ctx, pw, u.PasswordHash)
	if err != nil {
		return Tokens{}, err
	}
	if !ok {
		if err := s.Users.LoginFailed(ctx, u.ID, now, s.cfg.MaxFailures, s.cfg.LockFor); err != nil {
			return Tokens{}, err
		}
		ev.Detail = map[string]any{"reason": "bad_password", "failures": u.FailedLogins + 1}
		if err := s.audit(ctx, ev); err != nil {
			return Tokens{}, err
		}
		if u.FailedLogins+1 >= s.cfg.MaxFailures {
			return Tokens{}, s.lockedError(now.Add(s.cfg.LockFor), now)
		}
		return Tokens{}, domain.Errorf(domain.CodeUnauthorized, msgBadCredentials)
	}
	if u.Disabled {
		ev.Result, ev.Detail = domain.AuditDenied, map[string]any{"reason": "disabled"}
		if err := s.audit(ctx, ev); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, domain.Errorf(domain.CodeForbidden, msgDisabled)
	}
	if err := s.Users.LoginSucceeded(ctx, u.ID, now); err != nil {
		return Tokens{}, err
	}
	u.MustChangePassword = u.MustChangePassword || s.passwordExpired(u, now)
	t, err := s.startSession(ctx, u, c, now)
	if err != nil {
		return Tokens{}, err
	}
	ev.Result = domain.AuditSuccess
	return t, s.audit(ctx, ev)
}

// unknownUser answers like a wrong password, after the same hashing work,
// and locks the name after the same number of failures, so neither the
// message, the timing nor the lockout tells whether the account exists.
func (s *Service) unknownUser(ctx context.Context, username, pw string, ev domain.AuditEvent, now time.Time) error {
	s.Hasher.Verify(ctx, pw, s.dummy(ctx))
	n, err := s.Rates.Hit(ctx, "login:user:"+username, now, s.cfg.LockFor)
	if err != nil {
		return err
	}
	ev.Detail = map[string]any{"reason": "unknown_user"}
	if err := s.audit(ctx, ev); err != nil {
		return err
	}
	if n >= s.cfg.MaxFailures {
		return s.lockedError(now.Truncate(s.cfg.LockFor).Add(s.cfg.LockFor), now)
	}
	return domain.Errorf(domain.CodeUnauthorized, msgBadCredentials)
}

func (s *Service) dummy(ctx context.Context) string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = s.Hasher.Hash(ctx, "dummy-password-for-timing") })
	return s.dummyHash
}

func (s *Service) lockedError(until, now time.Time) error {
	mins := int(until.Sub(now).Round(time.Minute) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	return &domain.Error{Code: domain.CodeLocked, Message: fmt.Sprintf(msgLocked, mins)}
}

func (s *Service) passwordExpired(u store.User, now time.Time) bool {
	days := s.cfg.Password.MaxAgeDays
	return days > 0 && now.Sub(u.PasswordChangedAt) > time.Duration(days)*24*time.Hour
}

// startSession opens a refresh-token family and signs the first tokens.
func (s *Service) startSession(ctx context.Context, u store.User, c Client, now time.Time) (Tokens, error) {
	sid, err := randomToken(16)
	if err != nil {
		return Tokens{}, err
	}
	refresh, err := randomToken(32)
	if err != nil {
		return Tokens{}, err
	}
	if err := s.Sessions.Create(ctx, store.Session{ID: sid, UserID: u.ID, IP: c.IP, UserAgent: truncate(c.UserAgent, 256),
		CreatedAt: now}, hashToken(refresh), now.Add(s.cfg.RefreshTTL)); err != nil {
		return Tokens{}, err
	}
	return s.sign(ctx, u, sid, refresh)
}

func (s *Service) sign(ctx context.Context, u store.User, sid, refresh string) (Tokens, error) {
	c := token.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: strconv.FormatInt(u.ID, 10)},
		Kind: token.KindUser, Name: u.Username, Role: string(u.Role), Scope: string(u.ScopeRegion), Session: sid,
		PwdChange: u.MustChangePassword}
	if u.UnitID != nil {
		c.Unit = *u.UnitID
	}
	access, exp, err := s.Signer.Sign(ctx, c)
	if err != nil {
		return Tokens{}, err
	}
	now := s.Now()
	return Tokens{AccessToken: access, ExpiresIn: exp.Sub(now), RefreshToken: refresh, User: publicUser(u, now)}, nil
}

// Refresh spends a refresh token for new tokens. Reuse of a spent token
// revokes the whole family (someone copied it); a session idle longer than
// the idle timeout ends.
func (s *Service) Refresh(ctx context.Context, refresh string, c Client) (Tokens, error) {
	now := s.Now().UTC()
	if refresh == "" {
		return Tokens{}, domain.Errorf(domain.CodeUnauthorized, "登录已过期，请重新登录")
	}
	next, err := randomToken(32)
	if err != nil {
		return Tokens{}, err
	}
	sess, err := s.Sessions.Rotate(ctx, hashToken(refresh), hashToken(next), now.Add(s.cfg.RefreshTTL), now, s.cfg.IdleTimeout)
	switch {
	case errors.Is(err, store.ErrRefreshReused):
		s.forgetSession(sess.ID)
		if aerr := s.audit(ctx, domain.AuditEvent{Action: "auth.refresh", Result: domain.AuditDenied, IP: c.IP,
			RequestID: c.RequestID, Detail: map[string]any{"reason": "refresh_token_reused"}}); aerr != nil {
			return Tokens{}, aerr
		}
		return Tokens{}, domain.Errorf(domain.CodeUnauthorized, "登录凭据已被重复使用，为安全起见已退出所有相关会话，请重新登录")
	case errors.Is(err, store.ErrSessionIdle):
		return Tokens{}, domain.Errorf(domain.CodeUnauthorized, "长时间未操作，已自动退出，请重新登录")
	case errors.Is(err, store.ErrRefreshUnknown), errors.Is(err, store.ErrRefreshExpired), errors.Is(err, store.ErrSessionRevoked):
		return Tokens{}, domain.Errorf(domain.CodeUnauthorized, "登录已过期，请重新登录")
	case err != nil:
		return Tokens{}, err
	}
	u, err := s.Users.ByID(ctx, sess.UserID)
	if err != nil {
		return Tokens{}, err
	}
	if u.Disabled {
		_ = s.Sessions.Revoke(ctx, sess.ID, now, "disabled")
		return Tokens{}, domain.Errorf(domain.CodeForbidden, msgDisabled)
	}
	u.MustChangePassword = u.MustChangePassword || s.passwordExpired(u, now)
	return s.sign(ctx, u, sess.ID, next)
}

// Logout revokes the session of a refresh token (idempotent).
func (s *Service) Logout(ctx context.Context, p domain.Principal, refresh string, c Client) error {
	now := s.Now().UTC()
	sid := p.Session
	if refresh != "" {
		if id, err := s.Sessions.SessionOf(ctx, hashToken(refresh)); err == nil {
			sid = id
		}
	}
	if sid == "" {
		return nil
	}
	if err := s.Sessions.Revoke(ctx, sid, now, "logout"); err != nil {
		return err
	}
	s.forgetSession(sid)
	return s.audit(ctx, domain.AuditEvent{ActorID: p.UserID, ActorName: p.Username, Role: string(p.Role), Scope: p.Scope,
		Action: "auth.logout", TargetType: "session", Result: domain.AuditSuccess, IP: c.IP, RequestID: c.RequestID})
}

func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
