import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import type { WriteTicket } from '@/api/production'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { cardTestEnv, until, type CardTestEnv } from '@/test/cardSetup'
import { blankRead, writeOk, writtenRead } from '@/test/fakeAgent'
import { json, problem } from '@/test/fetchMock'
import { inspectionApi, issuanceApi, type ChipApi } from './chipApi'
import { useChipWrite, verifyRows, type ChipTarget } from './useChipWrite'

const UID = '5C1D2E3F'
const CERT = '370102ZF000913'

const target: ChipTarget = { applicationId: 7, officerId: 70, officerName: '王小明', certNo: CERT, unitName: '济南市历下区城市管理局' }

function ticket(over: Partial<WriteTicket> = {}): WriteTicket {
  return {
    application_id: 7,
    purpose: 'issue',
    ticket: 'TICKET-1',
    record: 'UkVDT1JE',
    cert_no: CERT,
    officer_name: '王小明',
    unit_name: '济南市历下区城市管理局',
    card_uid: UID,
    seq: 1,
    valid_until: '2028-11-26',
    last_inspection: '2026-11-26',
    expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
    device_key_id: '80f893b4d97acb00',
    notice: '请核对卡面',
    ...over,
  }
}

function result(over: Record<string, unknown> = {}) {
  return {
    application_id: 7,
    application_state: 'completed',
    certificate_id: 9,
    cert_no: CERT,
    cert_state: 'active',
    chip_uid: UID,
    issued_on: '2026-11-26',
    last_inspected_on: '2026-11-26',
    next_due_on: '2028-11-26',
    next_step: '',
    notice: '',
    ...over,
  }
}

let scope: ReturnType<typeof effectScope> | undefined

function start(api: ChipApi) {
  scope = effectScope()
  const chip = scope.run(() => useChipWrite(api))!
  return chip
}

afterEach(() => {
  scope?.stop()
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('useChipWrite: a new card (写卡)', () => {
  async function env(): Promise<CardTestEnv & { tickets: unknown[]; receipts: unknown[] }> {
    const tickets: unknown[] = []
    const receipts: unknown[] = []
    const e = await cardTestEnv({
      routes: {
        '/api/v1/production/items/7/ticket': async (_u, req) => {
          tickets.push(await req.json())
          return json(ticket(), 201)
        },
        '/api/v1/production/items/7/receipt': async (_u, req) => {
          receipts.push(await req.json())
          return json(result())
        },
      },
    })
    return { ...e, tickets, receipts }
  }

  it('waits for the card, gets the ticket, writes, sends the receipt and verifies the card', async () => {
    const e = await env()
    let written = false
    e.agent.handlers.read_card = () => ({
      result: written ? writtenRead({ certNo: CERT, name: '王小明', validUntil: '2028-11-26', lastInspection: '2026-11-26' }) : blankRead(UID),
    })
    e.agent.handlers.issue_card = (p) => {
      expect(p).toEqual({ ticket: 'TICKET-1', record: 'UkVDT1JE', reader: 'Virtual PCD 00 00' })
      written = true
      return { result: writeOk(UID) }
    }
    e.agent.handlers.beep = () => ({ result: {} })
    const chip = start(issuanceApi)
    await chip.start(target)
    await until(() => chip.step.value === 'place', 'place')
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'confirm', 'confirm')
    expect(e.tickets).toEqual([{ card_uid: UID, device_key_id: e.agent.deviceKeyId }])
    expect(chip.ticket.value).toMatchObject({ cert_no: CERT, valid_until: '2028-11-26' })

    await chip.write()
    expect(chip.step.value).toBe('done')
    expect(e.receipts).toEqual([{ receipt: 'receipt-1' }])
    expect(chip.result.value).toMatchObject({ cert_state: 'active', next_due_on: '2028-11-26' })
    expect(chip.verify.value!.every((r) => r.ok)).toBe(true)
    expect(e.agent.sent('beep').map((m) => m.params!.pattern)).toEqual(['ok'])
  })

  it('refuses a card holding another certificate before asking the server, and reads the next card by itself', async () => {
    const e = await env()
    let current = writtenRead({ uid: 'AAAA0000', certNo: '370000ZF000001', name: '李四', validUntil: '2027-01-01', lastInspection: '2025-01-01' })
    e.agent.handlers.read_card = () => ({ result: current })
    e.agent.handlers.beep = () => ({ result: {} })
    const chip = start(issuanceApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: 'AAAA0000', profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'failed', 'failed')
    expect(chip.failure.value).toMatchObject({ code: 'card_not_blank', title: '该卡片已写有其他证件的记录', retry: 'new' })
    expect(chip.failure.value!.detail).toContain('李四（370000ZF000001）')
    expect(e.tickets).toEqual([])
    expect(e.agent.sent('beep').map((m) => m.params!.pattern)).toEqual(['error'])

    current = blankRead(UID)
    e.agent.remove()
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'confirm', 'confirm with the new card')
  })

  it('keeps the ticket after card_removed and writes with it once the card is back', async () => {
    const e = await env()
    e.agent.handlers.read_card = () => ({ result: blankRead(UID) })
    e.agent.handlers.beep = () => ({ result: {} })
    let attempts = 0
    e.agent.handlers.issue_card = () => {
      attempts++
      if (attempts === 1) {
        e.agent.remove()
        return { error: { code: 'card_removed' } }
      }
      return { result: writeOk(UID) }
    }
    const chip = start(issuanceApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'confirm', 'confirm')
    await chip.write()
    expect(chip.step.value).toBe('failed')
    expect(chip.failure.value).toMatchObject({ stage: 'write', code: 'card_removed', retry: 'same', title: '读写过程中卡片被移开' })
    const retrying = chip.retry()
    await until(() => chip.step.value === 'place', 'place again')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await retrying
    await until(() => chip.step.value !== 'writing' && chip.step.value !== 'receipt' && chip.step.value !== 'verifying', 'written')
    expect(e.tickets).toHaveLength(1) // the same ticket
    expect(e.agent.sent('issue_card').map((m) => m.params!.ticket)).toEqual(['TICKET-1', 'TICKET-1'])
    expect(e.receipts).toEqual([{ receipt: 'receipt-1' }])
  })

  it('shows the server’s refusal of the ticket', async () => {
    const e = await env()
    e.fetch.on('/api/v1/production/items/7/ticket', () =>
      problem(422, {
        detail: '该读卡客户端未登记，请先由制证员或管理员登记其设备密钥',
        code: 'rule_violated',
        errors: [{ field: 'agent_id', rule: 'agent_not_registered', message: '该读卡客户端未登记，请先由制证员或管理员登记其设备密钥' }],
      }),
    )
    e.agent.handlers.read_card = () => ({ result: blankRead(UID) })
    e.agent.handlers.beep = () => ({ result: {} })
    const chip = start(issuanceApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'failed', 'failed')
    expect(chip.failure.value).toMatchObject({
      stage: 'ticket',
      title: '服务器未签发写卡凭据',
      detail: '该读卡客户端未登记，请先由制证员或管理员登记其设备密钥',
      code: 'agent_not_registered',
      retry: 'new',
    })
  })
})

