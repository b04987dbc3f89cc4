// Package httpapi is LECMS's HTTP edge: routing, middleware, problem JSON,
// and handlers that decode a request, call one service method and encode.
//
//	@title						LECMS 行政执法证件管理信息系统 API
//	@version					1.0
//	@description				Law-enforcement certificate management: regions, units, officers, certificates, applications and inspections. Errors are RFC 9457 problem JSON with a stable `code`.
//	@BasePath					/
//	@accept						json
//	@produce					json
//	@securityDefinitions.apikey	Bearer
//	@in							header
//	@name						Authorization
//	@description				"Bearer " + an access token from /api/v1/auth/login (users) or /api/v1/oauth/token (API clients, client-credentials grant).
package httpapi
