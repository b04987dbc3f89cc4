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
