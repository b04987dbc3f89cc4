package agent

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/lecms/lecms/cardagent/chiprecord"
)

// HexBytes marshals to upper-case hex in JSON, the usual way to show UIDs
// and ATRs.
type HexBytes []byte

func (h HexBytes) MarshalText() ([]byte, error) {
	return []byte(strings.ToUpper(hex.EncodeToString(h))), nil
}

func (h *HexBytes) UnmarshalText(b []byte) error {
	v, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("hex: %w", err)
	}
	*h = v
	return nil
}

// Base64Bytes marshals to standard base64 in JSON (what encoding/json does
// for []byte anyway; the type documents the field).
type Base64Bytes []byte

func (b Base64Bytes) MarshalText() ([]byte, error) {
	return []byte(base64.StdEncoding.EncodeToString(b)), nil
}

func (b *Base64Bytes) UnmarshalText(t []byte) error {
	v, err := base64.StdEncoding.DecodeString(string(t))
	if err != nil {
		return fmt.Errorf("base64: %w", err)
	}
	*b = v
	return nil
}

// RecordView is a chip record as the SPA sees it.
type RecordView struct {
	Seq            uint32          `json:"seq"`
	CertNo         string          `json:"cert_no"`
	Name           string          `json:"name"`
	UnitCode       string          `json:"unit_code"`
	Area           string          `json:"area"`
	Category       string          `json:"category"`
	ValidUntil     chiprecord.Date `json:"valid_until"`
	LastInspection chiprecord.Date `json:"last_inspection"`
	CardUID        HexBytes        `json:"card_uid"`
	SigAlg         string          `json:"sig_alg"`
	KeyID          string          `json:"key_id"`
}

func viewOf(r *chiprecord.Record) *RecordView {
	return &RecordView{
		Seq: r.Seq, CertNo: r.CertNo, Name: r.Name, UnitCode: r.UnitCode,
		Area: r.Area, Category: r.Category, ValidUntil: r.ValidUntil, LastInspection: r.LastInspection,
		CardUID: r.CardUID, SigAlg: r.SigAlg.String(), KeyID: r.KeyID.String(),
	}
}
