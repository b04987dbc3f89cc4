// Package httpapi is LECMS's HTTP edge: routing, middleware, problem JSON,
// and handlers that decode a request, call one service method and encode.
//
//	@title						LECMS 行政执法证件管理信息系统 API
//	@version					1.0
//	@description				Law-enforcement certificate management: regions, units, officers, certificates, applications and inspections. Errors are RFC 9457 problem JSON with a stable `code`.
//	@BasePath					/
//	@accept						json
//	@produce					json
package httpapi
