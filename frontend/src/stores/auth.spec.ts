import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ElMessage } from 'element-plus'
import { api, call } from '@/api/client'
import { ApiProblem } from '@/api/problem'
import { REFRESH_LOCK } from '@/auth/refreshLock'
import { adminMe, reviewerMe, sessionServer, authed, tokens, type SessionServer } from '@/test/auth'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { officer } from '@/test/fixtures'
import { useAuthStore, type AuthStore, type SessionEvent } from './auth'

const LIST = '/api/v1/officers'
const REFRESH = '/api/v1/auth/refresh'

/** A Web Locks stand-in: runs callbacks for the same name one after another, records the names. */
function fakeLocks() {
  const names: string[] = []
  let tail: Promise<unknown> = Promise.resolve()
  const locks = {
    request(name: string, _opts: unknown, cb: () => Promise<unknown>) {
      names.push(name)
      const run = tail.then(() => cb())
      tail = run.catch(() => undefined)
      return run
    },
  }
  return { names, locks }
}

function setLocks(locks: unknown): void {
  Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
}

describe('auth store', () => {
  let server: SessionServer
  let fetch: FetchMock
  let auth: AuthStore
  let events: SessionEvent[]

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    server = sessionServer(adminMe())
    fetch = mockFetch({
      ...server.routes,
      [LIST]: authed(server, () => json({ items: [officer()] })),
    })
    setActivePinia(createPinia())
    auth = useAuthStore()
    events = []
    auth.onSessionEvent((e) => events.push(e))
  })

  afterEach(() => {
    auth.dispose()
    setLocks(undefined)
    vi.unstubAllGlobals()
    localStorage.clear()
    sessionStorage.clear()
  })

  it('restores the session on page load from the refresh cookie, keeping the token in memory only', async () => {
    await auth.ready()
    expect(auth.status).toBe('authenticated')
    expect(auth.user?.username).toBe('admin')
    expect(auth.roleLabel).toBe('系统管理员')
    expect(auth.idleTimeoutSeconds).toBe(1800)
    expect(auth.token()).toBe('tok-1')
    expect(fetch.requestsTo(REFRESH)).toHaveLength(1)
    // The refresh sends no bearer; /me does.
    expect(fetch.requestsTo(REFRESH)[0]!.headers.get('Authorization')).toBeNull()
    expect(fetch.requestsTo('/api/v1/me')[0]!.headers.get('Authorization')).toBe('Bearer tok-1')
    // Not in storage, not in the store's state.
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain('tok-1')
    expect(JSON.stringify(auth.$state)).not.toContain('tok-1')

    await auth.ready() // once only
    expect(fetch.requestsTo(REFRESH)).toHaveLength(1)
  })

  it('is signed out without a message when there is no session to restore', async () => {
    server.cookie = false
    await auth.ready()
    expect(auth.status).toBe('anonymous')
    expect(auth.notice).toBeNull()
    expect(events).toEqual([])
  })

  it('says so when the server cannot be reached on page load', async () => {
    fetch.on(REFRESH, () => {
      throw new TypeError('Failed to fetch')
    })
    await auth.ready()
    expect(auth.status).toBe('anonymous')
    expect(auth.notice).toEqual({ kind: 'error', text: '无法连接服务器，请检查网络后重试' })
  })

  it('attaches the bearer token and, on a 401, refreshes once and retries the request', async () => {
    await auth.ready()
    server.valid.delete('tok-1') // the access token expired
    const data = await call(api.GET(LIST, { params: { query: { limit: 20 } } }))
    expect(data.items).toHaveLength(1)
    const sent = fetch.requestsTo(LIST).map((r) => r.headers.get('Authorization'))
    expect(sent).toEqual(['Bearer tok-1', 'Bearer tok-2'])
    expect(fetch.requestsTo(LIST)[1]!.url).toContain('limit=20')
    expect(fetch.requestsTo(REFRESH)).toHaveLength(2) // page load + this one
    expect(auth.token()).toBe('tok-2')
  })

  it('retries a POST with its body intact', async () => {
    await auth.ready()
    const bodies: string[] = []
    fetch.on('/api/v1/auth/password', async (_u, req) => {
      const denied = server.check(req)
      bodies.push(await req.text())
      return denied ?? new Response(null, { status: 204 })
    })
    server.valid.delete('tok-1')
    await call(api.POST('/api/v1/auth/password', { body: { old_password: 'a', new_password: 'b' } }))
    expect(bodies).toEqual([
      '{"old_password":"a","new_password":"b"}',
      '{"old_password":"a","new_password":"b"}',
    ])
  })

  it('lets concurrent requests share one in-flight refresh', async () => {
    await auth.ready()
    server.valid.clear()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const refreshRoute = server.routes[REFRESH]!
    fetch.on(REFRESH, async (u, req) => {
      await gate
      return refreshRoute(u, req)
    })
    const pending = [1, 2, 3, 4, 5].map(() => call(api.GET(LIST)))
    await vi.waitFor(() => expect(fetch.requestsTo(LIST)).toHaveLength(5))
    release()
    const pages = await Promise.all(pending)
    expect(pages.every((p) => p.items.length === 1)).toBe(true)
    expect(fetch.requestsTo(REFRESH)).toHaveLength(2) // page load + ONE for all five
    const retried = fetch.requestsTo(LIST).slice(5).map((r) => r.headers.get('Authorization'))
    expect(retried).toEqual(Array(5).fill('Bearer tok-2'))
  })

  it('does not refresh again for a 401 to a request sent before the last refresh', async () => {
    await auth.ready()
    expect(await auth.renew('tok-0')).toBe(true) // tok-1 is newer than what that request carried
    expect(fetch.requestsTo(REFRESH)).toHaveLength(1)
  })

  it('serialises refreshes with the Web Locks API under one name', async () => {
    const { names, locks } = fakeLocks()
    setLocks(locks)
    await auth.ready()
    await auth.refresh()
    expect(names).toEqual([REFRESH_LOCK, REFRESH_LOCK])
  })

  it('keeps two tabs from spending the same refresh token (which would revoke the session)', async () => {
    // A server with one rotating refresh cookie shared by the tabs; reuse revokes the session.
    let cookie = 'r1'
    let n = 1
    const spent = new Set<string>()
    let revoked = false
    fetch.on(REFRESH, async () => {
      const sent = cookie // the browser attaches the cookie when the request starts
      await new Promise((r) => setTimeout(r, 5))
      if (revoked || spent.has(sent)) {
        revoked = true
        return problem(401, { detail: '登录凭据已被重复使用，为安全起见已退出所有相关会话，请重新登录', code: 'unauthorized' })
      }
      spent.add(sent)
      cookie = `r${++n}`
      return json(tokens(adminMe().user, `tok-${n}`))
    })
    const tabA = auth
    const tabB = useAuthStore(createPinia())
    try {
      // Without Web Locks both tabs send r1: the second is a reuse and the session is revoked.
      expect(await Promise.all([tabA.refresh(), tabB.refresh()])).toEqual([true, false])
      expect(revoked).toBe(true)

      revoked = false
      const { locks } = fakeLocks()
      setLocks(locks)
      expect(await Promise.all([tabA.refresh(), tabB.refresh(), tabA.refresh()])).toEqual([true, true, true])
      expect(revoked).toBe(false)
    } finally {
      tabB.dispose()
    }
  })

  it('ends the session with the server’s reason when the refresh is refused', async () => {
    await auth.ready()
    server.valid.clear()
    fetch.on(REFRESH, () => problem(401, { detail: '长时间未操作，已自动退出，请重新登录', code: 'unauthorized' }))
    const err = await call(api.GET(LIST)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiProblem)
    expect((err as ApiProblem).status).toBe(401)
    expect(auth.status).toBe('anonymous')
    expect(auth.token()).toBeUndefined()
    expect(auth.me).toBeNull()
    expect(auth.notice).toEqual({ kind: 'warning', text: '长时间未操作，已自动退出，请重新登录' })
    expect(events).toEqual([{ type: 'signed-out' }])
    expect(ElMessage.error).not.toHaveBeenCalled() // the login page tells the user
  })

  it('keeps the session when the refresh cannot reach the server', async () => {
    await auth.ready()
    server.valid.clear()
    fetch.on(REFRESH, () => {
      throw new TypeError('Failed to fetch')
    })
    await expect(call(api.GET(LIST))).rejects.toBeInstanceOf(ApiProblem)
    expect(auth.status).toBe('authenticated')
    expect(events).toEqual([])
  })

  it('signs in, loads /me, and reports refusals as problems with the server’s detail', async () => {
    server.cookie = false
    server.me = reviewerMe()
    await auth.ready()
    fetch.on('/api/v1/auth/login', () =>
      problem(423, { detail: '登录失败次数过多，账户已锁定，请 15 分钟后再试或联系管理员解锁', code: 'account_locked' }),
    )
    const err = (await auth.login('jinan_reviewer', 'x').catch((e: unknown) => e)) as ApiProblem
    expect(err).toBeInstanceOf(ApiProblem)
    expect(err).toMatchObject({ status: 423, code: 'account_locked' })
    expect(err.detail).toContain('15 分钟')
    expect(auth.status).toBe('anonymous')

    fetch.on('/api/v1/auth/login', server.routes['/api/v1/auth/login']!)
    await auth.login('jinan_reviewer', 'Demo@2026')
    expect(auth.status).toBe('authenticated')
    expect(auth.me?.role_label).toBe('法制机构审核人')
    expect(auth.hasPerm('officer:read')).toBe(true)
    expect(auth.hasPerm('user:read')).toBe(false)
    expect(auth.hasPerm(['user:read', 'officer:read'])).toBe(true)
    expect(events).toEqual([{ type: 'signed-in' }])
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('flags a forced password change after login and clears it after the change', async () => {
    server.cookie = false
    await auth.ready()
    server.me = adminMe({ user: { ...adminMe().user, must_change_password: true } })
    await auth.login('admin', 'Demo@2026')
    expect(auth.mustChangePassword).toBe(true)
    expect(events[0]).toEqual({ type: 'password-change-required' })

    const bodies: unknown[] = []
    fetch.on('/api/v1/auth/password', async (_u, req) => {
      bodies.push(await req.json())
      server.me = adminMe()
      return new Response(null, { status: 204 })
    })
    await auth.changePassword({ old_password: 'Demo@2026', new_password: 'Str0ng#pass' })
    expect(bodies).toEqual([{ old_password: 'Demo@2026', new_password: 'Str0ng#pass' }])
    // A refresh replaced the token that carried the "must change" mark.
    expect(auth.token()).toBe('tok-2')
    expect(auth.mustChangePassword).toBe(false)
  })

  it('reacts to 403 password_change_required from any endpoint', async () => {
    await auth.ready()
    fetch.on(LIST, () => problem(403, { detail: '请先修改初始密码（或已过期的密码）', code: 'password_change_required' }))
    await expect(call(api.GET(LIST))).rejects.toMatchObject({ code: 'password_change_required' })
    expect(auth.mustChangePassword).toBe(true)
    expect(events).toEqual([{ type: 'password-change-required' }])
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('logs out with the bearer token and forgets the session', async () => {
    await auth.ready()
    await auth.logout()
    const [req] = fetch.requestsTo('/api/v1/auth/logout')
    expect(req!.method).toBe('POST')
    expect(req!.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(auth.status).toBe('anonymous')
    expect(auth.token()).toBeUndefined()
    expect(auth.notice).toEqual({ kind: 'info', text: '您已退出登录' })
    expect(events).toEqual([{ type: 'signed-out' }])
    // A later 401 does not try to refresh a session that is gone.
    await expect(call(api.GET(LIST))).rejects.toMatchObject({ status: 401 })
    expect(fetch.requestsTo(REFRESH)).toHaveLength(1)
  })

  it('follows a logout in another tab', async () => {
    await auth.ready()
    const otherTab = new BroadcastChannel('lecms-auth')
    try {
      otherTab.postMessage({ type: 'signed-out', reason: 'logout' })
      await vi.waitFor(() => expect(auth.status).toBe('anonymous'))
      expect(auth.notice?.text).toBe('您已在其他窗口退出登录')
    } finally {
      otherTab.close()
    }
  })

  it('refreshes on activity when the server’s idle clock lags (keep-alive)', async () => {
    await auth.ready()
    const t0 = auth.sessionTouchedAt
    auth.touch(t0 + 1000)
    expect(fetch.requestsTo(REFRESH)).toHaveLength(1)
    auth.touch(t0 + auth.keepAliveMs + 1)
    await vi.waitFor(() => expect(fetch.requestsTo(REFRESH)).toHaveLength(2))
  })
})
