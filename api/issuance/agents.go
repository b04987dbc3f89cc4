package issuance

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"time"

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
