// The configured rules the server publishes (GET /api/v1/policies), derived from the generated
// `paths` (never hand-typed).
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type Policies = Json<paths['/api/v1/policies']['get']['responses'][200]>
export type PasswordRules = Policies['password']
export type LockoutRules = Policies['lockout']
