import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { ElMessage } from 'element-plus'
import { useAuthStore } from '@/stores/auth'
import { adminMe, reviewerMe, sessionServer, type SessionServer } from '@/test/auth'
import { api, call } from '@/api/client'
import { mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { installAuthGuards, redirectTarget, routes } from '.'

describe('session guards', () => {
  let server: SessionServer
  let fetch: FetchMock
  let pinia: Pinia
  let router: Router

  function start(): void {
    fetch = mockFetch(server.routes)
    pinia = createPinia()
    router = createRouter({ history: createMemoryHistory(), routes })
    installAuthGuards(router, pinia)
  }

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    server = sessionServer(reviewerMe())
  })
  afterEach(() => {
    useAuthStore(pinia).dispose()
    vi.unstubAllGlobals()
  })

  const at = () => router.currentRoute.value

  it('sends signed-out visitors to 登录 with the page to come back to', async () => {
    server.cookie = false
    start()
    await router.push('/admin/users?q=x')
    expect(at().name).toBe('login')
    expect(at().query.redirect).toBe('/admin/users?q=x')
    expect(fetch.requestsTo('/api/v1/auth/refresh')).toHaveLength(1) // the restore attempt
  })

  it('shows 无权访问 for pages needing a permission the role lacks, and leaves 登录 when signed in', async () => {
    start()
    await router.push('/admin/users')
    expect(at().name).toBe('forbidden')
    await router.push('/officers')
    expect(at().name).toBe('officers')
    await router.push('/login?redirect=/account/password')
    expect(at().name).toBe('password')
  })

  it('lets an administrator into 用户管理', async () => {
    server.me = adminMe()
    start()
    await router.push('/admin/users')
    expect(at().name).toBe('users')
  })

  it('allows nothing but 修改密码 while the password must be changed', async () => {
    server.me = reviewerMe({ user: { ...reviewerMe().user, must_change_password: true } })
    start()
    await router.push('/officers?name=王')
    expect(at().name).toBe('change-password')
    expect(at().query.redirect).toBe('/officers?name=王')
    await router.push('/account/password')
    expect(at().name).toBe('change-password')

    server.me = reviewerMe()
    const auth = useAuthStore(pinia)
    await auth.refresh()
    await router.push('/change-password')
    expect(at().name).toBe('officers') // the forced page is gone once the password is changed
  })

  it('goes to 登录 when the session ends, and to 修改密码 when the server demands it', async () => {
    start()
    await router.push('/officers?year=2020')
    const auth = useAuthStore(pinia)
    auth.endSession({ kind: 'warning', text: '长时间未操作，已自动退出，请重新登录' })
    await flushPromises()
    await vi.waitFor(() => expect(at().name).toBe('login'), { timeout: 5000 })
    expect(at().query.redirect).toBe('/officers?year=2020')

    server.cookie = true
    await auth.login('jinan_reviewer', 'Demo@2026')
    await vi.waitFor(() => expect(at().fullPath).toBe('/officers?year=2020'), { timeout: 5000 })

    // Any endpoint answering password_change_required sends the user to 修改密码.
    fetch.on('/api/v1/officers', () =>
      problem(403, { detail: '请先修改初始密码（或已过期的密码）', code: 'password_change_required' }),
    )
    await call(api.GET('/api/v1/officers')).catch(() => undefined)
    await vi.waitFor(() => expect(at().name).toBe('change-password'), { timeout: 5000 })
    expect(at().query.redirect).toBe('/officers?year=2020')
  })

  it('only follows same-site redirects', () => {
    expect(redirectTarget('/admin/users')).toBe('/admin/users')
    expect(redirectTarget('//evil.example/x')).toEqual({ name: 'officers' })
    expect(redirectTarget('https://evil.example')).toEqual({ name: 'officers' })
    expect(redirectTarget('/login?redirect=/x')).toEqual({ name: 'officers' })
    expect(redirectTarget(undefined)).toEqual({ name: 'officers' })
  })
})
