// Package authz decides who may do what where, with Casbin v3: role
// policies from policy.csv (stored through the Casbin GORM adapter) and a
// jurisdiction check (see model.conf).
package authz

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/casbin/casbin/v3"
	"github.com/casbin/casbin/v3/model"
	"github.com/casbin/casbin/v3/persist"
	stringadapter "github.com/casbin/casbin/v3/persist/string-adapter"

	"github.com/lecms/lecms/api/domain"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText []byte

// Resources and actions named in policy.csv.
const (
	Read  = "read"
	Write = "write"
)

// Target is the record an action touches: its region and, for records
// that belong to a unit, the unit.
type Target struct {
	Region domain.RegionCode
	UnitID int64
}

// Own is the principal's own jurisdiction as a target, for lists (which
// are then row-scoped in SQL) and for creating records in one's scope.
func Own(p domain.Principal) Target { return Target{Region: p.Scope, UnitID: p.UnitID} }

// Enforcer answers authorization questions. Casbin evaluates the matcher
// against every policy line, so besides the full enforcer (the stored
// policy) it keeps one small enforcer per subject holding only that
// subject's lines: a decision scans a handful of lines instead of all.
type Enforcer struct {
	e         *casbin.Enforcer
	bySubject map[string]*casbin.Enforcer
}

// New builds an enforcer over a policy adapter; when the stored policy is
// empty it is seeded from the embedded policy.csv.
func New(adapter persist.Adapter) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, adapter)
	if err != nil {
		return nil, fmt.Errorf("authz: %w", err)
	}
	e.AddFunction("within", within)
	if err := seed(e, m); err != nil {
		return nil, err
	}
	en := &Enforcer{e: e, bySubject: map[string]*casbin.Enforcer{}}
	groups := map[string][][]string{}
	for _, rule := range must(e.GetPolicy()) {
		groups[rule[0]] = append(groups[rule[0]], rule)
	}
	for sub, rules := range groups {
		se, err := casbin.NewEnforcer(m)
		if err != nil {
			return nil, err
		}
		se.AddFunction("within", within)
		if _, err := se.AddPolicies(rules); err != nil {
			return nil, err
		}
		en.bySubject[sub] = se
	}
	return en, nil
}

// FilePolicy is an adapter reading the repository's policy.csv, for tests
// and tools that run without a database.
func FilePolicy() persist.Adapter {
	return stringadapter.NewAdapter(string(policyText))
}

// PolicyText is an adapter over policy lines in the policy.csv format, for
// tests and tools that need a different policy.
func PolicyText(text string) persist.Adapter { return stringadapter.NewAdapter(text) }

// DefaultPolicyText is the repository's policy.csv.
func DefaultPolicyText() string { return string(policyText) }

// seed adds to the stored policy the rules of policy.csv it lacks, so a
// database created by an older release gains the rules of new features.
// Stored rules are never removed here.
func seed(e *casbin.Enforcer, m model.Model) error {
	tmp, err := casbin.NewEnforcer(m, FilePolicy())
	if err != nil {
		return fmt.Errorf("authz: read policy.csv: %w", err)
	}
	rules := must(tmp.GetPolicy())
	if len(rules) == 0 {
		return errors.New("authz: policy.csv has no rules")
	}
	var missing [][]string
	for _, r := range rules {
		if ok, _ := e.HasPolicy(r); !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := e.AddPolicies(missing); err != nil {
		return fmt.Errorf("authz: store policy: %w", err)
	}
	return nil
}

func must[T any](v T, _ error) T { return v }

// Can reports whether p may act on obj at target.
func (en *Enforcer) Can(p domain.Principal, obj, act string, t Target) bool {
	unit := strconv.FormatInt(p.UnitID, 10)
	tunit := strconv.FormatInt(t.UnitID, 10)
	for _, role := range subjects(p) {
		se, ok := en.bySubject[role]
		if !ok {
			continue // no policy line for this subject: nothing is allowed
		}
		allowed, err := se.Enforce(role, obj, act, string(p.Scope), unit, string(t.Region), tunit)
		if err == nil && allowed {
			return true
		}
	}
	return false
}

// Allowed lists "resource:action" pairs p holds in its own jurisdiction,
// for the SPA to show or hide actions.
func (en *Enforcer) Allowed(p domain.Principal) []string {
	seen := map[string]bool{}
	var out []string
	for _, role := range subjects(p) {
		for _, rule := range must(en.e.GetFilteredPolicy(0, role)) {
			key := rule[1] + ":" + rule[2]
			if !seen[key] {
				seen[key] = true
				out = append(out, key)
			}
		}
	}
	return out
}

// subjects are the policy subjects of a principal: its role, or for an API
// client its granted scopes.
func subjects(p domain.Principal) []string {
	if len(p.Grants) > 0 {
		out := make([]string, len(p.Grants))
		for i, g := range p.Grants {
			out[i] = "grant:" + g
		}
		return out
	}
	return []string{string(p.Role)}
}

// within implements the reach test of model.conf.
func within(args ...any) (any, error) {
	if len(args) != 5 {
		return false, fmt.Errorf("within: want 5 arguments, got %d", len(args))
	}
	reach, _ := args[0].(string)
	scope, _ := args[1].(string)
	unit, _ := args[2].(string)
	tregion, _ := args[3].(string)
	tunit, _ := args[4].(string)
	unitRole := unit != "0" && unit != ""
	switch reach {
	case "subtree":
		if unitRole {
			return tunit == unit || (tunit == "0" && tregion == scope), nil
		}
		return domain.RegionCode(scope).Contains(domain.RegionCode(tregion)), nil
	case "same":
		return !unitRole && len(scope) == 6 && scope == tregion, nil
	case "unit":
		return unitRole && tunit == unit, nil
	}
	return false, nil
}

// Describe is a readable dump of the loaded policy, for `lecms authz show`.
func (en *Enforcer) Describe() string {
	var b strings.Builder
	for _, r := range must(en.e.GetPolicy()) {
		b.WriteString(strings.Join(r, ", "))
		b.WriteByte('\n')
	}
	return b.String()
}
