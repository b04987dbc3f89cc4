package store

import (
	"context"
	"strings"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// NewUser is an account to create. PasswordHash is already hashed (see
// package password); UnitID is set for unit roles only.
type NewUser struct {
	Username           string
	DisplayName        string
	PasswordHash       string
	Role               domain.Role
	ScopeRegion        domain.RegionCode
	UnitID             *int64
	MustChangePassword bool
}

// User is a stored account. It stays in this package until the domain
// grows a user type; PasswordHash never leaves the login path.
type User struct {
	ID                 int64
	Username           string
	DisplayName        string
	PasswordHash       string
	Role               domain.Role
	ScopeRegion        domain.RegionCode
	UnitID             *int64
	MustChangePassword bool
	FailedLogins       int
	LockedUntil        *time.Time
	PasswordChangedAt  time.Time
	Disabled           bool
	CreatedAt          time.Time
}

// Users reads and writes accounts.
type Users struct{ db *DB }

func NewUsers(db *DB) *Users { return &Users{db: db} }

// Create inserts one account and returns its id; a taken username is a
// CodeConflict error.
//
// The insert is written out rather than left to GORM: userRow declares
// must_change_password with default:true, and GORM replaces a zero-valued
// field that has a default tag by the default, so Create(&userRow{...false})
// would silently store true.
func (s *Users) Create(ctx context.Context, u NewUser) (int64, error) {
	var v domain.Validation
	if strings.TrimSpace(u.Username) == "" {
		v.Add("username", "required", "用户名不能为空")
	}
	if u.PasswordHash == "" {
		v.Add("password", "required", "密码不能为空")
	}
	if u.Role == "" {
		v.Add("role", "required", "角色不能为空")
	}
	if _, err := domain.ParseRegionCode(string(u.ScopeRegion)); err != nil {
		v.Add("scope_region", "format", "管辖区划代码无效")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var id int64
	err := s.db.ctx(ctx).Raw(`INSERT INTO users (username, display_name, password_hash, role, scope_region,
			unit_id, must_change_password, failed_logins, password_changed_at, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, false, ?, ?) RETURNING id`,
		u.Username, u.DisplayName, u.PasswordHash, string(u.Role), string(u.ScopeRegion),
		u.UnitID, u.MustChangePassword, now, now, now).Scan(&id).Error
	if err != nil {
		if isUniqueViolation(err) {
			return 0, &domain.Error{Code: domain.CodeConflict, Message: "用户名“" + u.Username + "”已存在", Err: err}
		}
		return 0, err
	}
	return id, nil
}

// ByUsername returns one account or a CodeNotFound error.
func (s *Users) ByUsername(ctx context.Context, name string) (User, error) {
	var r userRow
	if err := s.db.ctx(ctx).Where("username = ?", name).Take(&r).Error; err != nil {
		if isNotFound(err) {
			return User{}, domain.Errorf(domain.CodeNotFound, "用户不存在")
		}
		return User{}, err
	}
	return User{
		ID: r.ID, Username: r.Username, DisplayName: r.DisplayName, PasswordHash: r.PasswordHash,
		Role: domain.Role(r.Role), ScopeRegion: domain.RegionCode(r.ScopeRegion), UnitID: r.UnitID,
		MustChangePassword: r.MustChangePassword, FailedLogins: r.FailedLogins, LockedUntil: r.LockedUntil,
		PasswordChangedAt: r.PasswordChangedAt, Disabled: r.Disabled, CreatedAt: r.CreatedAt,
	}, nil
}

// Count returns the number of accounts.
func (s *Users) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.ctx(ctx).Model(&userRow{}).Count(&n).Error
	return n, err
}