describe('useChipWrite: a disabled card agent', () => {
  it('shows the refused receipt, and sends the same receipt again once the agent is enabled', async () => {
    const msg = '读卡客户端“制证室 1 号机”已于 2026-11-27 10:00 由 card_issuer 停用（原因：设备丢失），其写卡回执不予接受：请换用其他读卡客户端重新写卡'
    let enabled = false
    const receipts: unknown[] = []
    const e = await cardTestEnv({
      routes: {
        '/api/v1/production/items/7/ticket': () => json(ticket(), 201),
        '/api/v1/production/items/7/receipt': async (_u, req) => {
          receipts.push(await req.json())
          if (!enabled) {
            return problem(422, { detail: msg, code: 'rule_violated', errors: [{ field: 'receipt', rule: 'agent_disabled', message: msg }] })
          }
          return json(result())
        },
      },
    })
    let written = false
    e.agent.handlers.read_card = () => ({
      result: written ? writtenRead({ certNo: CERT, name: '王小明', validUntil: '2028-11-26', lastInspection: '2026-11-26' }) : blankRead(UID),
    })
    e.agent.handlers.issue_card = () => {
      written = true
      return { result: writeOk(UID) }
    }
    e.agent.handlers.beep = () => ({ result: {} })
    const chip = start(issuanceApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'confirm', 'confirm')
    await chip.write()
    expect(chip.failure.value).toMatchObject({ stage: 'receipt', code: 'agent_disabled', retry: 'same', title: '服务器未接受写卡回执' })
    expect(chip.failure.value!.detail).toContain('设备丢失')
    enabled = true
    await chip.retry()
    expect(chip.step.value).toBe('done')
    expect(receipts).toEqual([{ receipt: 'receipt-1' }, { receipt: 'receipt-1' }])
    expect(e.agent.sent('issue_card')).toHaveLength(1) // the card was written once
  })
})

