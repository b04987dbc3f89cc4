// Names for the API shapes the UI uses, derived from the generated `paths` (never hand-typed),
// so they do not depend on how the spec names its component schemas.
import type { paths } from './schema'

type Ok<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } }
}
  ? T
  : never

type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never

export type Region = Ok<'/api/v1/regions'> extends readonly (infer R)[] ? R : never

export type UnitPage = Ok<'/api/v1/units'>
export type Unit = NonNullable<UnitPage['items']>[number]
export type UnitQuery = Query<'/api/v1/units'>

export type OfficerPage = Ok<'/api/v1/officers'>
export type Officer = NonNullable<OfficerPage['items']>[number]
export type OfficerQuery = Query<'/api/v1/officers'>
export type OfficerCount = Ok<'/api/v1/officers/count'>

export type CertState = NonNullable<Officer['cert_state']>
export type DueState = NonNullable<Officer['due_state']>
export type CertType = NonNullable<Officer['cert_type']>
export type Sex = NonNullable<Officer['sex']>
export type Staffing = NonNullable<Officer['staffing']>

/** RFC 9457 problem body as the spec declares it (taken from the officer list's 400 response). */
export type Problem = paths['/api/v1/officers']['get']['responses'][400]['content']['application/problem+json']
export type FieldError = NonNullable<Problem['errors']>[number]

type PostBody<P extends keyof paths> = paths[P] extends {
  post: { requestBody: { content: { 'application/json': infer B } } }
}
  ? B
  : never

type PostOk<P extends keyof paths, S extends number> = paths[P] extends {
  post: { responses: { [K in S]: { content: { 'application/json': infer T } } } }
}
  ? T
  : never

// Identity: login, session, the signed-in user.
export type LoginRequest = PostBody<'/api/v1/auth/login'>
export type TokenResponse = PostOk<'/api/v1/auth/login', 200>
export type PasswordChange = PostBody<'/api/v1/auth/password'>
export type Me = Ok<'/api/v1/me'>
export type Permission = Me['permissions'][number]

// User administration (用户管理).
export type UserPage = Ok<'/api/v1/users'>
export type User = UserPage['items'][number]
export type UserQuery = Query<'/api/v1/users'>
export type Role = User['role']
export type NewUser = PostBody<'/api/v1/users'>
export type PasswordReset = PostBody<'/api/v1/users/{id}/password-reset'>

// Audit trail (审计日志).
export type AuditEventPage = Ok<'/api/v1/audit-events'>
export type AuditEvent = AuditEventPage['items'][number]
export type AuditQuery = Query<'/api/v1/audit-events'>
export type AuditResult = AuditEvent['result']
