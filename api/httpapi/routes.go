package httpapi

import (
	"github.com/labstack/echo/v5"

	"github.com/lecms/lecms/api/authz"
	"github.com/lecms/lecms/api/domain"
)

// Access says who may call a route. Every API route states it; the
// authorization-matrix test fails for a route that does not.
type Access struct {
	Public     bool   // no authentication (login, token, health)
	Obj, Act   string // permission needed in the caller's own jurisdiction; empty = any signed-in caller
	PwdChange  bool   // reachable while the password must be changed
	ClientsToo bool   // API clients (third-party systems) may call it
}

// RouteSpec is one API route with its access rule.
type RouteSpec struct {
	Method, Path string
	Access       Access
	handler      echo.HandlerFunc
}

// handlers groups the handler structs for the route table.
type handlers struct {
	auth     *authHandler
	users    *usersHandler
	registry *registryHandler
	audit    *auditHandler
	apps     *applicationsHandler
	records  *recordsHandler  // records
	issuance *issuanceHandler // issuance
	policies *policiesHandler
}

func (h handlers) routes() []RouteSpec {
	signedIn := Access{}
	return []RouteSpec{
		{"POST", "/api/v1/id-numbers/check", signedIn, checkIDNumber},
		{"POST", "/api/v1/auth/login", Access{Public: true}, h.auth.login},
		{"POST", "/api/v1/auth/refresh", Access{Public: true}, h.auth.refresh},
		{"POST", "/api/v1/auth/logout", Access{Public: true}, h.auth.logout},
		{"POST", "/api/v1/oauth/token", Access{Public: true}, h.auth.oauthToken},
		{"POST", "/api/v1/auth/password", Access{PwdChange: true}, h.auth.changePassword},
		{"GET", "/api/v1/me", Access{PwdChange: true}, h.auth.me},
		// The forced password change shows the policy, so it is reachable
		// before the change; the login page does not show it (no public route).
		{"GET", "/api/v1/policies", Access{PwdChange: true}, h.policies.get},

		{"GET", "/api/v1/regions", Access{Obj: "region", Act: authz.Read, ClientsToo: true}, h.registry.regionTree},
		{"GET", "/api/v1/units", Access{Obj: "unit", Act: authz.Read, ClientsToo: true}, h.registry.listUnits},
		{"GET", "/api/v1/officers", Access{Obj: "officer", Act: authz.Read, ClientsToo: true}, h.registry.listOfficers},
		{"GET", "/api/v1/officers/count", Access{Obj: "officer", Act: authz.Read, ClientsToo: true}, h.registry.countOfficers},
		{"GET", "/api/v1/officers/:id", Access{Obj: "officer", Act: authz.Read, ClientsToo: true}, h.registry.getOfficer},

		{"GET", "/api/v1/users", Access{Obj: "user", Act: authz.Read}, h.users.list},
		{"POST", "/api/v1/users", Access{Obj: "user", Act: authz.Write}, h.users.create},
		{"POST", "/api/v1/users/:id/password-reset", Access{Obj: "user", Act: authz.Write}, h.users.resetPassword},
		{"POST", "/api/v1/users/:id/disable", Access{Obj: "user", Act: authz.Write}, h.users.disable},
		{"POST", "/api/v1/users/:id/enable", Access{Obj: "user", Act: authz.Write}, h.users.enable},
		{"POST", "/api/v1/users/:id/unlock", Access{Obj: "user", Act: authz.Write}, h.users.unlock},
		{"POST", "/api/v1/clients", Access{Obj: "client", Act: authz.Write}, h.users.createClient},
		{"GET", "/api/v1/audit-events", Access{Obj: "audit", Act: authz.Read}, h.audit.listAuditEvents},

		// lifecycle: per-item jurisdiction, state and rule checks happen in the service.
		{"GET", "/api/v1/applications", Access{Obj: "application", Act: authz.Read}, h.apps.list},
		{"GET", "/api/v1/applications/count", Access{Obj: "application", Act: authz.Read}, h.apps.count},
		{"POST", "/api/v1/applications", Access{Obj: "application", Act: "create"}, h.apps.apply},
		{"POST", "/api/v1/applications/decisions", Access{Obj: "application", Act: authz.Read}, h.apps.decide},
		{"POST", "/api/v1/certificates/sanctions", Access{Obj: "certificate", Act: "suspend"}, h.apps.sanction},
		{"GET", "/api/v1/officers/:id/timeline", Access{Obj: "officer", Act: authz.Read}, h.apps.timeline},

		// records: units, officers, photos and exams; the service checks each
		// record's unit and region (outside the caller's view: 404).
		{"POST", "/api/v1/units", Access{Obj: "unit", Act: authz.Write}, h.records.createUnit},
		{"GET", "/api/v1/units/:id", Access{Obj: "unit", Act: authz.Read, ClientsToo: true}, h.records.getUnit},
		{"PUT", "/api/v1/units/:id", Access{Obj: "unit", Act: authz.Write}, h.records.updateUnit},
		{"DELETE", "/api/v1/units/:id", Access{Obj: "unit", Act: authz.Write}, h.records.deleteUnit},
		{"POST", "/api/v1/units/:id/dissolve", Access{Obj: "unit", Act: authz.Write}, h.records.dissolveUnit},
		{"POST", "/api/v1/officers", Access{Obj: "officer", Act: authz.Write}, h.records.createOfficer},
		{"PUT", "/api/v1/officers/:id", Access{Obj: "officer", Act: authz.Write}, h.records.updateOfficer},
		{"GET", "/api/v1/officers/:id/profile", Access{Obj: "officer", Act: authz.Read}, h.records.officerProfile},
		// 调动: the caller's reach must hold the old and the new unit (checked per record).
		{"POST", "/api/v1/officers/:id/transfer", Access{Obj: "officer", Act: "transfer"}, h.records.transferOfficer},
		{"POST", "/api/v1/officers/:id/exams", Access{Obj: "officer", Act: authz.Write}, h.records.addExam},
		{"PUT", "/api/v1/officers/:id/photo", Access{Obj: "officer", Act: authz.Write}, h.records.putPhoto},
		{"GET", "/api/v1/officers/:id/photo", Access{Obj: "officer", Act: authz.Read}, h.records.photo},
		{"GET", "/api/v1/officers/:id/photo/thumbnail", Access{Obj: "officer", Act: authz.Read}, h.records.thumbnail},

		// issuance: production (reports to the province, batches, chip writes)
		// and inspection steps 4 and 5; the service checks each application's
		// unit and region (outside the caller's view: 404).
		{"POST", "/api/v1/production/reports", Access{Obj: "production", Act: "report"}, h.issuance.report},
		{"GET", "/api/v1/production/queue", Access{Obj: "production", Act: authz.Read}, h.issuance.queue},
		{"POST", "/api/v1/production/batches", Access{Obj: "certificate", Act: "issue"}, h.issuance.createBatch},
		{"GET", "/api/v1/production/batches", Access{Obj: "production", Act: authz.Read}, h.issuance.listBatches},
		{"GET", "/api/v1/production/batches/:id", Access{Obj: "production", Act: authz.Read}, h.issuance.getBatch},
		{"POST", "/api/v1/production/batches/:id/dispatch", Access{Obj: "certificate", Act: "issue"}, h.issuance.dispatch},
		{"POST", "/api/v1/production/items/:id/ticket", Access{Obj: "certificate", Act: "issue"}, h.issuance.issueTicket},
		{"POST", "/api/v1/production/items/:id/receipt", Access{Obj: "certificate", Act: "issue"}, h.issuance.issueReceipt},
		{"POST", "/api/v1/inspections/:id/ticket", Access{Obj: "certificate", Act: "sync"}, h.issuance.syncTicket},
		{"POST", "/api/v1/inspections/:id/receipt", Access{Obj: "certificate", Act: "sync"}, h.issuance.syncReceipt},
		{"POST", "/api/v1/inspections/:id/sticker", Access{Obj: "certificate", Act: "sync"}, h.issuance.sticker},
		{"POST", "/api/v1/inspections/:id/manual-sync", Access{Obj: "certificate", Act: "manual_sync"}, h.issuance.manualSync},
		{"GET", "/api/v1/inspections/sync-policy", Access{Obj: "certificate", Act: "sync"}, h.issuance.syncPolicy},
		{"POST", "/api/v1/card-agents", Access{Obj: "card_agent", Act: authz.Write}, h.issuance.registerAgent},
		{"GET", "/api/v1/card-agents", Access{Obj: "card_agent", Act: authz.Read}, h.issuance.listAgents},
		{"POST", "/api/v1/card-agents/:id/disable", Access{Obj: "card_agent", Act: authz.Write}, h.issuance.disableAgent},
		{"POST", "/api/v1/card-agents/:id/enable", Access{Obj: "card_agent", Act: authz.Write}, h.issuance.enableAgent},
		{"GET", "/api/v1/card-agents/version", signedIn, h.issuance.agentVersion},
		{"GET", "/api/v1/card-agents/server-keys", signedIn, h.issuance.serverKeys},
	}
}

