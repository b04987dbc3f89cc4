package issuance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
	"github.com/lecms/lecms/api/store"
	"github.com/lecms/lecms/cardagent/sigalg"
)

// AgentRequest registers a card agent's device key.
type AgentRequest struct {
	Name      string
	PublicKey string // `lecms-cardagent -print-device-key`, or hello's device_key: "ed25519:…" / "sm2:…"
}

// RegisterAgent registers a card agent: only receipts signed by a
// registered device key are accepted.
func (s *Service) RegisterAgent(ctx context.Context, p domain.Principal, req AgentRequest) (store.CardAgent, error) {
	var v domain.Validation
	name := strings.TrimSpace(req.Name)
	if name == "" || len([]rune(name)) > 64 {
		v.Add("name", "required", "请填写读卡客户端名称（最多 64 字，如“省司法厅制证室 1 号机”）")
	}
	key, err := sigalg.ParsePublicKey(req.PublicKey)
	if err != nil {
		v.Add("public_key", "format", "设备公钥格式无效：应为 lecms-cardagent -print-device-key 输出的第一行（如 ed25519:…）")
	}
	if err := v.Err(); err != nil {
		return store.CardAgent{}, err
	}
	a, err := s.Store.AddAgent(ctx, store.CardAgent{Name: name, KeyID: key.KeyID().String(), PublicKey: key.String(),
		Alg: key.Alg().String(), RegionCode: p.Scope, RegisteredBy: p.Username}, p.UserID, s.Now().UTC())
	if err != nil {
		return a, err
	}
	if err := s.audit(ctx, p, "card_agent.register", "card_agent", a.ID, domain.AuditSuccess,
		map[string]any{"name": a.Name, "key_id": a.KeyID, "alg": a.Alg}); err != nil {
		return a, err
	}
	return a, nil
}

// Agents lists the agents registered in the caller's jurisdiction.
func (s *Service) Agents(ctx context.Context, p domain.Principal) ([]store.CardAgent, error) {
	return s.Store.Agents(ctx, p.Scope)
}

// MaxAgentReason bounds the reason given for disabling or enabling an agent.
const MaxAgentReason = 500

// agentReason checks the reason of a disable (required) or enable (optional).
func agentReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	if required && reason == "" {
		return "", domain.Invalid(domain.FieldError{Field: "reason", Rule: "required", Message: "请填写停用原因（如“设备丢失”“人员调离”）"})
	}
	if len([]rune(reason)) > MaxAgentReason {
		return "", domain.Invalid(domain.FieldError{Field: "reason", Rule: "max_length", Message: "原因最多 500 字"})
	}
	return reason, nil
}

// ownAgent loads an agent the caller may manage: outside the caller's
// region it does not exist (404); visible but not the caller's to
// change is 403.
func (s *Service) ownAgent(ctx context.Context, p domain.Principal, id int64) (store.CardAgent, error) {
	a, found, err := s.Store.Agent(ctx, id)
	if err != nil {
		return a, err
	}
	t := authz.Target{Region: a.RegionCode}
	if !found || !s.Authz.Can(p, "card_agent", authz.Read, t) {
		return a, domain.Errorf(domain.CodeNotFound, "读卡客户端不存在")
	}
	if !s.Authz.Can(p, "card_agent", authz.Write, t) {
		return a, domain.Errorf(domain.CodeForbidden, "您无权停用或启用该读卡客户端")
	}
	return a, nil
}

// DisableAgent disables a registered agent: the server signs no write
// ticket for it and refuses its receipts until it is enabled again. The
// reason is required; who, when and why are kept on the agent and in the
// audit trail.
func (s *Service) DisableAgent(ctx context.Context, p domain.Principal, id int64, reason string) (store.CardAgent, error) {
	reason, err := agentReason(reason, true)
	if err != nil {
		return store.CardAgent{}, err
	}
	a, err := s.ownAgent(ctx, p, id)
	if err != nil {
		return a, err
	}
	d, err := s.Store.DisableAgent(ctx, id, actor(p), reason, s.Now().UTC())
	if errors.Is(err, store.ErrAgentState) {
		return a, refusal(domain.CodeConflict, "agent", "disabled", "该读卡客户端已停用")
	}
	if err != nil {
		return a, err
	}
	if err := s.audit(ctx, p, "card_agent.disable", "card_agent", a.ID, domain.AuditSuccess,
		map[string]any{"name": a.Name, "key_id": a.KeyID, "reason": reason}); err != nil {
		return d, err
	}
	return d, nil
}

