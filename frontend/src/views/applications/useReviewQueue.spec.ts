import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { application } from '@/test/applicationFixtures'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { useReviewQueue } from './useReviewQueue'

const LIST = '/api/v1/applications'
const COUNT = '/api/v1/applications/count'
const DECIDE = '/api/v1/applications/decisions'

describe('useReviewQueue', () => {
  let fetch: FetchMock
  let bodies: Record<string, unknown>[]
  const apps = [
    application({ officer_name: '张一', version: 3 }),
    application({ officer_name: '张二', version: 1, kind: 'inspection', round_year: 2024 }),
    application({ officer_name: '张三', version: 2 }),
  ]

  beforeEach(() => {
    for (const m of ['error', 'warning', 'success'] as const) {
      vi.spyOn(ElMessage, m).mockImplementation(() => ({ close() {} }) as never)
    }
    bodies = []
    fetch = mockFetch({
      [LIST]: () => json({ items: apps }),
      [COUNT]: () => json({ total: 3 }),
      [DECIDE]: async (_u, req) => {
        const body = (await req.json()) as Record<string, unknown>
        bodies.push(body)
        const n = Array.isArray(body.ids) ? body.ids.length : 3
        return json({ count: n, ids: [] })
      },
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('unit queue: submitted applications; the reviewer’s filters cannot change the state', async () => {
    const q = useReviewQueue('unit')
    await q.search({ kind: 'inspection', name: ' 张 ' })
    expect(Object.fromEntries(fetch.to(LIST)[0]!.searchParams)).toEqual({
      kind: 'inspection',
      name: '张',
      state: 'submitted',
      limit: '50',
    })
  })

  it('legal queue: unit-approved applications of the office’s own level', async () => {
    const q = useReviewQueue('legal')
    await q.search({ unit_id: 9 })
    expect(Object.fromEntries(fetch.to(COUNT)[0]!.searchParams)).toEqual({
      unit_id: '9',
      state: 'unit_approved',
      same_level: 'true',
    })
  })

  it('approves only the ticked rows, with the versions seen, and says how many passed', async () => {
    const q = useReviewQueue('legal')
    await q.search({})
    q.selection.toggle(apps[0]!)
    q.selection.toggle(apps[2]!)
    const res = await q.approve()
    expect(res.ok).toBe(true)
    expect(bodies).toEqual([
      {
        action: 'approve_legal',
        ids: [apps[0]!.id, apps[2]!.id],
        versions: { [apps[0]!.id]: 3, [apps[2]!.id]: 2 },
      },
    ])
    expect(ElMessage.success).toHaveBeenCalledWith(expect.objectContaining({ message: '本次共审核通过 2 人' }))
    expect(q.selection.empty.value).toBe(true)
    expect(fetch.to(LIST)).toHaveLength(2) // reloaded
  })

  it('全选 sends the queue filter with the count shown (and the versions on screen)', async () => {
    const q = useReviewQueue('unit')
    await q.search({ kind: 'new_card' })
    expect(q.selectAll()).toBe(true)
    await q.approve()
    expect(bodies[0]).toEqual({
      action: 'approve_unit',
      filter: { kind: 'new_card', state: 'submitted', expected_count: 3 },
      versions: Object.fromEntries(apps.map((a) => [String(a.id), a.version])),
    })
    expect(ElMessage.success).toHaveBeenCalledWith(expect.objectContaining({ message: '本次共审核通过 3 人' }))
  })

  it('退回 sends the comment', async () => {
    const q = useReviewQueue('unit')
    await q.search({})
    q.selection.toggle(apps[1]!)
    await q.reject('  照片不清晰  ')
    expect(bodies[0]).toMatchObject({ action: 'reject', ids: [apps[1]!.id], comment: '照片不清晰' })
    expect(ElMessage.success).toHaveBeenCalledWith(expect.objectContaining({ message: '本次共退回 1 人' }))
  })

  it('lists every refused application by name (考试不合格、没有照片)', async () => {
    fetch.on(DECIDE, () =>
      problem(422, {
        detail: '操作未执行：2 项不符合条件，本批次未做任何更改',
        code: 'rule_violated',
        errors: [
          { field: `applications/${apps[0]!.id}`, rule: 'exam', message: `张一（${apps[0]!.officer_code}）：未通过执法资格考试` },
          { field: `applications/${apps[2]!.id}`, rule: 'photo', message: `张三（${apps[2]!.officer_code}）：没有照片` },
        ],
      }),
    )
    const q = useReviewQueue('legal')
    await q.search({})
    q.selection.togglePage(apps, true)
    const res = await q.approve()
    expect(res.ok).toBe(false)
    expect(q.refusalDialog.open).toBe(true)
    expect(q.refusalDialog.refusals.map((r) => [r.name, r.ruleLabel, r.reason])).toEqual([
      ['张一', '考试', '未通过执法资格考试'],
      ['张三', '无照片', '没有照片'],
    ])
    expect(q.selection.count.value).toBe(3) // nothing was written: the user deselects and retries
  })

  it('409 (another reviewer was first) warns and reloads', async () => {
    fetch.on(DECIDE, () =>
      problem(409, {
        detail: '操作未执行：1 项不符合条件，本批次未做任何更改',
        code: 'conflict',
        errors: [
          { field: `applications/${apps[0]!.id}`, rule: 'changed', message: '张一（办卡）：已被他人处理（当前状态“待法制机构审核”）' },
        ],
      }),
    )
    const q = useReviewQueue('unit')
    await q.search({})
    q.selection.toggle(apps[0]!)
    const res = await q.approve()
    expect(res).toMatchObject({ ok: false, failure: { kind: 'conflict' } })
    expect(ElMessage.warning).toHaveBeenCalled()
    expect(q.refusalDialog.refusals[0]).toMatchObject({ name: '张一', ruleLabel: '已被他人处理' })
    expect(q.selection.empty.value).toBe(true)
    expect(fetch.to(LIST)).toHaveLength(2)
    expect(fetch.to(COUNT)).toHaveLength(2)
  })
})
