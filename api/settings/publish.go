package settings

import (
	"context"
	"time"

	"github.com/lecms/lecms/api/domain"
)

// SecurityRules are the identity rules in force (identity.Config), given
// to the publisher by main so this package does not depend on identity.
type SecurityRules struct {
	Password    domain.PasswordPolicy
	MaxFailures int
	LockFor     time.Duration
	IdleTimeout time.Duration
}

// PasswordRules is the password policy as the SPA shows it (修改密码).
type PasswordRules struct {
	MinLength  int `json:"min_length" validate:"required" example:"8"`
	MinClasses int `json:"min_classes" validate:"required" example:"3"`   // of upper, lower, digit, symbol
	History    int `json:"history" validate:"required" example:"5"`       // not one of the last N
	MaxAgeDays int `json:"max_age_days" validate:"required" example:"90"` // 0: never expires
}

// LockoutRules are the failed-login rules.
type LockoutRules struct {
	MaxFailures int `json:"max_failures" validate:"required" example:"5"`
	LockMinutes int `json:"lock_minutes" validate:"required" example:"15"`
}

// CertTypeRule is one configured certificate type.
type CertTypeRule struct {
	Type  domain.CertType `json:"type" validate:"required" enums:"law_enforcement,supervision"`
	Label string          `json:"label" validate:"required" example:"行政执法证"`
}

// Published is what signed-in users may know of the configured rules, so
// the SPA never hard-codes them.
type Published struct {
	Password           PasswordRules  `json:"password" validate:"required"`
	Lockout            LockoutRules   `json:"lockout" validate:"required"`
	IdleTimeoutSeconds int            `json:"idle_timeout_seconds" validate:"required" example:"1800"`
	CancelReasons      []string       `json:"cancel_reasons" validate:"required" example:"调离执法岗位,辞职,退休"` // 注销原因, in the configured order
	RevocationBarYears int            `json:"revocation_bar_years" validate:"required" example:"2"`
	CertTypes          []CertTypeRule `json:"cert_types" validate:"required"`
}

// Publisher serves the published rules.
type Publisher struct {
	source   *PolicySource
	security SecurityRules
}

func NewPublisher(source *PolicySource, security SecurityRules) *Publisher {
	return &Publisher{source: source, security: security}
}

// Published returns the rules in force: the identity rules this process
// runs with and the lifecycle settings (at most the cache's TTL old).
func (p *Publisher) Published(ctx context.Context) (Published, error) {
	lp, err := p.source.Lifecycle(ctx)
	if err != nil {
		return Published{}, err
	}
	sec := p.security
	out := Published{
		Password: PasswordRules{MinLength: sec.Password.MinLength, MinClasses: sec.Password.MinClasses,
			History: sec.Password.History, MaxAgeDays: sec.Password.MaxAgeDays},
		Lockout:            LockoutRules{MaxFailures: sec.MaxFailures, LockMinutes: int(sec.LockFor / time.Minute)},
		IdleTimeoutSeconds: int(sec.IdleTimeout / time.Second),
		CancelReasons:      append([]string{}, lp.CancelReasons...),
		RevocationBarYears: lp.RevocationBarYears,
		CertTypes:          make([]CertTypeRule, len(lp.CertTypes)),
	}
	for i, t := range lp.CertTypes {
		out.CertTypes[i] = CertTypeRule{Type: t.Type, Label: t.Label}
	}
	return out, nil
}
