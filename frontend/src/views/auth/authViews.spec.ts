import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { ElMessage } from 'element-plus'
import App from '@/App.vue'
import { installAuthGuards, routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { reviewerMe, sessionServer, type SessionServer } from '@/test/auth'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { publishedPolicies, regionTree, unit } from '@/test/fixtures'

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

describe('登录 and 修改密码 pages', () => {
  let server: SessionServer
  let fetch: FetchMock
  let pinia: Pinia
  let router: Router
  let wrapper: VueWrapper

  async function open(path: string): Promise<void> {
    pinia = createPinia()
    router = createRouter({ history: createMemoryHistory(), routes })
    installAuthGuards(router, pinia)
    await router.push(path)
    await router.isReady()
    wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await settle()
  }

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close() {} }) as never)
    server = sessionServer(reviewerMe())
    server.cookie = false
    fetch = mockFetch({
      ...server.routes,
      '/api/v1/regions': () => json(regionTree),
      '/api/v1/policies': () => json(publishedPolicies()),
      '/api/v1/units': () => json({ items: [unit] }),
      '/api/v1/officers': () => json({ items: [] }),
      '/api/v1/officers/count': () => json({ total: 0 }),
    })
  })
  afterEach(() => {
    wrapper?.unmount()
    useAuthStore(pinia).dispose()
    vi.unstubAllGlobals()
    localStorage.clear()
    document.body.innerHTML = ''
  })

  async function submitLogin(username: string, password: string): Promise<void> {
    await wrapper.find('input[placeholder="用户名"]').setValue(username)
    await wrapper.find('input[placeholder="密码"]').setValue(password)
    await wrapper.find('form').trigger('submit')
    await settle()
  }

  it('shows the server’s message for a refused login (lockout included) and clears the password', async () => {
    await open('/officers')
    expect(router.currentRoute.value.name).toBe('login')
    expect(wrapper.text()).toContain('山东省行政执法证件管理信息系统')

    await submitLogin('jinan_reviewer', 'wrong')
    expect(wrapper.find('[data-testid="login-error"]').text()).toBe('用户名或密码错误')
    expect((wrapper.find('input[placeholder="密码"]').element as HTMLInputElement).value).toBe('')

    fetch.on('/api/v1/auth/login', () =>
      problem(423, { detail: '登录失败次数过多，账户已锁定，请 15 分钟后再试或联系管理员解锁', code: 'account_locked' }),
    )
    await submitLogin('jinan_reviewer', 'wrong')
    expect(wrapper.find('[data-testid="login-error"]').text()).toBe(
      '登录失败次数过多，账户已锁定，请 15 分钟后再试或联系管理员解锁',
    )
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('signs in, goes back to the requested page and remembers the username when asked', async () => {
    await open('/officers?name=王')
    await wrapper.find('.el-checkbox').trigger('click')
    await submitLogin('jinan_reviewer', 'Demo@2026')
    await vi.waitFor(
      () => expect(router.currentRoute.value).toMatchObject({ name: 'officers', query: { name: '王' } }),
      { timeout: 5000 },
    )
    expect(localStorage.getItem('lecms.username')).toBe('jinan_reviewer')
    expect(JSON.stringify(localStorage)).not.toContain('Demo@2026')
    await settle()
    expect(wrapper.find('[data-testid="user-name"]').text()).toBe('济南市司法局审核员')
  })

  it('forces 修改密码 after a login with an initial password, with the policy and field errors on the inputs', async () => {
    server.me = reviewerMe({ user: { ...reviewerMe().user, must_change_password: true } })
    fetch.on('/api/v1/auth/password', async (_u, req) => {
      const body = (await req.json()) as { new_password: string }
      if (body.new_password === 'weak') {
        return problem(400, {
          detail: '请求参数有误：密码至少 8 位；密码须包含大写字母、小写字母、数字、符号中的至少 3 类',
          code: 'invalid',
          errors: [
            { field: 'new_password', rule: 'min_length', message: '密码至少 8 位' },
            { field: 'new_password', rule: 'classes', message: '密码须包含大写字母、小写字母、数字、符号中的至少 3 类' },
          ],
        })
      }
      server.me = reviewerMe()
      return new Response(null, { status: 204 })
    })
    await open('/login')
    await submitLogin('jinan_reviewer', 'Demo@2026')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('change-password'), { timeout: 5000 })
    await settle()
    // The policy as the server publishes it (this province: 10 characters, 30-minute lockout).
    const policy = wrapper.find('[data-testid="password-policy"]').text()
    expect(policy).toContain('长度至少 10 位')
    expect(policy).toContain('不能与最近 5 次使用过的密码相同')
    expect(policy).toContain('连续 5 次输错密码，账户将锁定 30 分钟')
    expect(wrapper.text()).toContain('须修改密码后才能继续使用系统')
    expect(wrapper.find('.side-menu').exists()).toBe(false)

    const fill = async (next: string) => {
      await wrapper.find('input[placeholder="当前使用的密码（初始密码）"]').setValue('Demo@2026')
      await wrapper.find('input[placeholder="新密码"]').setValue(next)
      await wrapper.find('input[placeholder="再次输入新密码"]').setValue(next)
      await wrapper.find('form').trigger('submit')
      await settle()
    }
    await fill('weak')
    const item = wrapper.findAll('.password-form .el-form-item').find((i) => i.text().startsWith('新密码'))!
    await vi.waitFor(() =>
      expect(item.find('.el-form-item__error').text()).toBe(
        '密码至少 8 位；密码须包含大写字母、小写字母、数字、符号中的至少 3 类',
      ),
    )

    await fill('Str0ng#2026')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('officers'), { timeout: 5000 })
    expect(ElMessage.success).toHaveBeenCalledWith(expect.objectContaining({ message: '密码修改成功' }))
    expect(useAuthStore(pinia).mustChangePassword).toBe(false)
  })
})
