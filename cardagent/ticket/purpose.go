package ticket

import "fmt"

// Purpose says which kind of write a ticket authorises.
type Purpose uint8

const (
	Issue Purpose = 1 // first write of a new card (办卡, 补卡, 换发)
	Sync  Purpose = 2 // write the new inspection date (年检/审验 step 4)
)

func (p Purpose) String() string {
	switch p {
	case Issue:
		return "issue"
	case Sync:
		return "sync"
	}
	return fmt.Sprintf("purpose(%d)", uint8(p))
}

// ParsePurpose parses "issue" or "sync".
func ParsePurpose(s string) (Purpose, error) {
	switch s {
	case "issue":
		return Issue, nil
	case "sync":
		return Sync, nil
	}
	return 0, fmt.Errorf("unknown purpose %q", s)
}

func (p Purpose) valid() bool { return p == Issue || p == Sync }

func (p Purpose) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
