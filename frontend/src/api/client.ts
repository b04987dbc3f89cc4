import createClient, { type Middleware } from 'openapi-fetch'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import type { paths } from './schema'
import { ApiProblem, isAbort, networkProblem, toProblem } from './problem'

export { ApiProblem } from './problem'

/** Typed client for the LECMS API; paths are relative to the page origin (Vite proxies /api in dev). */
export const api = createClient<paths>({
  baseUrl: '',
  // Late-bound so tests can stub globalThis.fetch after import.
  fetch: (input: Request) => globalThis.fetch(input),
})

/**
 * What the client needs from the session (the Pinia auth store registers itself): the access token
 * for the bearer header, a way to renew it after a 401, and a signal for a forced password change.
 */
export interface AuthHooks {
  /** The current access token (memory only), if signed in. */
  accessToken(): string | undefined
  /**
   * A request sent with `stale` got a 401: get a fresh token. Concurrent callers share one refresh;
   * resolves true when a retry may succeed (a token newer than `stale` is now available).
   */
  renew(stale: string | undefined): Promise<boolean>
  /** The server answered 403 password_change_required. */
  passwordChangeRequired(): void
}

let hooks: AuthHooks | undefined

/** Connects the client to the session; undefined disconnects it (tests). */
export function setAuthHooks(h: AuthHooks | undefined): void {
  hooks = h
}

/** Sign-in endpoints take credentials or the refresh cookie, never a bearer token. */
const NO_BEARER = new Set(['/api/v1/auth/login', '/api/v1/auth/refresh'])
/** Endpoints whose 401 means "not signed in", not "token expired": no refresh and retry. */
const NO_RETRY = new Set([...NO_BEARER, '/api/v1/auth/logout'])

/** Untouched copies of requests in flight (fetch consumes the body), for a retry after a refresh. */
const inFlight = new Map<string, { copy: Request; token: string | undefined }>()

async function problemCode(response: Response): Promise<string | undefined> {
  if (!(response.headers.get('Content-Type') ?? '').includes('json')) return undefined
  try {
    const body: unknown = await response.clone().json()
    return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string'
      ? body.code
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Bearer tokens for every request; on a 401 the session is refreshed once (shared by concurrent
 * requests) and the request retried with the new token.
 */
export const authMiddleware: Middleware = {
  onRequest({ request, id }) {
    if (!hooks) return undefined
    const path = new URL(request.url, globalThis.location?.href).pathname
    const token = NO_BEARER.has(path) ? undefined : hooks.accessToken()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    if (!NO_RETRY.has(path)) inFlight.set(id, { copy: request.clone(), token })
    return request
  },
  async onResponse({ response, id, options }) {
    const pending = inFlight.get(id)
    inFlight.delete(id)
    if (!hooks) return response
    if (response.status === 401 && pending) {
      if (await hooks.renew(pending.token)) {
        const retry = pending.copy
        const token = hooks.accessToken()
        if (token) retry.headers.set('Authorization', `Bearer ${token}`)
        return options.fetch(retry)
      }
      return response
    }
    if (response.status === 403 && (await problemCode(response)) === 'password_change_required') {
      hooks.passwordChangeRequired()
    }
    return response
  },
  onError({ id }) {
    inFlight.delete(id)
  },
}

api.use(authMiddleware)

interface Result<T> {
  data?: T
  error?: unknown
  response: Response
}

export interface CallOptions {
  /** Do not show the problem's detail to the user (the caller shows it itself). */
  silent?: boolean
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiProblem whose Chinese
 * `detail` (with any field messages) has been shown to the user. Aborted requests rethrow the AbortError silently.
 */
export async function call<T>(pending: Promise<Result<T>>, opts: CallOptions = {}): Promise<T> {
  let result: Result<T>
  try {
    result = await pending
  } catch (err) {
    if (isAbort(err)) throw err
    throw report(networkProblem(err), opts)
  }
  if (result.response.ok && result.error === undefined) {
    return result.data as T
  }
  throw report(toProblem(result.error, result.response), opts)
}

/** Problems the session handling already tells the user about (the login or 修改密码 page). */
function sessionProblem(problem: ApiProblem): boolean {
  return problem.status === 401 || problem.code === 'password_change_required'
}

function report(problem: ApiProblem, opts: CallOptions): ApiProblem {
  if (!opts.silent && !(hooks && sessionProblem(problem))) {
    ElMessage.error({ message: problem.summary, grouping: true })
  }
  return problem
}
