import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { application } from '@/test/applicationFixtures'
import { json, mockFetch, type FetchMock } from '@/test/fetchMock'
import { useMyApplications } from './useMyApplications'

describe('useMyApplications', () => {
  let fetch: FetchMock
  let bodies: Record<string, unknown>[]
  const returned = application({ state: 'returned', returned_comment: '照片不清晰', version: 4 })
  const submitted = application({ state: 'submitted' })
  const done = application({ state: 'legal_approved' })

  beforeEach(() => {
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close() {} }) as never)
    bodies = []
    fetch = mockFetch({
      '/api/v1/applications': () => json({ items: [returned, submitted, done] }),
      '/api/v1/applications/count': () => json({ total: 3 }),
      '/api/v1/applications/decisions': async (_u, req) => {
        const b = (await req.json()) as Record<string, unknown>
        bodies.push(b)
        return json({ count: (b.ids as number[] | undefined)?.length ?? 0, ids: [] })
      },
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('shows returned applications by default', async () => {
    const m = useMyApplications()
    await m.search({ state: 'returned' })
    expect(fetch.to('/api/v1/applications')[0]!.searchParams.get('state')).toBe('returned')
  })

  it('offers 重新提交 only for returned ones and 撤回 for submitted or returned ones', async () => {
    const m = useMyApplications()
    await m.search({})
    m.selection.toggle(returned)
    expect(m.canResubmit.value).toBe(true)
    expect(m.canWithdraw.value).toBe(true)
    m.selection.toggle(submitted)
    expect(m.canResubmit.value).toBe(false)
    expect(m.canWithdraw.value).toBe(true)
    m.selection.toggle(done)
    expect(m.canWithdraw.value).toBe(false)

    // 全选 follows the state filter.
    await m.search({ state: 'returned' })
    m.selectAll()
    expect(m.canResubmit.value).toBe(true)
    await m.search({})
    m.selectAll()
    expect(m.canResubmit.value).toBe(false)
  })

  it('重新提交 sends the ids and versions', async () => {
    const m = useMyApplications()
    await m.search({ state: 'returned' })
    m.selection.toggle(returned)
    await m.resubmit()
    expect(bodies).toEqual([{ action: 'resubmit', ids: [returned.id], versions: { [returned.id]: 4 } }])
    expect(ElMessage.success).toHaveBeenCalledWith(expect.objectContaining({ message: '本次共重新提交 1 项申请' }))
  })
})
