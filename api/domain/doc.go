// Package domain holds LECMS's records, rules and its one error type.
//
// It imports nothing from the HTTP framework or the ORM: storage and the HTTP
// edge depend on it, never the other way round.
package domain
