import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { ApiProblem } from '@/api/problem'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { unit } from '@/test/fixtures'
import { emptyUnitForm, toUnitBody, unitToForm } from './unitForm'
import { unitQuery, useUnits } from './useUnits'
import { allowedSanctions, sanctionBody } from './sanction'

describe('useUnits', () => {
  let fetch: FetchMock
  let bodies: unknown[]

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    bodies = []
    fetch = mockFetch({
      '/api/v1/units': async (u, req) => {
        if (req.method === 'POST') {
          bodies.push(await req.json())
          return json({ ...unit, id: 9, code: 'B00001', name: '新单位' }, 201)
        }
        return u.searchParams.get('cursor')
          ? json({ items: [{ ...unit, id: 2, name: '第二页' }] })
          : json({ items: [unit], next_cursor: 'c1' })
      },
      '/api/v1/units/1/dissolve': async (_u, req) => {
        bodies.push(await req.json())
        return json({ unit: { ...unit, dissolved: true }, cancellations_started: 3 })
      },
      '/api/v1/units/1': () =>
        problem(409, { detail: '该单位还有 12 名执法人员，不能删除，请改为撤销单位', code: 'conflict' }),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('searches, pages on and creates', async () => {
    expect(unitQuery({ q: ' 济南 ', region: '370100' })).toEqual({ q: '济南', region: '370100', limit: 50 })
    const u = useUnits()
    await u.find({ q: '济南' })
    expect(u.nextCursor.value).toBe('c1')
    await u.more()
    expect(fetch.to('/api/v1/units').at(-1)!.searchParams.get('cursor')).toBe('c1')
    expect(u.items.value.map((x) => x.id)).toEqual([1, 2])
    await u.create(toUnitBody({ ...emptyUnitForm('370100'), code: 'B00001', name: ' 新单位 ', credit_code: '11370100mb1234567c' }))
    expect(bodies[0]).toEqual({ code: 'B00001', name: '新单位', region_code: '370100', credit_code: '11370100MB1234567C', contact: '', phone: '' })
    expect(u.items.value[0]!.id).toBe(9)
  })

  it('dissolves with a reason and reports the cancellations started', async () => {
    const u = useUnits()
    await u.find({})
    expect(await u.dissolve(1, ' 机构改革 ')).toBe(3)
    expect(bodies).toEqual([{ reason: '机构改革' }])
    expect(u.items.value[0]!.dissolved).toBe(true)
  })

  it('refuses to delete a unit with officers with the server’s message', async () => {
    const u = useUnits()
    await u.find({})
    const err = (await u.remove(1).catch((e: unknown) => e)) as ApiProblem
    expect(err.status).toBe(409)
    expect(err.summary).toMatch(/不能删除/)
    expect(u.items.value).toHaveLength(1)
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('maps a unit to the form and back', () => {
    expect(unitToForm({ ...unit, contact: '王芳' })).toEqual({
      code: 'A00001',
      name: '济南市公安局',
      region_code: '370100',
      credit_code: '',
      contact: '王芳',
      phone: '',
    })
  })
})

describe('sanction', () => {
  it('offers 暂扣 only for a valid certificate, 吊销 also for a suspended one', () => {
    expect(allowedSanctions('active')).toEqual(['suspension', 'revocation'])
    expect(allowedSanctions('suspended')).toEqual(['revocation'])
    expect(allowedSanctions('none')).toEqual([])
    expect(sanctionBody('revocation', 5, ' 违法执法 ', 'law_enforcement')).toEqual({
      kind: 'revocation',
      officer_ids: [5],
      reason: '违法执法',
      cert_type: 'law_enforcement',
    })
  })
})
