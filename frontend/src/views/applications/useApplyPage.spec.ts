import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { officer } from '@/test/fixtures'
import { APPLY_PAGES, emptyApplyForm } from './applyForm'
import { useApplyPage } from './useApplyPage'

const LIST = '/api/v1/officers'
const COUNT = '/api/v1/officers/count'
const APPLY = '/api/v1/applications'

describe('useApplyPage', () => {
  let fetch: FetchMock
  let bodies: unknown[]
  const rows = [
    officer({ name: '王一', cert_state: 'active', due_state: 'due_soon', last_inspected_on: '2024-12-20' }),
    officer({ name: '王二', cert_state: 'active', due_state: 'overdue', last_inspected_on: '2024-01-10' }),
    officer({ name: '王三', cert_state: 'active', due_state: 'ok', last_inspected_on: '2024-12-30' }),
  ]
  let total = rows.length

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    vi.spyOn(ElMessage, 'warning').mockImplementation(() => ({ close() {} }) as never)
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close() {} }) as never)
    bodies = []
    total = rows.length
    fetch = mockFetch({
      [LIST]: () => json({ items: rows }),
      [COUNT]: () => json({ total }),
      [APPLY]: async (_u, req) => {
        const body = (await req.json()) as { officer_ids?: number[] }
        bodies.push(body)
        return json({ count: body.officer_ids?.length ?? total, ids: [901] }, 201)
      },
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists the page’s certificate state and 年检年度, and blocks an inspection without a round', async () => {
    const page = useApplyPage(APPLY_PAGES.inspection)
    await page.search({})
    expect(Object.fromEntries(fetch.to(LIST)[0]!.searchParams)).toEqual({ cert_state: 'active', limit: '50' })
    page.selection.toggle(rows[0]!)
    expect(page.blocked.value).toBe('请先在过滤条件中选择年检年度')

    await page.search({ year: 2024, name: '王' })
    expect(Object.fromEntries(fetch.to(COUNT).at(-1)!.searchParams)).toEqual({ cert_state: 'active', year: '2024', name: '王' })
    expect(page.round.value).toBe(2024)
    expect(page.blocked.value).toBeUndefined() // the ticked row survives a new filter
  })

  it('applies for the ticked officers by id, with the round; success tells the count and clears', async () => {
    const page = useApplyPage(APPLY_PAGES.inspection)
    await page.search({ year: 2024 })
    page.selection.toggle(rows[0]!)
    page.selection.toggle(rows[2]!)
    const res = await page.submit(emptyApplyForm())
    expect(res.ok).toBe(true)
    expect(bodies).toEqual([{ kind: 'inspection', cert_type: 'law_enforcement', officer_ids: [rows[0]!.id, rows[2]!.id], round: 2024 }])
    expect(ElMessage.success).toHaveBeenCalledWith(
      expect.objectContaining({ message: '申请成功：本次共提交年检申请 2 人，请等待单位审核' }),
    )
    expect(page.selection.empty.value).toBe(true)
    expect(fetch.to(LIST).length).toBeGreaterThan(1) // reloaded
  })

  it('全选 sends the filter with the count shown', async () => {
    const page = useApplyPage(APPLY_PAGES.new_card)
    await page.search({ cert_state: 'cancelled', name: '王' })
    expect(page.selectAll()).toBe(true)
    expect(page.selection.count.value).toBe(3)
    await page.submit(emptyApplyForm('supervision'))
    expect(bodies).toEqual([
      { kind: 'new_card', cert_type: 'supervision', filter: { cert_state: 'cancelled', name: '王', expected_count: 3 } },
    ])
  })

  it('a refusal lists every refused officer by name; nothing is cleared', async () => {
    fetch.on(APPLY, () =>
      problem(422, {
        detail: '申请未提交：1 项不符合条件，本批次未做任何更改',
        code: 'rule_violated',
        errors: [
          {
            field: `officers/${rows[1]!.id}`,
            rule: 'overdue',
            message: `王二（${rows[1]!.code}）：已超过年检期限（2026-01-10），不能年检，只能注销后重新申请`,
          },
        ],
      }),
    )
    const page = useApplyPage(APPLY_PAGES.inspection)
    await page.search({ year: 2024 })
    page.selection.togglePage(rows, true)
    const res = await page.submit(emptyApplyForm())
    expect(res.ok).toBe(false)
    expect(page.refusalDialog.open).toBe(true)
    expect(page.refusalDialog.title).toBe('申请未提交：1 项不符合条件，本批次未做任何更改')
    expect(page.refusalDialog.refusals).toEqual([
      expect.objectContaining({ id: rows[1]!.id, name: '王二', rule: 'overdue', reason: '已超过年检期限（2026-01-10），不能年检，只能注销后重新申请' }),
    ])
    expect(page.selection.count.value).toBe(3)
    expect(ElMessage.success).not.toHaveBeenCalled()
  })

  it('409 (the filter’s count changed) warns, drops the 全选 and recounts', async () => {
    fetch.on(APPLY, () =>
      problem(409, { detail: '筛选结果已变化（您看到 3 条，现在为 4 条），请刷新后重新操作', code: 'conflict' }),
    )
    const page = useApplyPage(APPLY_PAGES.new_card)
    await page.search({})
    page.selectAll()
    total = 4
    const counts = fetch.to(COUNT).length
    const res = await page.submit(emptyApplyForm())
    expect(res).toMatchObject({ ok: false, failure: { kind: 'conflict' } })
    expect(ElMessage.warning).toHaveBeenCalledWith(
      expect.objectContaining({ message: '筛选结果已变化（您看到 3 条，现在为 4 条），请刷新后重新操作' }),
    )
    expect(page.selection.byFilter.value).toBe(false)
    expect(fetch.to(COUNT).length).toBe(counts + 1)
    expect(page.list.total.value).toBe(4)
    expect(page.refusalDialog.open).toBe(false)
  })

  it('a field error goes back to the form', async () => {
    fetch.on(APPLY, () =>
      problem(400, {
        detail: '请求参数有误',
        code: 'invalid',
        errors: [{ field: 'reason', rule: 'enum', message: '请从规定的注销原因中选择：退休' }],
      }),
    )
    const page = useApplyPage(APPLY_PAGES.cancellation)
    await page.search({})
    page.selection.toggle(rows[0]!)
    const res = await page.submit({ ...emptyApplyForm(), reason: '出国' })
    expect(res).toMatchObject({ ok: false, failure: { kind: 'invalid', fieldErrors: { reason: '请从规定的注销原因中选择：退休' } } })
    expect(page.refusalDialog.open).toBe(false)
  })
})
