// The signed-in session: access token (memory only), the user and their permissions (GET /api/v1/me),
// login, refresh (one in flight per tab, serialised across tabs), logout, password change, and
// the activity clock the idle timeout runs on.
//
// The refresh token lives in an httpOnly cookie the page never sees; on a page load the session is
// restored by spending it (POST /api/v1/auth/refresh). The server ends a session that has not been
// refreshed for `idle_timeout_seconds`; while the user is active the store refreshes now and then
// (keep-alive) so an active user is never signed out.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, call, setAuthHooks } from '@/api/client'
import { toProblem } from '@/api/problem'
import type { Me, PasswordChange, TokenResponse, User } from '@/api/types'
import { withRefreshLock } from '@/auth/refreshLock'
import { openTabChannel, type TabMessage } from '@/auth/tabSync'

export type AuthStatus = 'unknown' | 'anonymous' | 'authenticated'

/** One permission ("user:write"), or a list of which any one suffices. */
export type PermRequirement = string | readonly string[]

/** A message for the login page, e.g. why the session ended. */
export interface Notice {
  kind: 'info' | 'warning' | 'error'
  text: string
}

export type SessionEvent =
  | { type: 'signed-in' }
  | { type: 'signed-out' }
  | { type: 'password-change-required' }

export const DEFAULT_IDLE_TIMEOUT_SECONDS = 1800
export const IDLE_NOTICE = '长时间未操作，已自动退出，请重新登录'
export const LOGGED_OUT_NOTICE = '您已退出登录'
const OTHER_TAB_NOTICE = '您已在其他窗口退出登录'
/** Activity is told to the other tabs at most this often. */
const ACTIVITY_BROADCAST_MS = 10_000

type RefreshOutcome = 'ok' | 'ended' | 'unreachable'

