package domain

// Principal is who is asking: a user with one role inside one jurisdiction
// (a region subtree, or a single unit for unit roles). Services scope every
// read and authorise every write by it.
type Principal struct {
	UserID             int64
	Username           string
	Role               Role
	Scope              RegionCode // region subtree the principal sees
	UnitID             int64      // set for unit roles: they see their own unit only
	Grants             []string   // API clients: granted scopes instead of a role
	Session            string     // login session (refresh-token family) of the access token
	MustChangePassword bool       // only the password-change endpoints are open
}

// Sees reports whether a record of region r and unit u is inside the
// principal's jurisdiction.
func (p Principal) Sees(r RegionCode, unitID int64) bool {
	if p.UnitID != 0 {
		return p.UnitID == unitID
	}
	return p.Scope != "" && p.Scope.Contains(r)
}
