// Session fixtures for unit tests: /me payloads per role and fetch routes for the auth endpoints.
import type { Me, TokenResponse, User } from '@/api/types'
import { json, problem, type Handler } from './fetchMock'

export function user(over: Partial<User> = {}): User {
  return {
    id: 1,
    username: 'admin',
    display_name: '系统管理员',
    role: 'admin',
    scope: '370000',
    unit_id: null,
    must_change_password: false,
    disabled: false,
    locked: false,
    ...over,
  }
}

export const ADMIN_PERMISSIONS = [
  'region:read',
  'unit:read',
  'unit:write',
  'officer:read',
  'user:read',
  'user:write',
  'client:read',
  'client:write',
  'audit:read',
  'setting:write',
]

export function adminMe(over: Partial<Me> = {}): Me {
  return { user: user(), role_label: '系统管理员', permissions: ADMIN_PERMISSIONS, idle_timeout_seconds: 1800, ...over }
}

export function reviewerMe(over: Partial<Me> = {}): Me {
  return {
    user: user({ id: 3, username: 'jinan_reviewer', display_name: '济南市司法局审核员', role: 'legal_reviewer', scope: '370100' }),
    role_label: '法制机构审核人',
    permissions: ['region:read', 'unit:read', 'unit:write', 'officer:read', 'application:read'],
    idle_timeout_seconds: 1800,
    ...over,
  }
}

export function tokens(u: User, accessToken: string, over: Partial<TokenResponse> = {}): TokenResponse {
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 900,
    must_change_password: u.must_change_password,
    user: u,
    ...over,
  }
}

export interface SessionServer {
  /** Routes for mockFetch. */
  routes: Record<string, Handler>
  /** Tokens handed out so far (tok-1, tok-2, …). */
  issued: string[]
  /** Bearer tokens the server accepts. */
  valid: Set<string>
  /** Whether the refresh cookie still works. */
  cookie: boolean
  me: Me
  /** Checks a request's bearer: undefined when accepted, else a 401 to return. */
  check(req: Request): Response | undefined
}

/**
 * A fake server session: login and refresh hand out tok-N (refresh only while `cookie` holds), /me
 * answers for valid bearers, logout revokes everything.
 */
export function sessionServer(me: Me = adminMe(), password = 'Demo@2026'): SessionServer {
  const s: SessionServer = {
    routes: {},
    issued: [],
    valid: new Set(),
    cookie: true,
    me,
    check(req) {
      const auth = req.headers.get('Authorization') ?? ''
      const tok = auth.replace(/^Bearer /, '')
      if (!s.valid.has(tok)) return problem(401, { detail: '登录已失效，请重新登录', code: 'unauthorized' })
      return undefined
    },
  }
  const issue = (): Response => {
    const t = `tok-${s.issued.length + 1}`
    s.issued.push(t)
    s.valid.add(t)
    return json(tokens(s.me.user, t))
  }
  s.routes = {
    '/api/v1/auth/login': async (_u, req) => {
      const body = (await req.json()) as { username: string; password: string }
      if (body.username !== s.me.user.username || body.password !== password) {
        return problem(401, { detail: '用户名或密码错误', code: 'unauthorized' })
      }
      s.cookie = true
      return issue()
    },
    '/api/v1/auth/refresh': () =>
      s.cookie ? issue() : problem(401, { detail: '登录已过期，请重新登录', code: 'unauthorized' }),
    '/api/v1/auth/logout': () => {
      s.cookie = false
      s.valid.clear()
      return new Response(null, { status: 204 })
    },
    '/api/v1/me': (_u, req) => s.check(req) ?? json(s.me),
  }
  return s
}

/** Wraps a handler so it first checks the bearer like the real server. */
export function authed(s: SessionServer, h: Handler): Handler {
  return (url, req) => s.check(req) ?? h(url, req)
}
