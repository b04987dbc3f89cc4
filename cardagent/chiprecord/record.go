// Package chiprecord defines the certificate record written onto the chip:
// its compact binary encoding, checksum, provincial signature, and the A/B
// slot rule that lets a card pulled mid-write keep its previous record. The
// API server imports it to build and sign the records the agent writes.
package chiprecord

import (
	"github.com/lecms/lecms/cardagent/sigalg"
)

// FormatVersion is the version of the encoding Encode writes.
const FormatVersion = 1

// MaxEncodedSize is the largest encoded record: the size of a slot on a
// MIFARE Classic 1K (7 sectors x 3 blocks x 16 bytes), the smallest slot any
// supported card profile offers. The server must keep records under it
// (long enforcement categories are the usual culprit).
const MaxEncodedSize = 7 * 3 * 16

// Record is what the chip holds about a certificate. It deliberately holds
// no ID number (身份证号): the chip can be read by anyone with a reader.
type Record struct {
	Seq            uint32 // raised on every write; the newest valid slot wins
	CertNo         string // certificate number (证件编号)
	Name           string // holder's name
	UnitCode       string // 6-character unit code
	Area           string // enforcement area (执法区域)
	Category       string // enforcement category (执法类别)
	ValidUntil     Date
	LastInspection Date   // zero if never inspected
	CardUID        []byte // binds the signature to this chip, so a copy onto another chip is detectable

	SigAlg    sigalg.Alg
	KeyID     sigalg.KeyID
	Signature []byte
}

// Signed reports whether the record carries a signature.
func (r *Record) Signed() bool { return len(r.Signature) > 0 }