export const useAuthStore = defineStore('auth', () => {
  const status = ref<AuthStatus>('unknown')
  const user = shallowRef<User | null>(null)
  const me = shallowRef<Me | null>(null)
  const mustChangePassword = ref(false)
  const notice = ref<Notice | null>(null)
  /** When the server's idle clock last restarted (a login or refresh in any tab), epoch ms. */
  const sessionTouchedAt = ref(0)
  /** Last user activity in any tab, epoch ms. */
  const lastActivityAt = ref(Date.now())

  // Memory only: never in Pinia state, storage or the URL.
  let accessToken: string | undefined
  let tokenExpiresAt = 0
  let refreshing: Promise<RefreshOutcome> | undefined
  let restoring: Promise<void> | undefined
  let lastBroadcastAt = 0
  const listeners = new Set<(e: SessionEvent) => void>()

  const signedIn = computed(() => status.value === 'authenticated')
  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const roleLabel = computed(() => me.value?.role_label ?? '')
  const idleTimeoutSeconds = computed(() => me.value?.idle_timeout_seconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS)
  /** Refresh at most this often while the user is active (keeps the server's idle clock close to theirs). */
  const keepAliveMs = computed(() => Math.max(30, Math.min(300, idleTimeoutSeconds.value / 6)) * 1000)

  function emit(e: SessionEvent): void {
    for (const fn of [...listeners]) fn(e)
  }

  /** Subscribes to sign-in/out and forced-password-change events; returns the unsubscribe. */
  function onSessionEvent(fn: (e: SessionEvent) => void): () => void {
    listeners.add(fn)
    return () => void listeners.delete(fn)
  }

  function hasPerm(req: PermRequirement | null | undefined): boolean {
    if (req === undefined || req === null) return true
    if (typeof req === 'string') return permissions.value.has(req)
    return req.length === 0 || req.some((p) => permissions.value.has(p))
  }

  function token(): string | undefined {
    return accessToken
  }

  function accept(t: TokenResponse): void {
    const now = Date.now()
    const wasForced = mustChangePassword.value
    accessToken = t.access_token
    tokenExpiresAt = now + t.expires_in * 1000
    user.value = t.user
    mustChangePassword.value = t.must_change_password
    status.value = 'authenticated'
    sessionTouchedAt.value = now
    if (t.must_change_password && !wasForced) emit({ type: 'password-change-required' })
  }

  /** Forgets the session locally (the server side is ended by logout or has already ended). */
  function endSession(n?: Notice): void {
    const was = status.value
    accessToken = undefined
    tokenExpiresAt = 0
    user.value = null
    me.value = null
    mustChangePassword.value = false
    status.value = 'anonymous'
    if (n) notice.value = n
    if (was === 'authenticated') emit({ type: 'signed-out' })
  }

  async function runRefresh(): Promise<RefreshOutcome> {
    const wasSignedIn = status.value === 'authenticated'
    let result: Awaited<ReturnType<typeof postRefresh>>
    try {
      // The lock is held until the response (and its Set-Cookie) has arrived.
      result = await withRefreshLock(postRefresh)
    } catch {
      return 'unreachable' // keep the session: the request that needed it fails on its own
    }
    if (result.response.ok && result.data) {
      accept(result.data)
      tabs.post({ type: 'refreshed', at: sessionTouchedAt.value })
      return 'ok'
    }
    const p = toProblem(result.error, result.response)
    if (p.status === 401 || p.status === 403) {
      endSession(wasSignedIn ? { kind: 'warning', text: p.detail } : undefined)
      return 'ended'
    }
    return 'unreachable' // 5xx: the server is in trouble, the session may be fine
  }

  function postRefresh() {
    return api.POST('/api/v1/auth/refresh')
  }

  function refreshOnce(): Promise<RefreshOutcome> {
    refreshing ??= runRefresh().finally(() => {
      refreshing = undefined
    })
    return refreshing
  }

  /**
   * Spends the refresh cookie for a new access token. Concurrent calls share one request; across
   * tabs the Web Locks API serialises them. A refused refresh ends the session (with the server's
   * reason for the login page).
   */
  async function refresh(): Promise<boolean> {
    return (await refreshOnce()) === 'ok'
  }

  /** The client's 401 handler: a request sent with `stale` was refused. */
  async function renew(stale: string | undefined): Promise<boolean> {
    if (status.value !== 'authenticated') return false
    if (accessToken !== undefined && accessToken !== stale) return true // refreshed meanwhile
    return refresh()
  }

  async function loadMe(): Promise<Me> {
    const m = await call(api.GET('/api/v1/me'), { silent: true })
    me.value = m
    user.value = m.user
    return m
  }

  /** Restores the session on page load from the refresh cookie; runs once, the router awaits it. */
  function ready(): Promise<void> {
    if (status.value !== 'unknown') return restoring ?? Promise.resolve()
    restoring ??= (async () => {
      const outcome = await refreshOnce()
      if (outcome === 'ok') {
        try {
          await loadMe()
        } catch (e) {
          endSession({ kind: 'error', text: e instanceof Error ? e.message : '无法获取用户信息' })
        }
      } else if (status.value === 'unknown') {
        status.value = 'anonymous'
        if (outcome === 'unreachable') notice.value = { kind: 'error', text: '无法连接服务器，请检查网络后重试' }
      }
    })().finally(() => {
      restoring = undefined
    })
    return restoring
  }

  /** Signs in; throws the ApiProblem (401, 423 locked, 429, 403 disabled) for the login page to show. */
  async function login(username: string, password: string): Promise<void> {
    const t = await call(api.POST('/api/v1/auth/login', { body: { username, password } }), { silent: true })
    notice.value = null
    lastActivityAt.value = Date.now()
    accept(t)
    await loadMe()
    tabs.post({ type: 'signed-in' })
    emit({ type: 'signed-in' })
  }

  /** Ends the session on the server (bearer and cookie) and here; tells the other tabs. */
  async function logout(reason: 'logout' | 'idle' = 'logout'): Promise<void> {
    if (refreshing) await refreshing
    if (status.value !== 'authenticated') return
    try {
      await api.POST('/api/v1/auth/logout')
    } catch {
      // Offline: the server ends the session at its idle timeout.
    }
    tabs.post({ type: 'signed-out', reason })
    endSession(
      reason === 'idle' ? { kind: 'warning', text: IDLE_NOTICE } : { kind: 'info', text: LOGGED_OUT_NOTICE },
    )
  }

  /**
   * Changes the password (throws the ApiProblem with field errors), then refreshes: the access token
   * still carries the "must change" mark and the server refuses everything else until it is replaced.
   */
  async function changePassword(body: PasswordChange): Promise<void> {
    await call(api.POST('/api/v1/auth/password', { body }), { silent: true })
    if (await refresh()) await loadMe()
  }

  /** Records user activity (local or from another tab); refreshes if the server's clock lags. */
  function touch(at = Date.now(), fromOtherTab = false): void {
    if (at > lastActivityAt.value) lastActivityAt.value = at
    if (!fromOtherTab && at - lastBroadcastAt >= ACTIVITY_BROADCAST_MS) {
      lastBroadcastAt = at
      tabs.post({ type: 'activity', at })
    }
    if (fromOtherTab || status.value !== 'authenticated' || refreshing) return
    if (at - sessionTouchedAt.value >= keepAliveMs.value || at >= tokenExpiresAt - 60_000) void refresh()
  }

  function onTabMessage(m: TabMessage): void {
    switch (m.type) {
      case 'activity':
        touch(m.at, true)
        break
      case 'refreshed':
        if (m.at > sessionTouchedAt.value) sessionTouchedAt.value = m.at
        break
      case 'signed-in':
        if (status.value === 'anonymous') {
          status.value = 'unknown'
          void ready().then(() => {
            if (signedIn.value) emit({ type: 'signed-in' })
          })
        }
        break
      case 'signed-out':
        if (status.value === 'authenticated') {
          endSession({ kind: 'warning', text: m.reason === 'idle' ? IDLE_NOTICE : OTHER_TAB_NOTICE })
        }
        break
    }
  }

  const tabs = openTabChannel(onTabMessage)

  setAuthHooks({
    accessToken: token,
    renew,
    passwordChangeRequired() {
      if (status.value === 'authenticated' && !mustChangePassword.value) {
        mustChangePassword.value = true
        emit({ type: 'password-change-required' })
      }
    },
  })

  /** Disconnects from the API client and the other tabs (tests). */
  function dispose(): void {
    tabs.close()
    setAuthHooks(undefined)
    listeners.clear()
  }

  return {
    status,
    user,
    me,
    mustChangePassword,
    notice,
    sessionTouchedAt,
    lastActivityAt,
    signedIn,
    permissions,
    roleLabel,
    idleTimeoutSeconds,
    keepAliveMs,
    hasPerm,
    token,
    ready,
    login,
    logout,
    refresh,
    renew,
    loadMe,
    changePassword,
    touch,
    endSession,
    onSessionEvent,
    dispose,
  }
})

export type AuthStore = ReturnType<typeof useAuthStore>
