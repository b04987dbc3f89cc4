package identity

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
)

func publicUser(u store.User, now time.Time) domain.User {
	return domain.User{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Scope: u.ScopeRegion,
		UnitID: u.UnitID, MustChangePassword: u.MustChangePassword, Disabled: u.Disabled,
		Locked: u.LockedUntil != nil && now.Before(*u.LockedUntil)}
}

// Me is what the SPA needs about the signed-in user.
type Me struct {
	User               domain.User `json:"user" validate:"required"`
	RoleLabel          string      `json:"role_label" validate:"required" example:"法制机构审核人"`
	Permissions        []string    `json:"permissions" validate:"required" example:"officer:read"`
	IdleTimeoutSeconds int         `json:"idle_timeout_seconds" validate:"required" example:"1800"`
}

// Me describes the principal's account and permissions.
func (s *Service) Me(ctx context.Context, p domain.Principal) (Me, error) {
	u, err := s.Users.ByID(ctx, p.UserID)
	if err != nil {
		return Me{}, err
	}
	perms := s.Authz.Allowed(p)
	if perms == nil {
		perms = []string{}
	}
	return Me{User: publicUser(u, s.Now()), RoleLabel: u.Role.Label(), Permissions: perms,
		IdleTimeoutSeconds: int(s.cfg.IdleTimeout / time.Second)}, nil
}

// ChangePassword replaces the caller's password after checking the old one
// and the policy (complexity, not the username, not one of the last N).
func (s *Service) ChangePassword(ctx context.Context, p domain.Principal, oldPw, newPw string, c Client) error {
	now := s.Now().UTC()
	u, err := s.Users.ByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	ok, err := s.Hasher.Verify(ctx, oldPw, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Invalid(domain.FieldError{Field: "old_password", Rule: "mismatch", Message: "原密码不正确"})
	}
	if err := s.checkNewPassword(ctx, u, newPw); err != nil {
		return err
	}
	hash, err := s.Hasher.Hash(ctx, newPw)
	if err != nil {
		return err
	}
	if err := s.Users.SetPassword(ctx, u.ID, hash, false, now, s.cfg.Password.History); err != nil {
		return err
	}
	return s.audit(ctx, actorEvent(p, c, "user.change_password", "user", u.ID, domain.AuditSuccess))
}

func (s *Service) checkNewPassword(ctx context.Context, u store.User, pw string) error {
	if err := s.cfg.Password.Check(pw, u.Username); err != nil {
		return err
	}
	history, err := s.Users.PasswordHistory(ctx, u.ID, s.cfg.Password.History)
	if err != nil {
		return err
	}
	for _, h := range append(history, u.PasswordHash) {
		if same, _ := s.Hasher.Verify(ctx, pw, h); same {
			return domain.Invalid(domain.FieldError{Field: "new_password", Rule: "history",
				Message: "新密码不能与最近 " + strconv.Itoa(s.cfg.Password.History) + " 次使用过的密码相同"})
		}
	}
	return nil
}

// NewUser is an account an administrator creates.
type NewUser struct {
	Username    string            `json:"username" validate:"required" example:"shizhong_operator" maxLength:"64"`
	DisplayName string            `json:"display_name" validate:"required" example:"市中区经办人" maxLength:"64"`
	Role        domain.Role       `json:"role" validate:"required" enums:"unit_operator,unit_reviewer,legal_reviewer,card_issuer,admin"`
	Scope       domain.RegionCode `json:"scope" example:"370103"`
	UnitID      *int64            `json:"unit_id,omitempty"`
	Password    string            `json:"password" validate:"required" example:"Initial@2026"`
}

// assignment validates a role in a jurisdiction and that the actor may
// grant it: nobody grants a scope outside their own.
func (s *Service) assignment(ctx context.Context, actor domain.Principal, role domain.Role, scope domain.RegionCode, unitID *int64) (domain.RegionCode, error) {
	var v domain.Validation
	if _, ok := domain.ParseRole(string(role)); !ok {
		v.Add("role", "enum", "角色无效")
	}
	if role.UnitRole() {
		if unitID == nil {
			v.Add("unit_id", "required", "单位用户须指定所属单位")
		} else {
			u, err := s.Units.Get(ctx, *unitID)
			if err != nil {
				v.Add("unit_id", "exists", "单位不存在")
			} else {
				scope = u.RegionCode // a unit user's jurisdiction is its unit's region
			}
		}
	} else {
		if unitID != nil {
			v.Add("unit_id", "forbidden", "只有单位经办人、单位审核人属于单位")
		}
		if _, err := domain.ParseRegionCode(string(scope)); err != nil {
			v.Add("scope", "region_code", "管辖区划代码应为 6 位数字")
		} else if role == domain.RoleCardIssuer && scope.Level() != domain.LevelProvince {
			v.Add("scope", "province", "制证员属于省级")
		}
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	var unit int64
	if unitID != nil {
		unit = *unitID
	}
	if !s.Authz.Can(actor, "user", authz.Write, authz.Target{Region: scope, UnitID: unit}) {
		return "", domain.Errorf(domain.CodeForbidden, "不能在您的管辖范围之外分配角色")
	}
	return scope, nil
}

// CreateUser creates an account with an initial password, which the user
// must change at first login (seed: 初始密码 → 修改密码).
func (s *Service) CreateUser(ctx context.Context, actor domain.Principal, in NewUser, c Client) (domain.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	var v domain.Validation
	if len(in.Username) < 3 || len(in.Username) > 64 {
		v.Add("username", "length", "用户名应为 3 至 64 个字符")
	}
	if strings.TrimSpace(in.DisplayName) == "" {
		v.Add("display_name", "required", "姓名不能为空")
	}
	if err := v.Err(); err != nil {
		return domain.User{}, err
	}
	scope, err := s.assignment(ctx, actor, in.Role, in.Scope, in.UnitID)
	if err != nil {
		return domain.User{}, err
	}
	if err := s.cfg.Password.Check(in.Password, in.Username); err != nil {
		e := err.(*domain.Error)
		for i := range e.Fields {
			e.Fields[i].Field = "password"
		}
		return domain.User{}, e
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return domain.User{}, err
	}
	id, err := s.Users.Create(ctx, store.NewUser{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName),
		PasswordHash: hash, Role: in.Role, ScopeRegion: scope, UnitID: in.UnitID, MustChangePassword: true})
	if err != nil {
		return domain.User{}, err
	}
	ev := actorEvent(actor, c, "user.create", "user", id, domain.AuditSuccess)
	ev.Detail = map[string]any{"username": in.Username, "role": in.Role, "scope": scope}
	if err := s.audit(ctx, ev); err != nil {
		return domain.User{}, err
	}
	u, err := s.Users.ByID(ctx, id)
	return publicUser(u, s.Now()), err
}

