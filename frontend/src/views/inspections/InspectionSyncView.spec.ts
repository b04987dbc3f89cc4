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
    chip: { uid: 'A1B2C3D4', written_at: null, synced_at: null, sync_method: '', next_due_on: null, sticker_at: null },
    ...over,
  }
}

function listRoutes(items: unknown[], manualChipSync = true) {
  return {
    '/api/v1/applications': () => json({ items }),
    '/api/v1/applications/count': () => json({ total: items.length }),
    '/api/v1/inspections/sync-policy': () => json({ manual_chip_sync: manualChipSync }),
  }
}

const synced = (method: 'chip' | 'manual') => ({
  uid: 'A1B2C3D4',
  written_at: method === 'chip' ? '2026-11-20T02:00:00Z' : null,
  synced_at: '2026-11-20T02:00:00Z',
  sync_method: method,
  next_due_on: '2101-01-06',
  sticker_at: null,
})

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

  it('shows what the server says of step 4: synced rows offer only the sticker, with the recorded date', async () => {
    const fetch = await open(
      cardTestEnv({
        routes: listRoutes([
          app(),
          app({ id: 8, officer_name: '李四', chip: synced('chip') }),
          app({ id: 9, officer_name: '赵六', chip: synced('manual') }),
        ]),
      }),
    )
    const rows = wrapper!.findAll('.sync-row')
    expect(rows.map((r) => r.find('td.col-state').text())).toEqual(['待同步芯片', '芯片已同步，待更换标签', '已手工同步，待更换标签'])
    expect(rows[0]!.find('td.col-chip-uid').text()).toBe('A1B2C3D4')
    expect(rows[0]!.find('[data-testid="sync-button"]').exists()).toBe(true)
    expect(rows[1]!.find('[data-testid="sync-button"]').exists()).toBe(false)
    expect(rows[1]!.find('[data-testid="manual-sync-button"]').exists()).toBe(false)
    // 更换标签 goes straight to the sticker with the recorded date: no timeline, no card.
    await rows[1]!.get('[data-testid="sticker-button"]').trigger('click')
    await settle()
    const dialog = document.querySelector('[data-testid="chip-sticker"]')
    expect(dialog?.textContent).toContain('请更换有效期标签')
    expect(document.querySelector('[data-testid="sticker-date"]')?.textContent).toBe('2101-01-06')
    expect(fetch.calls.some((u) => u.pathname.includes('timeline') || u.pathname.includes('/ticket'))).toBe(false)
  })

  it('offers 手工同步 to the card issuer where the province allows it, and says why not where it does not', async () => {
    await open(cardTestEnv({ routes: listRoutes([app()]) }))
    const button = wrapper!.get('[data-testid="manual-sync-button"]')
    expect(button.attributes('disabled')).toBeUndefined()
    wrapper!.unmount()
    document.body.innerHTML = ''

    const fetch = await open(cardTestEnv({ routes: listRoutes([app()], false) }))
    expect(fetch.to('/api/v1/inspections/sync-policy')).toHaveLength(1)
    expect(wrapper!.get('[data-testid="manual-sync-button"]').attributes('disabled')).toBeDefined()
  })

  it('hides 手工同步 from legal offices (no certificate:manual_sync) and does not ask for the policy', async () => {
    const me = issuerMe({
      user: user({ id: 4, username: 'lixia_reviewer', role: 'legal_reviewer', scope: '370102' }),
      permissions: ['officer:read', 'application:read', 'certificate:sync', 'card_agent:read'],
    })
    const fetch = await open(cardTestEnv({ me, routes: listRoutes([app()]) }))
    expect(wrapper!.find('[data-testid="manual-sync-button"]').exists()).toBe(false)
    expect(fetch.to('/api/v1/inspections/sync-policy')).toHaveLength(0)
  })

  it('knows when a round has passed', () => {
    expect(localToday(new Date(2026, 10, 27))).toBe('2026-11-27')
    expect(roundPassed({ round_due_on: '2026-11-26' }, '2026-11-27')).toBe(true)
    expect(roundPassed({ round_due_on: '2026-11-27' }, '2026-11-27')).toBe(false)
    expect(roundPassed({ round_due_on: null }, '2026-11-27')).toBe(false)
  })
})
