import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { getActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ElMessage, ElMessageBox } from 'element-plus'
import { routes } from '@/router'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { cardTestEnv, until } from '@/test/cardSetup'
import { json, problem } from '@/test/fetchMock'
import ProductionView from './ProductionView.vue'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
  document.body.innerHTML = ''
})

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

const jinan = { city_code: '370100', city_name: '济南市', count: 3, oldest: '2026-11-20T02:00:00Z' }

describe('制证批次', () => {
  it('makes a batch of a city’s queue with the count the issuer saw, then opens it', async () => {
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close() {} }) as never)
    const bodies: unknown[] = []
    await cardTestEnv({
      routes: {
        '/api/v1/production/queue': () => json([jinan]),
        '/api/v1/production/batches': async (_u, req) => {
          if (req.method === 'POST') {
            bodies.push(await req.json())
            return json({ id: 12, count: 3, ids: [1, 2, 3] }, 201)
          }
          return json({ items: [{ id: 11, city_code: '370200', city_name: '青岛市', item_count: 2, pending: 1, written: 1, issued: 0, created_by: 'card_issuer', created_at: '2026-11-20T02:00:00Z' }] })
        },
      },
    })
    const router = createRouter({ history: createMemoryHistory(), routes })
    await router.push('/production')
    wrapper = mount(ProductionView, { global: { plugins: [getActivePinia()!, router] }, attachTo: document.body })
    await settle()
    const row = wrapper.get('.queue-row')
    expect(row.text()).toContain('济南市')
    expect(row.get('td.col-count').text()).toBe('3 份')
    expect(wrapper.get('.batch-row').text()).toContain('青岛市')
    expect(wrapper.get('.batch-row').text()).toContain('已写卡 1')

    await row.get('[data-testid="create-batch"]').trigger('click')
    await settle()
    expect(bodies).toEqual([{ city: '370100', expected_count: 3 }])
    // The batch page loads lazily.
    await until(() => router.currentRoute.value.fullPath === '/production/batches/12', 'the batch page', 10_000)
  })

  it('reloads the queue when it changed meanwhile (409)', async () => {
    vi.spyOn(ElMessageBox, 'confirm').mockResolvedValue('confirm' as never)
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    const { fetch } = await cardTestEnv({
      routes: {
        '/api/v1/production/queue': () => json([jinan]),
        '/api/v1/production/batches': (_u, req) =>
          req.method === 'POST'
            ? problem(409, { detail: '待制证申请已变化（您看到 3 条，现在为 4 条），请刷新后重新操作', code: 'conflict' })
            : json({ items: [] }),
      },
    })
    const router = createRouter({ history: createMemoryHistory(), routes })
    await router.push('/production')
    wrapper = mount(ProductionView, { global: { plugins: [getActivePinia()!, router] }, attachTo: document.body })
    await settle()
    await wrapper.get('[data-testid="create-batch"]').trigger('click')
    await settle()
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '待制证申请已变化（您看到 3 条，现在为 4 条），请刷新后重新操作' }))
    expect(fetch.to('/api/v1/production/queue')).toHaveLength(2)
    expect(router.currentRoute.value.fullPath).toBe('/production')
  })
})