// ListUsers lists accounts in the actor's jurisdiction.
func (s *Service) ListUsers(ctx context.Context, actor domain.Principal, q string, page domain.PageRequest) (domain.Page[domain.User], error) {
	if !s.Authz.Can(actor, "user", authz.Read, authz.Own(actor)) {
		return domain.Page[domain.User]{}, domain.Errorf(domain.CodeForbidden, "无权查看用户")
	}
	rows, next, err := s.Users.List(ctx, store.UserFilter{Region: actor.Scope, Query: q, Limit: page.Limit, Cursor: page.Cursor})
	if err != nil {
		return domain.Page[domain.User]{}, err
	}
	out := domain.Page[domain.User]{Items: make([]domain.User, len(rows)), NextCursor: next}
	now := s.Now()
	for i, u := range rows {
		out.Items[i] = publicUser(u, now)
	}
	return out, nil
}

// target loads an account the actor may administer; others are not found.
func (s *Service) target(ctx context.Context, actor domain.Principal, id int64) (store.User, error) {
	u, err := s.Users.ByID(ctx, id)
	if err != nil {
		return u, err
	}
	var unit int64
	if u.UnitID != nil {
		unit = *u.UnitID
	}
	if !s.Authz.Can(actor, "user", authz.Write, authz.Target{Region: u.ScopeRegion, UnitID: unit}) {
		return store.User{}, domain.Errorf(domain.CodeNotFound, "用户不存在")
	}
	return u, nil
}

// ResetPassword sets a new initial password, ends the user's sessions and
// forces a change at next login.
func (s *Service) ResetPassword(ctx context.Context, actor domain.Principal, id int64, pw string, c Client) error {
	u, err := s.target(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := s.cfg.Password.Check(pw, u.Username); err != nil {
		e := err.(*domain.Error)
		for i := range e.Fields {
			e.Fields[i].Field = "password"
		}
		return e
	}
	hash, err := s.Hasher.Hash(ctx, pw)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	if err := s.Users.SetPassword(ctx, id, hash, true, now, s.cfg.Password.History); err != nil {
		return err
	}
	if err := s.Sessions.RevokeUser(ctx, id, now, "password_reset"); err != nil {
		return err
	}
	return s.audit(ctx, actorEvent(actor, c, "user.reset_password", "user", id, domain.AuditSuccess))
}

// SetDisabled disables (ending every session) or re-enables an account.
func (s *Service) SetDisabled(ctx context.Context, actor domain.Principal, id int64, disabled bool, c Client) error {
	if id == actor.UserID && disabled {
		return domain.Errorf(domain.CodeRuleViolated, "不能停用自己的账户")
	}
	if _, err := s.target(ctx, actor, id); err != nil {
		return err
	}
	now := s.Now().UTC()
	if err := s.Users.SetDisabled(ctx, id, disabled, now); err != nil {
		return err
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
		if err := s.Sessions.RevokeUser(ctx, id, now, "disabled"); err != nil {
			return err
		}
	}
	return s.audit(ctx, actorEvent(actor, c, action, "user", id, domain.AuditSuccess))
}

// Unlock lifts a lockout before it expires.
func (s *Service) Unlock(ctx context.Context, actor domain.Principal, id int64, c Client) error {
	if _, err := s.target(ctx, actor, id); err != nil {
		return err
	}
	if err := s.Users.Unlock(ctx, id, s.Now().UTC()); err != nil {
		return err
	}
	return s.audit(ctx, actorEvent(actor, c, "user.unlock", "user", id, domain.AuditSuccess))
}

func actorEvent(p domain.Principal, c Client, action, targetType string, targetID int64, result string) domain.AuditEvent {
	return domain.AuditEvent{ActorID: p.UserID, ActorName: p.Username, Role: string(p.Role), Scope: p.Scope,
		Action: action, TargetType: targetType, TargetID: strconv.FormatInt(targetID, 10), Result: result,
		IP: c.IP, RequestID: c.RequestID}
}
