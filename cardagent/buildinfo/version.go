// Package buildinfo carries what the build stamped into the binary: its
// version and whether it is a release build.
package buildinfo

// version is set at link time:
//
//	go build -ldflags "-X github.com/lecms/lecms/cardagent/buildinfo.version=1.4.0" ./cardagent/cmd/lecms-cardagent
//
// It is the one package-level variable the agent has, because -X can only
// write to a string variable; nothing assigns it at run time.
var version = "dev"

// Version reports the version stamped at link time, "dev" when none was.
func Version() string { return version }

// Protocol is the version of the websocket protocol spoken to the SPA. It
// changes only when a message or field changes meaning or disappears; new
// optional fields do not bump it.
const Protocol = 1
