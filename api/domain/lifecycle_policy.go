package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// LifecyclePolicy holds the configurable rules of applications (settings
// key "lifecycle_policy"); defaults follow DOMAIN.md.
type LifecyclePolicy struct {
	// SeparateDuties refuses a unit approval by the person who applied.
	SeparateDuties bool `json:"separate_duties"`
	// CancelReasons is the list a cancellation (注销) must choose from.
	CancelReasons []string `json:"cancel_reasons"`
	// RevocationBarYears: a revoked holder may not apply again for this long.
	RevocationBarYears int `json:"revocation_bar_years"`
	// CertTypes lists the certificate types with their number codes.
	CertTypes []CertTypeInfo `json:"cert_types"`
	// NumberTemplate builds certificate numbers: {region} the unit's region
	// code, {type} the type's code, {seq:N} an N-digit sequence per region
	// and type.
	NumberTemplate string `json:"number_template"`
	// ManualChipSync lets an issuer record an inspection's chip sync by hand
	// (with a reason) for cards whose chip is broken.
	ManualChipSync bool `json:"manual_chip_sync"`
}

// CertTypeInfo is one certificate type.
type CertTypeInfo struct {
	Type  CertType `json:"type"`
	Code  string   `json:"code"` // in the number, e.g. ZF
	Label string   `json:"label"`
}

// DefaultLifecyclePolicy is DOMAIN.md's defaults.
func DefaultLifecyclePolicy() LifecyclePolicy {
	return LifecyclePolicy{
		SeparateDuties: true,
		CancelReasons: []string{"调离执法岗位", "辞职", "退休", "不再从事执法工作", "受到刑事处罚", "被开除",
			"死亡", "单位撤销", "逾期未年检"},
		RevocationBarYears: 2,
		CertTypes: []CertTypeInfo{
			{Type: CertLawEnforcement, Code: "ZF", Label: "行政执法证"},
			{Type: CertSupervision, Code: "JD", Label: "行政执法监督证"},
		},
		NumberTemplate: "{region}{type}{seq:6}",
		ManualChipSync: true,
	}
}

// TypeInfo returns the configuration of a certificate type.
func (p LifecyclePolicy) TypeInfo(t CertType) (CertTypeInfo, bool) {
	for _, i := range p.CertTypes {
		if i.Type == t {
			return i, true
		}
	}
	return CertTypeInfo{}, false
}

// ValidCancelReason reports whether r is on the configured list.
func (p LifecyclePolicy) ValidCancelReason(r string) bool {
	for _, c := range p.CancelReasons {
		if c == r {
			return true
		}
	}
	return false
}

// NumberPrefix renders the template up to its sequence for a region and a
// type code, and returns the sequence width. Templates must end with
// {seq:N} (N from 1 to 12), so numbers of one prefix sort by sequence.
func (p LifecyclePolicy) NumberPrefix(region RegionCode, typeCode string) (string, int, error) {
	t := p.NumberTemplate
	i := strings.LastIndex(t, "{seq:")
	if i < 0 || !strings.HasSuffix(t, "}") {
		return "", 0, fmt.Errorf("number template %q must end with {seq:N}", t)
	}
	width, err := strconv.Atoi(t[i+5 : len(t)-1])
	if err != nil || width < 1 || width > 12 {
		return "", 0, fmt.Errorf("number template %q: bad sequence width", t)
	}
	prefix := strings.NewReplacer("{region}", string(region), "{type}", typeCode).Replace(t[:i])
	return prefix, width, nil
}

// FormatNumber appends a zero-padded sequence to a prefix.
func FormatNumber(prefix string, seq int64, width int) string {
	return fmt.Sprintf("%s%0*d", prefix, width, seq)
}
