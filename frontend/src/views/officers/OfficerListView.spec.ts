import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { ElMessage } from 'element-plus'
import App from '@/App.vue'
import { installAuthGuards, routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { reviewerMe, sessionServer } from '@/test/auth'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { officer, regionTree, unit } from '@/test/fixtures'
import { DUE_LEGEND } from './dueState'

const LIST = '/api/v1/officers'
const COUNT = '/api/v1/officers/count'

const rows = [
  officer({ name: '王一', due_state: 'ok' }),
  officer({ name: '王二', due_state: 'due_soon', next_due_on: '2026-07-01' }),
  officer({ name: '王三', due_state: 'overdue', next_due_on: '2025-01-01' }),
  ...Array.from({ length: 22 }, () => officer()),
]

function pagedList(url: URL): Response {
  const limit = Number(url.searchParams.get('limit'))
  const due = url.searchParams.get('due_state')
  const all = due ? rows.filter((r) => r.due_state === due) : rows
  const start = Number(url.searchParams.get('cursor') ?? 0)
  const next = start + limit < all.length ? String(start + limit) : undefined
  return json({ items: all.slice(start, start + limit), ...(next ? { next_cursor: next } : {}) })
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

describe('OfficerListView', () => {
  let fetch: FetchMock
  let router: Router
  let pinia: Pinia
  let wrapper: VueWrapper

  /** Opens a page as a signed-in legal reviewer (the session is restored from the refresh cookie). */
  async function open(path: string): Promise<void> {
    pinia = createPinia()
    router = createRouter({ history: createMemoryHistory(), routes })
    installAuthGuards(router, pinia)
    await router.push(path)
    await router.isReady()
    wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await settle()
  }

  const bodyRows = () => wrapper.findAll('.officer-table .el-table__body tr.el-table__row')

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    fetch = mockFetch({
      ...sessionServer(reviewerMe()).routes,
      '/api/v1/regions': () => json(regionTree),
      '/api/v1/units': () => json({ items: [unit] }),
      [LIST]: pagedList,
      [COUNT]: () => json({ total: rows.length }),
    })
  })
  afterEach(() => {
    wrapper?.unmount()
    useAuthStore(pinia).dispose()
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('renders the layout, legend, rows with due colours and the total', async () => {
    await open('/officers')
    expect(wrapper.text()).toContain('山东省行政执法证件管理信息系统')
    expect(wrapper.find('[data-testid="due-legend"]').text().replace(/\s/g, '')).toBe(DUE_LEGEND)
    const menu = wrapper.find('.side-menu').text()
    expect(menu).toContain('档案管理')
    // 系统管理 (用户管理, 审计日志) needs user:read / audit:read, which a reviewer does not hold.
    expect(menu).not.toContain('系统管理')
    // Entries without a page yet are disabled and say so.
    for (const item of wrapper.findAll('.side-menu .el-menu-item.is-disabled')) expect(item.text()).toContain('即将上线')
    expect(wrapper.find('[data-testid="user-name"]').text()).toBe('济南市司法局审核员')
    // The API calls carry the access token the refresh (page load) handed out.
    expect(fetch.requestsTo(LIST)[0]!.headers.get('Authorization')).toBe('Bearer tok-1')
    expect(fetch.requestsTo('/api/v1/auth/refresh')).toHaveLength(1)

    const tr = bodyRows()
    expect(tr).toHaveLength(20)
    expect(tr[0]!.text()).toContain('王一')
    expect(tr[0]!.text()).toContain('370102********123X')
    expect(tr[0]!.classes()).not.toContain('due-soon')
    expect(tr[1]!.classes()).toContain('due-soon')
    expect(tr[1]!.find('.col-due-state').text()).toBe('即将到期')
    expect(tr[2]!.classes()).toContain('overdue')
    expect(tr[2]!.find('.col-due-state').text()).toBe('已超期')
    expect(wrapper.find('[data-testid="officer-total"]').text()).toBe(`共 ${rows.length} 人`)
  })

  it('applies filters from the URL and keeps them in the URL', async () => {
    await open('/officers?due_state=overdue&size=50')
    expect(fetch.to(LIST)[0]!.searchParams.get('due_state')).toBe('overdue')
    expect(fetch.to(LIST)[0]!.searchParams.get('limit')).toBe('50')
    expect(fetch.to(COUNT)[0]!.searchParams.get('due_state')).toBe('overdue')
    expect(bodyRows()).toHaveLength(1)

    await wrapper.find('input[placeholder="姓名（前缀匹配）"]').setValue('王')
    await wrapper.find('form').trigger('submit')
    await settle()
    expect(router.currentRoute.value.query).toEqual({ due_state: 'overdue', name: '王', size: '50' })
    expect(fetch.to(LIST).at(-1)!.searchParams.get('name')).toBe('王')
  })

  it('pages with 下一页 / 上一页', async () => {
    await open('/officers')
    const buttons = () => wrapper.findAll('.keyset-pager button')
    const prev = () => buttons().find((b) => b.text().includes('上一页'))!
    const next = () => buttons().find((b) => b.text().includes('下一页'))!
    expect(prev().attributes('disabled')).toBeDefined()

    await next().trigger('click')
    await settle()
    expect(wrapper.find('[data-testid="page-number"]').text()).toBe('第 2 页')
    expect(bodyRows()).toHaveLength(5)
    expect(next().attributes('disabled')).toBeDefined()

    await prev().trigger('click')
    await settle()
    expect(wrapper.find('[data-testid="page-number"]').text()).toBe('第 1 页')
    expect(bodyRows()[0]!.text()).toContain('王一')
  })

  it('opens the details drawer on double click', async () => {
    await open('/officers')
    await bodyRows()[2]!.trigger('dblclick')
    await settle()
    const drawer = document.querySelector('.officer-drawer')
    expect(drawer).not.toBeNull()
    expect(drawer!.textContent).toContain('王三 - 人员详情')
    expect(drawer!.querySelector('[data-testid="detail-due-state"]')!.textContent!.trim()).toBe('已超期')
    expect(drawer!.textContent).toContain('山东省 / 济南市') // region path from the tree
  })

  it('shows the problem detail and a retry button when loading fails', async () => {
    fetch.on(LIST, () => problem(503, { detail: '数据库暂时不可用', code: 'db_unavailable', request_id: 'rq-9' }))
    await open('/officers')
    const err = wrapper.find('[data-testid="list-error"]')
    expect(err.exists()).toBe(true)
    expect(err.text()).toContain('加载失败')
    expect(err.text()).toContain('数据库暂时不可用')
    expect(err.text()).toContain('rq-9')
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '数据库暂时不可用' }))

    fetch.on(LIST, pagedList)
    await err.find('button').trigger('click')
    await settle()
    expect(wrapper.find('[data-testid="list-error"]').exists()).toBe(false)
    expect(bodyRows()).toHaveLength(20)
  })

  it('puts server field errors on the filter they name', async () => {
    const invalid = () =>
      problem(400, {
        detail: '请求参数有误',
        code: 'invalid',
        errors: [{ field: 'id_number', rule: 'length', message: '身份证号应为18位' }],
      })
    fetch.on(LIST, invalid)
    fetch.on(COUNT, invalid)
    await open('/officers?id_number=123')
    const item = wrapper.findAll('.filters .el-form-item').find((i) => i.text().includes('身份证号'))!
    await vi.waitFor(() => expect(item.find('.el-form-item__error').text()).toBe('身份证号应为18位'))
    expect(wrapper.find('[data-testid="list-error"]').text()).toContain('请求参数有误：身份证号应为18位')
    expect(wrapper.find('[data-testid="officer-total"]').text()).toBe('共 — 人')
  })

  it('shows an empty state in Chinese', async () => {
    fetch.on(LIST, () => json({ items: [] }))
    fetch.on(COUNT, () => json({ total: 0 }))
    await open('/officers?name=无此人')
    expect(wrapper.find('[data-testid="list-empty"]').text()).toContain('没有符合条件的执法人员')
    expect(wrapper.find('[data-testid="officer-total"]').text()).toBe('共 0 人')
  })
})
