// Package e2e holds the card agent's end-to-end tests: the real agent
// binary (cgo, pcsclite) talks through a real pcscd and vsmartcard-vpcd to
// virtual cards from package vcard, driven over its websocket API as the SPA
// will drive it. The suite starts pcscd itself and runs its tests one after
// another (pcscd is one per machine): run it with
//
//	go test -p 1 -count=1 -v ./cardagent/e2e
//
// Without pcscd, vpcd, root or the pcsclite headers it skips loudly; with
// LECMS_REQUIRE_PCSC=1 a missing environment is a failure instead.
package e2e
