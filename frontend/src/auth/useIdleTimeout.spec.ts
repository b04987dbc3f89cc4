import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, type EffectScope, type VNode } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { ElMessage, ElMessageBox } from 'element-plus'
import { useAuthStore, type AuthStore } from '@/stores/auth'
import { adminMe, sessionServer, type SessionServer } from '@/test/auth'
import { mockFetch, type FetchMock } from '@/test/fetchMock'
import { IDLE_WARNING_SECONDS, idleMessage, useIdleTimeout } from './useIdleTimeout'

const MIN = 60_000

interface OpenBox {
  text(): string
  confirm(): void
  cancel(): void
  closedByUs: boolean
}

describe('useIdleTimeout', () => {
  let server: SessionServer
  let fetch: FetchMock
  let auth: AuthStore
  let scope: EffectScope
  let boxes: OpenBox[]

  beforeEach(async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T09:00:00+08:00') })
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    boxes = []
    vi.spyOn(ElMessageBox, 'confirm').mockImplementation(((message: unknown) => {
      return new Promise((resolve, reject) => {
        const render = message as (a: { close: () => void }) => VNode
        const box: OpenBox = {
          closedByUs: false,
          text: () => String(render({ close: () => {} }).children),
          confirm: () => resolve('confirm' as never),
          cancel: () => reject('cancel'),
        }
        // The countdown closes the box itself through the `close` action it is handed.
        render({
          close: () => {
            box.closedByUs = true
            reject('close')
          },
        })
        boxes.push(box)
      })
    }) as never)
    server = sessionServer(adminMe({ idle_timeout_seconds: 30 * 60 }))
    fetch = mockFetch(server.routes)
    setActivePinia(createPinia())
    auth = useAuthStore()
    await auth.ready()
    scope = effectScope()
    scope.run(() => useIdleTimeout(auth))
  })

  afterEach(() => {
    scope.stop()
    auth.dispose()
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  const refreshes = () => fetch.requestsTo('/api/v1/auth/refresh').length

  it('shows the countdown two minutes before the idle timeout', async () => {
    await vi.advanceTimersByTimeAsync(27 * MIN)
    expect(boxes).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(MIN + 1000)
    expect(boxes).toHaveLength(1)
    expect(boxes[0]!.text()).toBe(idleMessage(IDLE_WARNING_SECONDS - 1))
    expect(boxes[0]!.text()).toBe('您已长时间未操作，将在 119 秒后自动退出')
    await vi.advanceTimersByTimeAsync(30_000)
    expect(boxes[0]!.text()).toBe('您已长时间未操作，将在 89 秒后自动退出')
    expect(boxes).toHaveLength(1) // one box, counting down
  })

  it('继续使用 refreshes the session and starts the clock again', async () => {
    await vi.advanceTimersByTimeAsync(28 * MIN + 1000)
    expect(refreshes()).toBe(1)
    boxes[0]!.confirm()
    await vi.advanceTimersByTimeAsync(1000)
    expect(refreshes()).toBe(2)
    expect(auth.signedIn).toBe(true)
    await vi.advanceTimersByTimeAsync(27 * MIN)
    expect(boxes).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(MIN + 1000)
    expect(boxes).toHaveLength(2)
  })

  it('signs out at zero, with the reason for the login page', async () => {
    await vi.advanceTimersByTimeAsync(30 * MIN + 1000)
    await vi.waitFor(() => expect(auth.status).toBe('anonymous'))
    expect(fetch.requestsTo('/api/v1/auth/logout')).toHaveLength(1)
    expect(auth.notice?.text).toBe('长时间未操作，已自动退出，请重新登录')
    expect(boxes[0]!.closedByUs).toBe(true)
  })

  it('退出 signs out at once', async () => {
    await vi.advanceTimersByTimeAsync(28 * MIN + 1000)
    boxes[0]!.cancel()
    await vi.waitFor(() => expect(auth.status).toBe('anonymous'))
    expect(auth.notice?.text).toBe('您已退出登录')
  })

  it('activity postpones the countdown and keeps the server session alive', async () => {
    for (let i = 0; i < 6; i++) {
      await vi.advanceTimersByTimeAsync(10 * MIN)
      window.dispatchEvent(new MouseEvent('mousemove'))
    }
    await vi.advanceTimersByTimeAsync(1000)
    // An hour of use: no countdown, and keep-alive refreshes (every 5 minutes of activity at most).
    expect(boxes).toHaveLength(0)
    expect(refreshes()).toBeGreaterThanOrEqual(7)
    expect(auth.signedIn).toBe(true)
  })

  it('ignores activity while the countdown shows: only 继续使用 keeps the session', async () => {
    await vi.advanceTimersByTimeAsync(28 * MIN + 1000)
    window.dispatchEvent(new KeyboardEvent('keydown'))
    await vi.advanceTimersByTimeAsync(2 * MIN)
    await vi.waitFor(() => expect(auth.status).toBe('anonymous'))
  })

  it('closes the countdown when another tab was active', async () => {
    await vi.advanceTimersByTimeAsync(28 * MIN + 1000)
    expect(boxes).toHaveLength(1)
    // Another tab reports activity and its refresh restarted the server's idle clock.
    auth.touch(Date.now(), true)
    auth.sessionTouchedAt = Date.now()
    await vi.advanceTimersByTimeAsync(1000)
    expect(boxes[0]!.closedByUs).toBe(true)
    expect(auth.signedIn).toBe(true)
  })

  it('stops when the session ends', async () => {
    auth.endSession()
    await vi.advanceTimersByTimeAsync(40 * MIN)
    expect(boxes).toHaveLength(0)
    expect(fetch.requestsTo('/api/v1/auth/logout')).toHaveLength(0)
  })
})
