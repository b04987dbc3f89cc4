import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { application } from '@/test/applicationFixtures'
import { json, mockFetch, type FetchMock } from '@/test/fetchMock'
import { toAppSelection, useApplicationList } from './useApplicationList'

const LIST = '/api/v1/applications'

describe('useApplicationList', () => {
  let fetch: FetchMock
  const all = Array.from({ length: 45 }, () => application())

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    fetch = mockFetch({
      [LIST]: (url) => {
        const limit = Number(url.searchParams.get('limit'))
        const start = Number(url.searchParams.get('cursor') ?? 0)
        const next = start + limit < all.length ? String(start + limit) : undefined
        return json({ items: all.slice(start, start + limit), ...(next ? { next_cursor: next } : {}) })
      },
      '/api/v1/applications/count': () => json({ total: all.length }),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('filters list and count alike and pages with a cursor stack', async () => {
    const list = useApplicationList({ pageSize: 20 })
    await list.search({ state: 'unit_approved', same_level: true, name: ' 王 ', kind: undefined })
    expect(Object.fromEntries(fetch.to(LIST)[0]!.searchParams)).toEqual({
      state: 'unit_approved',
      same_level: 'true',
      name: '王',
      limit: '20',
    })
    expect(list.total.value).toBe(45)
    await list.nextPage()
    await list.nextPage()
    expect(list.page.value).toBe(3)
    expect(list.items.value).toHaveLength(5)
    expect(list.hasNext.value).toBe(false)
    await list.prevPage()
    expect(fetch.to(LIST).at(-1)!.searchParams.get('cursor')).toBe('20')
  })

  it('fetches every page for printing 全选, up to a bound', async () => {
    const list = useApplicationList()
    await list.search({ state: 'submitted' })
    expect((await list.fetchAll()).map((a) => a.id)).toEqual(all.map((a) => a.id))
    expect(fetch.to(LIST).at(-1)!.searchParams.get('limit')).toBe('200')
    expect(await list.fetchAll(10)).toHaveLength(10)
  })

  it('a batch over the filter repeats it with the count seen', () => {
    expect(toAppSelection({ state: 'submitted', kind: 'inspection', name: '' }, 12)).toEqual({
      state: 'submitted',
      kind: 'inspection',
      expected_count: 12,
    })
  })
})
