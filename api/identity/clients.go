package identity

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/api/token"
)

// knownGrant reports whether an API client may hold grant g.
func knownGrant(g string) bool {
	switch g {
	case "certificates:read", // 查询执法人员和证件
		"verify": // 核验证件真伪
		return true
	}
	return false
}

// NewClient registers a third-party system.
type NewClient struct {
	Name       string            `json:"name" validate:"required" example:"省行政执法监督平台" maxLength:"128"`
	Grants     []string          `json:"grants" validate:"required" example:"certificates:read"`
	Scope      domain.RegionCode `json:"scope" validate:"required" example:"370000"`
	RatePerMin int               `json:"rate_per_minute" example:"600" minimum:"1" maximum:"100000"`
}

// ClientCredentials is shown once, at registration: the secret is stored hashed.
type ClientCredentials struct {
	ClientID     string   `json:"client_id" validate:"required" example:"c_9f2b7d1a"`
	ClientSecret string   `json:"client_secret" validate:"required"`
	Grants       []string `json:"grants" validate:"required"`
}

// RegisterClient creates an API client within the actor's jurisdiction.
func (s *Service) RegisterClient(ctx context.Context, actor domain.Principal, in NewClient, c Client) (ClientCredentials, error) {
	var v domain.Validation
	if strings.TrimSpace(in.Name) == "" {
		v.Add("name", "required", "名称不能为空")
	}
	if len(in.Grants) == 0 {
		v.Add("grants", "required", "至少授予一项权限")
	}
	for _, g := range in.Grants {
		if !knownGrant(g) {
			v.Add("grants", "enum", "未知权限："+g)
		}
	}
	if _, err := domain.ParseRegionCode(string(in.Scope)); err != nil {
		v.Add("scope", "region_code", "管辖区划代码应为 6 位数字")
	}
	if in.RatePerMin == 0 {
		in.RatePerMin = 600
	}
	if in.RatePerMin < 1 || in.RatePerMin > 100000 {
		v.Add("rate_per_minute", "range", "每分钟请求上限应为 1 至 100000")
	}
	if err := v.Err(); err != nil {
		return ClientCredentials{}, err
	}
	if !s.Authz.Can(actor, "client", authz.Write, authz.Target{Region: in.Scope}) {
		return ClientCredentials{}, domain.Errorf(domain.CodeForbidden, "不能在您的管辖范围之外登记客户端")
	}
	idPart, err := randomToken(6)
	if err != nil {
		return ClientCredentials{}, err
	}
	secret, err := randomToken(32)
	if err != nil {
		return ClientCredentials{}, err
	}
	hash, err := s.Hasher.Hash(ctx, secret)
	if err != nil {
		return ClientCredentials{}, err
	}
	clientID := "c_" + strings.ToLower(idPart)
	id, err := s.Clients.Create(ctx, store.APIClient{ClientID: clientID, Name: strings.TrimSpace(in.Name), SecretHash: hash,
		Grants: in.Grants, ScopeRegion: in.Scope, RatePerMin: in.RatePerMin}, actor.UserID)
	if err != nil {
		return ClientCredentials{}, err
	}
	ev := actorEvent(actor, c, "client.create", "api_client", id, domain.AuditSuccess)
	ev.Detail = map[string]any{"client_id": clientID, "grants": in.Grants, "scope": in.Scope}
	if err := s.audit(ctx, ev); err != nil {
		return ClientCredentials{}, err
	}
	return ClientCredentials{ClientID: clientID, ClientSecret: secret, Grants: in.Grants}, nil
}

// ClientToken is the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
func (s *Service) ClientToken(ctx context.Context, clientID, secret string, c Client) (string, int, []string, error) {
	bad := &domain.Error{Code: domain.CodeBadClient, Message: "客户端认证失败"}
	n, err := s.Rates.Hit(ctx, "token:ip:"+c.IP, s.Now(), time.Minute)
	if err != nil {
		return "", 0, nil, err
	}
	if n > s.cfg.LoginPerIPPerMin {
		return "", 0, nil, domain.Errorf(domain.CodeTooMany, msgTooManyIP)
	}
	cl, err := s.Clients.ByClientID(ctx, clientID)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		s.Hasher.Verify(ctx, secret, s.dummy(ctx))
		return "", 0, nil, bad
	}
	if err != nil {
		return "", 0, nil, err
	}
	ok, err := s.Hasher.Verify(ctx, secret, cl.SecretHash)
	ev := domain.AuditEvent{ActorID: cl.ID, ActorName: "client:" + cl.ClientID, Scope: cl.ScopeRegion, Action: "auth.client_token",
		TargetType: "api_client", TargetID: cl.ClientID, IP: c.IP, RequestID: c.RequestID, Result: domain.AuditSuccess}
	if err != nil || !ok || cl.Disabled {
		ev.Result = domain.AuditFailure
		if aerr := s.audit(ctx, ev); aerr != nil {
			return "", 0, nil, aerr
		}
		if err != nil {
			return "", 0, nil, err
		}
		return "", 0, nil, bad
	}
	tok, _, err := s.Signer.Sign(ctx, token.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: strconv.FormatInt(cl.ID, 10)},
		Kind: token.KindClient, Name: cl.ClientID, Scope: string(cl.ScopeRegion), Grants: cl.Grants})
	if err != nil {
		return "", 0, nil, err
	}
	return tok, int(s.Signer.TTL().Seconds()), cl.Grants, s.audit(ctx, ev)
}

// ClientCall meters one call of an API client against its per-minute
// limit and audits it: every call of a third-party system is on record.
func (s *Service) ClientCall(ctx context.Context, p domain.Principal, route, requestID, ip string) error {
	cl, err := s.Clients.ByClientID(ctx, strings.TrimPrefix(p.Username, "client:"))
	if err != nil {
		return err
	}
	if cl.Disabled {
		return domain.Errorf(domain.CodeUnauthorized, "客户端已停用")
	}
	n, err := s.Rates.Hit(ctx, "client:"+cl.ClientID, s.Now(), time.Minute)
	if err != nil {
		return err
	}
	ev := domain.AuditEvent{ActorID: cl.ID, ActorName: p.Username, Scope: cl.ScopeRegion, Action: "api.call",
		TargetType: "route", TargetID: route, Result: domain.AuditSuccess, IP: ip, RequestID: requestID}
	if n > cl.RatePerMin {
		ev.Result = domain.AuditDenied
		if err := s.audit(ctx, ev); err != nil {
			return err
		}
		return domain.Errorf(domain.CodeTooMany, "调用过于频繁：每分钟最多 %d 次", cl.RatePerMin)
	}
	return s.audit(ctx, ev)
}
