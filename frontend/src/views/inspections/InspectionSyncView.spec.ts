import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { getActivePinia } from 'pinia'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { user } from '@/test/auth'
import { cardTestEnv, issuerMe } from '@/test/cardSetup'
import { json, type FetchMock } from '@/test/fetchMock'
import InspectionSyncView from './InspectionSyncView.vue'
import { localToday, roundPassed } from './useInspectionSync'

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

function app(over: Record<string, unknown> = {}) {
  return {
    id: 7,
    kind: 'inspection',
    state: 'legal_approved',
    officer_id: 70,
    officer_name: '王小明',
    officer_code: '3701020011',
    unit_id: 3,
    unit_name: '济南市历下区城市管理局',
    region_code: '370102',
    cert_no: '370102ZF000913',
    cert_type: 'law_enforcement',
    certificate_id: 9,
    round_year: 2025,
    round_due_on: '2099-01-06',
    applicant_id: 1,
    applicant_name: 'lixia_operator',
    id_number_masked: '370102********0011',
    reason: '',
    returned_comment: '',
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-02T00:00:00Z',
    version: 3,
    ...over,
  }
}

function listRoutes(items: unknown[]) {
  return {
    '/api/v1/applications': () => json({ items }),
    '/api/v1/applications/count': () => json({ total: items.length }),
  }
}

async function open(fetchEnv: Promise<{ fetch: FetchMock }>): Promise<FetchMock> {
  const { fetch } = await fetchEnv
  wrapper = mount(InspectionSyncView, { global: { plugins: [getActivePinia()!] }, attachTo: document.body })
  await settle()
  return fetch
}

describe('同步年检 list', () => {
  it('lists the legally approved inspections of the whole province for the card issuer', async () => {
    const fetch = await open(cardTestEnv({ routes: listRoutes([app(), app({ id: 8, officer_name: '李四', round_due_on: '2000-01-01' })]) }))
    const q = fetch.to('/api/v1/applications')[0]!.searchParams
    expect(Object.fromEntries(q)).toMatchObject({ kind: 'inspection', state: 'legal_approved' })
    expect(q.has('same_level')).toBe(false)
    const rows = wrapper!.findAll('.sync-row')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.find('td.col-state').text()).toBe('待同步芯片')
    expect(rows[1]!.find('td.col-state').text()).toBe('已过本次年审日期')
    expect(wrapper!.get('[data-testid="sync-total"]').text()).toBe('共 2 人')
  })

  it('narrows a legal office to its own level, and explains the stale tab: 只能注销', async () => {
    const me = issuerMe({
      user: user({ id: 4, username: 'lixia_reviewer', role: 'legal_reviewer', scope: '370102' }),
      permissions: ['officer:read', 'application:read', 'certificate:sync', 'card_agent:read'],
    })
    const fetch = await open(cardTestEnv({ me, routes: listRoutes([]) }))
    expect(fetch.to('/api/v1/applications')[0]!.searchParams.get('same_level')).toBe('true')
    fetch.on('/api/v1/applications', () => json({ items: [app({ state: 'stale' })] }))
    await wrapper!.findAll('.el-tabs__item').find((t) => t.text().includes('已过期'))!.trigger('click')
    await settle()
    expect(fetch.to('/api/v1/applications').at(-1)!.searchParams.get('state')).toBe('stale')
    expect(wrapper!.text()).toContain('只能将原证件注销后重新申请办证')
    expect(wrapper!.get('.sync-row td.col-state').text()).toContain('已过期')
    expect(wrapper!.get('.sync-row td.col-state').text()).toContain('只能注销')
    expect(wrapper!.find('[data-testid="sync-button"]').exists()).toBe(false)
  })

  it('knows when a round has passed', () => {
    expect(localToday(new Date(2026, 10, 27))).toBe('2026-11-27')
    expect(roundPassed({ round_due_on: '2026-11-26' }, '2026-11-27')).toBe(true)
    expect(roundPassed({ round_due_on: '2026-11-27' }, '2026-11-27')).toBe(false)
    expect(roundPassed({ round_due_on: null }, '2026-11-27')).toBe(false)
  })
})
