package store

import (
	"context"

	"gorm.io/gorm"
)

// Tx is an open transaction, handed out by InTx. Store methods that must
// commit together with other changes (an audit event and the change it
// describes) take a *Tx; the handle is opaque outside this package so GORM
// does not leak into services.
type Tx struct {
	g       *gorm.DB
	dialect Dialect
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise. On SQLite the transaction takes the write lock at BEGIN
// (the DSN sets _txlock=immediate), so writers queue instead of failing.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.ctx(ctx).Transaction(func(g *gorm.DB) error {
		return fn(&Tx{g: g, dialect: db.dialect})
	})
}
