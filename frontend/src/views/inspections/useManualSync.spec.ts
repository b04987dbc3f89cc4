import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { application } from '@/test/applicationFixtures'
import { cardTestEnv } from '@/test/cardSetup'
import { json, problem } from '@/test/fetchMock'
import { MANUAL_SYNC_DISABLED, isSynced, reasonError, syncStateText } from './manualSync'
import { useManualSync } from './useManualSync'

beforeEach(() => setActivePinia(createPinia()))

afterEach(() => {
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
})

const insp = () => application({ id: 7, kind: 'inspection', state: 'legal_approved', cert_no: '370102ZF000913', round_due_on: '2026-12-31' })

function result(over: Record<string, unknown> = {}) {
  return {
    application_id: 7,
    application_state: 'legal_approved',
    certificate_id: 9,
    cert_no: '370102ZF000913',
    cert_state: 'active',
    chip_uid: 'A1B2C3D4',
    issued_on: null,
    last_inspected_on: '2026-12-31',
    next_due_on: '2028-12-31',
    next_step: 'sticker',
    notice: '',
    ...over,
  }
}

describe('manual sync rules', () => {
  it('requires a reason of at most 500 characters', () => {
    expect(reasonError('  ')).toBe('请填写手工同步原因')
    expect(reasonError('芯'.repeat(501))).toBe('手工同步原因最多 500 字')
    expect(reasonError('芯'.repeat(500))).toBe('')
  })

  it('reads step 4 from the row’s chip facts', () => {
    const a = insp()
    expect(isSynced(a)).toBe(false)
    expect(syncStateText(a)).toBe('待同步芯片')
    const m = { ...a, chip: { ...a.chip, synced_at: '2026-11-20T00:00:00Z', sync_method: 'manual' as const } }
    expect(isSynced(m)).toBe(true)
    expect(syncStateText(m)).toBe('已手工同步，待更换标签')
  })
})

describe('useManualSync', () => {
  it('records step 4 with the reason, then the sticker completes the inspection', async () => {
    const bodies: unknown[] = []
    const { fetch } = await cardTestEnv({
      routes: {
        '/api/v1/inspections/sync-policy': () => json({ manual_chip_sync: true }),
        '/api/v1/inspections/7/manual-sync': async (_u, req) => {
          bodies.push(await req.json())
          return json(result())
        },
        '/api/v1/inspections/7/sticker': () => json(result({ application_state: 'completed', next_step: '' })),
      },
    })
    const m = useManualSync()
    await m.loadPolicy()
    expect(m.allowed.value).toBe(true)
    expect(m.blocker.value).toBe('')
    m.open(insp())
    // No reason: refused here, nothing sent.
    expect(await m.submit()).toBe(false)
    expect(m.reasonMessage.value).toBe('请填写手工同步原因')
    expect(fetch.to('/api/v1/inspections/7/manual-sync')).toHaveLength(0)
    m.reason.value = '  芯片损坏无法读写  '
    await nextTick()
    expect(m.reasonMessage.value).toBe('')
    expect(await m.submit()).toBe(true)
    expect(bodies).toEqual([{ reason: '芯片损坏无法读写' }])
    expect(m.step.value).toBe('sticker')
    expect(m.result.value).toMatchObject({ next_due_on: '2028-12-31' })
    expect(await m.confirmSticker()).toBe(true)
    expect(m.step.value).toBe('done')
    expect(m.stickerDone.value).toMatchObject({ application_state: 'completed' })
  })

  it('shows the server’s refusal when the province turned manual sync off, and follows it', async () => {
    await cardTestEnv({
      routes: {
        '/api/v1/inspections/sync-policy': () => json({ manual_chip_sync: true }),
        '/api/v1/inspections/7/manual-sync': () =>
          problem(422, {
            detail: '本省不允许手工同步年检，请使用读卡器同步芯片',
            code: 'rule_violated',
            errors: [{ field: 'application', rule: 'manual_sync_disabled', message: '本省不允许手工同步年检，请使用读卡器同步芯片' }],
          }),
      },
    })
    const m = useManualSync()
    await m.loadPolicy()
    m.open(insp())
    m.reason.value = '芯片损坏'
    expect(await m.submit()).toBe(false)
    expect(m.step.value).toBe('reason')
    expect(m.error.value).toContain('本省不允许手工同步年检')
    expect(m.allowed.value).toBe(false)
    expect(m.blocker.value).toBe(MANUAL_SYNC_DISABLED)
  })

  it('knows from the API when the province does not allow it, and that only card issuers may', async () => {
    const { fetch } = await cardTestEnv({ routes: { '/api/v1/inspections/sync-policy': () => json({ manual_chip_sync: false }) } })
    const m = useManualSync()
    await m.loadPolicy()
    expect(m.blocker.value).toBe(MANUAL_SYNC_DISABLED)
    expect(fetch.to('/api/v1/inspections/sync-policy')).toHaveLength(1)
  })

  it('goes to the sticker when step 4 was recorded meanwhile', async () => {
    await cardTestEnv({
      routes: {
        '/api/v1/inspections/7/manual-sync': () =>
          problem(409, {
            detail: '芯片已同步，请更换有效期标签（第五步）',
            code: 'conflict',
            errors: [{ field: 'application', rule: 'synced', message: '芯片已同步，请更换有效期标签（第五步）' }],
          }),
      },
    })
    const m = useManualSync()
    m.open(insp())
    m.reason.value = '芯片损坏'
    expect(await m.submit()).toBe(true)
    expect(m.step.value).toBe('sticker')
  })
})
