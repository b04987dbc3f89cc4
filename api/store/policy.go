package store

import (
	"github.com/casbin/casbin/v3/persist"
	gormadapter "github.com/casbin/gorm-adapter/v3"
)

// PolicyAdapter stores the Casbin authorization policy in the casbin_rules
// table through the Casbin GORM adapter, so every replica enforces the
// same policy and administrators can change it without a deploy.
func (db *DB) PolicyAdapter() (persist.Adapter, error) {
	return gormadapter.NewAdapterByDBUseTableName(db.gorm, "", "casbin_rules")
}
