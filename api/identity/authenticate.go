package identity

import (
	"context"
	"strconv"
	"time"

	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/token"
)

// sessionCheckTTL bounds how long a replica trusts that a session is still
// open: logout and disabling take effect everywhere within it.
const sessionCheckTTL = 5 * time.Second

// Authenticate turns a bearer access token into a principal.
func (s *Service) Authenticate(ctx context.Context, bearer string) (domain.Principal, error) {
	unauth := domain.Errorf(domain.CodeUnauthorized, "请先登录")
	if bearer == "" {
		return domain.Principal{}, unauth
	}
	c, err := s.Signer.Verify(ctx, bearer)
	if err != nil {
		return domain.Principal{}, &domain.Error{Code: domain.CodeUnauthorized, Message: "登录已失效，请重新登录", Err: err}
	}
	id, _ := strconv.ParseInt(c.Subject, 10, 64)
	p := domain.Principal{UserID: id, Role: domain.Role(c.Role), Scope: domain.RegionCode(c.Scope), UnitID: c.Unit,
		Session: c.Session, MustChangePassword: c.PwdChange, Username: c.Name}
	if c.Kind == token.KindClient {
		p.Grants, p.Username = c.Grants, "client:"+c.Name
		return p, nil
	}
	ok, err := s.sessionActive(ctx, c.Session)
	if err != nil {
		return domain.Principal{}, err
	}
	if !ok {
		return domain.Principal{}, domain.Errorf(domain.CodeUnauthorized, "会话已结束，请重新登录")
	}
	return p, nil
}

func (s *Service) sessionActive(ctx context.Context, sid string) (bool, error) {
	now := s.Now()
	s.activeMu.Lock()
	until, cached := s.active[sid]
	s.activeMu.Unlock()
	if cached && now.Before(until) {
		return true, nil
	}
	ok, err := s.Sessions.Active(ctx, sid)
	if err != nil || !ok {
		return false, err
	}
	s.activeMu.Lock()
	if len(s.active) > 100_000 { // bound memory: drop the cache wholesale
		s.active = map[string]time.Time{}
	}
	s.active[sid] = now.Add(sessionCheckTTL)
	s.activeMu.Unlock()
	return true, nil
}

func (s *Service) forgetSession(sid string) {
	s.activeMu.Lock()
	delete(s.active, sid)
	s.activeMu.Unlock()
}