// EnableAgent enables a disabled agent again; the reason is optional and
// audited.
func (s *Service) EnableAgent(ctx context.Context, p domain.Principal, id int64, reason string) (store.CardAgent, error) {
	reason, err := agentReason(reason, false)
	if err != nil {
		return store.CardAgent{}, err
	}
	a, err := s.ownAgent(ctx, p, id)
	if err != nil {
		return a, err
	}
	e, err := s.Store.EnableAgent(ctx, id)
	if errors.Is(err, store.ErrAgentState) {
		return a, refusal(domain.CodeConflict, "agent", "enabled", "该读卡客户端未停用")
	}
	if err != nil {
		return a, err
	}
	if err := s.audit(ctx, p, "card_agent.enable", "card_agent", a.ID, domain.AuditSuccess,
		map[string]any{"name": a.Name, "key_id": a.KeyID, "reason": reason, "disabled_reason": a.DisabledReason}); err != nil {
		return e, err
	}
	return e, nil
}

// disabledText says since when and why an agent is disabled, for refusals.
func (s *Service) disabledText(a store.CardAgent) string {
	when := ""
	if a.DisabledAt != nil {
		when = a.DisabledAt.In(s.Loc).Format("2006-01-02 15:04") + " "
	}
	return fmt.Sprintf("读卡客户端“%s”已于 %s由 %s 停用（原因：%s）", a.Name, when, a.DisabledBy, a.DisabledReason)
}

// SyncPolicy is what the SPA needs to know about chip sync in this province.
type SyncPolicy struct {
	ManualChipSync bool // the issuer may record a sync by hand (broken chip)
}

// SyncPolicy returns the province's chip-sync policy.
func (s *Service) SyncPolicy(ctx context.Context) (SyncPolicy, error) {
	lp, err := s.Policies.Lifecycle(ctx)
	if err != nil {
		return SyncPolicy{}, err
	}
	return SyncPolicy{ManualChipSync: lp.ManualChipSync}, nil
}

// AgentVersion is the card agent version the SPA expects (settings key
// "card_agent_version"): below Minimum the SPA refuses to write, below
// Latest it suggests an update.
type AgentVersion struct {
	Minimum  string `json:"minimum"`
	Latest   string `json:"latest"`
	Protocol int    `json:"protocol"`
}

const agentVersionKey = "card_agent_version"

// DefaultAgentVersion is used while the setting is unset.
func DefaultAgentVersion() AgentVersion {
	return AgentVersion{Minimum: "1.0.0", Latest: "1.0.0", Protocol: 1}
}

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// AgentVersion returns the configured agent versions.
func (s *Service) AgentVersion(ctx context.Context) (AgentVersion, error) {
	v := DefaultAgentVersion()
	if s.Settings != nil {
		if _, err := s.Settings.Get(ctx, agentVersionKey, &v); err != nil {
			return DefaultAgentVersion(), err
		}
	}
	if !semver.MatchString(v.Minimum) || !semver.MatchString(v.Latest) {
		return DefaultAgentVersion(), domain.Internal(errInvalidVersionSetting)
	}
	if v.Protocol == 0 {
		v.Protocol = 1
	}
	return v, nil
}

type settingError string

func (e settingError) Error() string { return string(e) }

const errInvalidVersionSetting = settingError("setting card_agent_version: minimum and latest must be x.y.z")

// ServerKeys are the public keys the agents are configured with.
type ServerKeys struct {
	TicketKeys []string
	RecordKeys []string
	HashAlg    string
	Checksum   string
}

// ServerKeys returns the public halves of the ticket and record keys, for
// the agents' config.json (ticket_keys, record_keys).
func (s *Service) ServerKeys() ServerKeys {
	return ServerKeys{TicketKeys: []string{s.Keys.Ticket.Public().String()}, RecordKeys: []string{s.Keys.Record.Public().String()},
		HashAlg: s.Keys.HashAlg.String(), Checksum: s.Keys.Checksum.String()}
}

// SweepStale marks every inspection approval that can no longer be synced
// as stale (rule 6) and returns how many; system actor, audited.
func (s *Service) SweepStale(ctx context.Context) (int, error) {
	sys := domain.Principal{Username: "system"}
	ids, err := s.Store.MarkStale(ctx, s.today(), nil, store.Actor{Name: "system"}, s.Now().UTC())
	if err != nil {
		return 0, err
	}
	return len(ids), s.auditMany(ctx, sys, "inspection.stale", ids, map[string]any{"by": "sweeper"})
}

// RunSweeper sweeps stale approvals every interval until ctx ends. Any
// replica may run it: the sweep is one idempotent transaction.
func (s *Service) RunSweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.SweepStale(ctx); err != nil && ctx.Err() == nil {
			log.Warn("stale inspection sweep failed", "err", err)
		} else if n > 0 {
			log.Info("inspection approvals expired without chip sync", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