describe('useChipWrite: an inspection (同步年检)', () => {
  const onCard = writtenRead({ certNo: CERT, name: '王小明', validUntil: '2026-12-31', lastInspection: '2024-12-31' })
  const synced = writtenRead({ certNo: CERT, name: '王小明', validUntil: '2028-12-31', lastInspection: '2026-12-31', seq: 2 })
  const syncTicket = ticket({ purpose: 'sync', seq: 2, valid_until: '2028-12-31', last_inspection: '2026-12-31' })

  async function env() {
    const tickets: unknown[] = []
    const e = await cardTestEnv({
      routes: {
        '/api/v1/inspections/7/ticket': async (_u, req) => {
          tickets.push(await req.json())
          return json(syncTicket, 201)
        },
        '/api/v1/inspections/7/receipt': () =>
          json(result({ application_state: 'legal_approved', last_inspected_on: '2026-12-31', next_due_on: '2028-12-31', next_step: 'sticker' })),
        '/api/v1/inspections/7/sticker': () => json(result({ last_inspected_on: '2026-12-31', next_due_on: '2028-12-31' })),
      },
    })
    e.agent.handlers.beep = () => ({ error: { code: 'not_supported' } })
    return { ...e, tickets }
  }

  it('syncs over the card’s record, then asks for the sticker, which completes the inspection', async () => {
    const e = await env()
    let done = false
    e.agent.handlers.read_card = () => ({ result: done ? synced : onCard })
    e.agent.handlers.sync_inspection = () => {
      done = true
      return { result: writeOk(UID, 2) }
    }
    const chip = start(inspectionApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'confirm', 'confirm')
    // The card's record goes to the server, which signs the next one over it.
    expect(e.tickets).toEqual([{ card_uid: UID, device_key_id: e.agent.deviceKeyId, card_record: 'TEMBAQCq' }])
    await chip.write()
    expect(chip.step.value).toBe('sticker')
    expect(chip.verify.value!.find((r) => r.label === '有效期至')).toMatchObject({ actual: '2028-12-31', ok: true })
    await chip.confirmSticker()
    expect(chip.step.value).toBe('done')
    expect(chip.stickerDone.value).toMatchObject({ next_due_on: '2028-12-31' })
    expect(e.fetch.to('/api/v1/inspections/7/sticker')).toHaveLength(1)
  })

  it('refuses another officer’s card and a blank card in Chinese', async () => {
    const e = await env()
    let card = writtenRead({ certNo: '370102ZF000001', name: '张三', validUntil: '2026-12-31', lastInspection: '2024-12-31' })
    e.agent.handlers.read_card = () => ({ result: card })
    const chip = start(inspectionApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'failed', 'failed')
    expect(chip.failure.value).toMatchObject({ code: 'wrong_card', title: '读卡器上的卡片不是该证件的卡片' })
    expect(chip.failure.value!.detail).toBe('卡内是 张三（370102ZF000001） 的记录，不是 王小明（370102ZF000913）：请放上正确的卡片')
    card = blankRead('11223344')
    e.agent.remove()
    e.agent.insert({ atr: '3B', uid: '11223344', profile: 'mifare-classic-1k' })
    await until(() => chip.failure.value?.code === 'record_missing', 'record missing')
    expect(chip.failure.value!.title).toBe('卡内没有有效记录，无法同步年检')
    expect(e.tickets).toEqual([])
  })

  it('shows a stale approval with the server’s message: it can only be cancelled', async () => {
    const e = await env()
    const msg = '该证件的年检审核已过期：审核通过后未在本年检周期内（2026-10-31 前）同步芯片，不能再进行年审，只能将原证件注销后重新申请办证'
    e.fetch.on('/api/v1/inspections/7/ticket', () =>
      problem(422, { detail: msg, code: 'rule_violated', errors: [{ field: 'application', rule: 'stale', message: msg }] }),
    )
    e.agent.handlers.read_card = () => ({ result: onCard })
    const chip = start(inspectionApi)
    await chip.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => chip.step.value === 'failed', 'failed')
    expect(chip.failure.value).toMatchObject({ code: 'stale', retry: 'none', detail: msg })
    expect(chip.failure.value!.detail).toContain('只能将原证件注销')
  })

  it('goes straight to the sticker when the row says step 4 is done, or when the server says so', async () => {
    const first = await env()
    const chip = start(inspectionApi)
    await chip.start({ ...target, synced: true })
    expect(chip.step.value).toBe('sticker')
    expect(chip.notice.value).toContain('请更换有效期标签')
    // Nothing is asked of the server or the card to know it.
    expect(first.fetch.calls.filter((c) => c.pathname.startsWith('/api/v1/inspections') || c.pathname.includes('timeline'))).toEqual([])
    expect(first.agent.sockets).toHaveLength(0)
    await chip.confirmSticker()
    expect(chip.step.value).toBe('done')
    scope!.stop()

    const e = await env()
    e.fetch.on('/api/v1/inspections/7/ticket', () =>
      problem(409, {
        detail: '芯片已同步，请更换有效期标签（第五步）',
        code: 'conflict',
        errors: [{ field: 'application', rule: 'synced', message: '芯片已同步，请更换有效期标签（第五步）' }],
      }),
    )
    e.agent.handlers.read_card = () => ({ result: synced })
    const again = start(inspectionApi)
    await again.start(target)
    await until(() => useCardAgentStore().ready, 'agent ready')
    e.agent.insert({ atr: '3B', uid: UID, profile: 'mifare-classic-1k' })
    await until(() => again.step.value === 'sticker', 'sticker')
    expect(again.notice.value).toBe('芯片已同步，请更换有效期标签（第五步）')
  })
})

describe('verifyRows', () => {
  it('flags what the card holds differently from the ticket', () => {
    const t = ticket()
    const card = writtenRead({ certNo: CERT, name: '王小明', validUntil: '2028-11-25', lastInspection: '2026-11-26' })
    const rows = verifyRows(t, { ...card, signature: 'invalid', uid_matches: false })
    expect(rows.filter((r) => !r.ok).map((r) => r.label)).toEqual(['有效期至', '签名', '卡片绑定'])
  })
})
