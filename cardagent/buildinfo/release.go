//go:build release

package buildinfo

// Release is true in builds made with -tags release. Release builds refuse
// virtual readers (vsmartcard-vpcd listens on every interface, so anyone on
// the network could present a "card" to an issuing PC).
const Release = true
