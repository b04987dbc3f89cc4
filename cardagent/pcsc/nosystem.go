//go:build !cgo && !windows

package pcsc

// System stands in for the platform PC/SC stack in builds without cgo on
// Unix (pcsclite needs cgo): it always reports the service as unavailable,
// so such a binary runs and says why it cannot see readers.
type System struct{}

// Available reports whether this build can reach the platform PC/SC stack.
const Available = false

func (System) Establish() (Context, error) {
	return nil, &Error{Kind: ErrNoService, Code: 0x8010001D, Text: "pcsc: built without cgo, PC/SC not available"}
}
