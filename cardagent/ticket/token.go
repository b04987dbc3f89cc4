package ticket

import (
	"encoding/base64"
	"fmt"
)

// Tickets and receipts travel through the SPA as opaque base64url strings
// (no padding), so the browser cannot re-serialise them differently from
// what was signed.

func encodeToken(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func decodeToken(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url: %v", ErrInvalid, err)
	}
	return b, nil
}
