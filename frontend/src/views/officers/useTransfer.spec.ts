import { afterEach, describe, expect, it, vi } from 'vitest'
import type { OfficerProfile, TransferResult } from '@/api/records'
import { json, mockFetch, problem } from '@/test/fetchMock'
import { officer } from '@/test/fixtures'
import { toTransferBody, transferDoneText, transferProblems } from './transfer'
import { useTransfer } from './useTransfer'

function profile(over: Partial<OfficerProfile> = {}): OfficerProfile {
  return {
    ...officer({ id: 42, unit_id: 3, unit_name: '历下区城市管理局', area: '济南市历下区' }),
    version: 4,
    training_hours: 40,
    review_result: '',
    sanction_level: '',
    sanction_until: null,
    unit_dissolved: false,
    exams: [],
    photo: null,
    can_edit: false,
    open_application: null,
    locked_fields: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  }
}

const result: TransferResult = {
  id: 1,
  officer_id: 42,
  from_unit_id: 3,
  from_unit_name: '历下区城市管理局',
  to_unit_id: 9,
  to_unit_name: '济南市市场监督管理局',
  to_region_code: '370100',
  reason: '工作调动',
  actor_name: 'jinan_reviewer',
  at: '2026-11-26T02:00:00Z',
  renewal_application_ids: [77],
}

describe('transfer form', () => {
  it('checks the unit and the reason before sending', () => {
    expect(transferProblems({ unit_id: undefined, area: '', reason: ' ' }, 3)).toEqual({
      unit_id: '请选择调入单位',
      reason: '请填写调动原因',
    })
    expect(transferProblems({ unit_id: 3, area: '', reason: '调动' }, 3)).toEqual({ unit_id: '调入单位与现所在单位相同' })
    expect(transferProblems({ unit_id: 9, area: '', reason: '调动' }, 3)).toEqual({})
  })

  it('sends the version, and the area only when it changes', () => {
    expect(toTransferBody({ unit_id: 9, area: '济南市历下区', reason: ' 调动 ' }, 4, '济南市历下区')).toEqual({
      unit_id: 9,
      reason: '调动',
      version: 4,
    })
    expect(toTransferBody({ unit_id: 9, area: '济南市', reason: '调动' }, 4, '济南市历下区')).toMatchObject({ area: '济南市' })
  })

  it('says where the officer went and that a renewal waits for the new unit', () => {
    expect(transferDoneText('张三', result)).toBe(
      '「张三」已由「历下区城市管理局」调入「济南市市场监督管理局」；证件上的单位随之变更，已为其提交换发申请 1 项，待「济南市市场监督管理局」单位审核',
    )
    expect(transferDoneText('张三', { ...result, renewal_application_ids: [] })).toBe(
      '「张三」已由「历下区城市管理局」调入「济南市市场监督管理局」',
    )
  })
})

describe('useTransfer', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('loads the record, sends the move at its version and returns the result', async () => {
    let sent: unknown
    mockFetch({
      '/api/v1/officers/42/profile': () => json(profile()),
      '/api/v1/officers/42/transfer': async (_u, req) => {
        sent = await req.json()
        return json(result, 201)
      },
    })
    const t = useTransfer()
    expect(await t.load(42)).toBe(true)
    expect(t.form.area).toBe('济南市历下区')
    expect(t.blocked.value).toBeUndefined()
    expect(await t.submit()).toBeUndefined() // no unit, no reason: nothing sent
    expect(t.fieldErrors.value).toMatchObject({ unit_id: '请选择调入单位', reason: '请填写调动原因' })
    t.form.unit_id = 9
    t.form.reason = '工作调动'
    expect(await t.submit()).toEqual(result)
    expect(sent).toEqual({ unit_id: 9, reason: '工作调动', version: 4 })
  })

  it('is blocked by an application in progress, and shows the server’s refusals', async () => {
    mockFetch({
      '/api/v1/officers/42/profile': () =>
        json(profile({ open_application: { id: 5, kind: 'inspection', state: 'submitted', locks_printed_fields: true, reason: '…' } })),
    })
    const t = useTransfer()
    await t.load(42)
    expect(t.blocked.value).toBe('该人员有未办结的年检申请（待单位审核），须办结或撤回后才能调动')

    mockFetch({
      '/api/v1/officers/42/profile': () => json(profile()),
      '/api/v1/officers/42/transfer': () =>
        problem(422, {
          code: 'rule_violated',
          detail: '不能调动：行政执法证已超过年检期限（2026-10-01），只能注销后重新申请，请先注销证件再调动',
          errors: [{ field: 'officer', rule: 'overdue', message: '行政执法证已超过年检期限（2026-10-01），只能注销后重新申请，请先注销证件再调动' }],
        }),
    })
    await t.load(42)
    t.form.unit_id = 9
    t.form.reason = '调动'
    expect(await t.submit()).toBeUndefined()
    expect(t.generalError.value).toContain('只能注销后重新申请')

    mockFetch({
      '/api/v1/officers/42/profile': () => json(profile()),
      '/api/v1/officers/42/transfer': () =>
        problem(403, {
          code: 'forbidden',
          detail: '调入单位 市南区城市管理局 不在您的管辖范围内',
          errors: [{ field: 'unit_id', rule: 'jurisdiction', message: '调入单位不在您的管辖范围内' }],
        }),
    })
    await t.load(42)
    t.form.unit_id = 11
    t.form.reason = '调动'
    await t.submit()
    expect(t.fieldErrors.value.unit_id).toBe('调入单位不在您的管辖范围内')
    expect(t.generalError.value).toBeUndefined()
  })
})