// Routes lists the API routes and their access rules (for the
// authorization matrix and docs).
func Routes() []RouteSpec { return handlers{}.routes() }

// guard builds the middleware a route's Access asks for, in order:
// authenticate, forced password change, API-client limits, permission.
func guard(a Access, d Deps) []echo.MiddlewareFunc {
	if a.Public {
		return []echo.MiddlewareFunc{optionalAuth(d.Auth)}
	}
	return []echo.MiddlewareFunc{authenticate(d.Auth), func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			p := principalOf(c)
			if p.MustChangePassword && !a.PwdChange {
				return domain.Errorf(domain.CodeMustChangePw, "请先修改初始密码（或已过期的密码）")
			}
			if len(p.Grants) > 0 {
				if !a.ClientsToo {
					return domain.Errorf(domain.CodeForbidden, "API 客户端不能调用该接口")
				}
				if d.Clients != nil {
					if err := d.Clients.ClientCall(c.Request().Context(), p, c.Request().Method+" "+c.Path(),
						c.Response().Header().Get(echo.HeaderXRequestID), c.RealIP()); err != nil {
						return err
					}
				}
			}
			if a.Obj != "" && !d.Authz.Can(p, a.Obj, a.Act, authz.Own(p)) {
				return domain.Errorf(domain.CodeForbidden, "您的角色无权执行该操作")
			}
			return next(c)
		}
	}}
}

// optionalAuth attaches a principal when a valid token is present (logout
// uses it for the audit line) and never refuses.
func optionalAuth(a Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			if c.Request().Header.Get(echo.HeaderAuthorization) != "" {
				if p, err := a.Authenticate(c); err == nil {
					c.Set(principalKey, p)
				}
			}
			return next(c)
		}
	}
}
