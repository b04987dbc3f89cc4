//go:build !release

package buildinfo

// Release is false in development builds, which accept virtual readers so
// the end-to-end tests can run against vsmartcard-vpcd.
const Release = false
