import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ElMessage } from 'element-plus'
import { ApiProblem } from '@/api/problem'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { officer } from '@/test/fixtures'
import { useOfficerList } from './useOfficerList'

const LIST = '/api/v1/officers'
const COUNT = '/api/v1/officers/count'

/** Serves pages of `size` rows from `rows`; the cursor is the index of the page's first row. */
function pagedList(rows: ReturnType<typeof officer>[]) {
  return (url: URL) => {
    const limit = Number(url.searchParams.get('limit'))
    const start = Number(url.searchParams.get('cursor') ?? 0)
    const items = rows.slice(start, start + limit)
    const next = start + limit < rows.length ? String(start + limit) : undefined
    return json(next ? { items, next_cursor: next } : { items })
  }
}

describe('useOfficerList', () => {
  let fetch: FetchMock
  const rows = Array.from({ length: 45 }, () => officer())

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    fetch = mockFetch({ [LIST]: pagedList(rows), [COUNT]: () => json({ total: rows.length }) })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('maps filters to the query of both the list and the count', async () => {
    const list = useOfficerList({ pageSize: 50 })
    await list.search({ region: '370100', due_state: 'overdue', year: 2010, name: ' 王 ', cert_no: '' })

    const [req] = fetch.to(LIST)
    expect(Object.fromEntries(req!.searchParams)).toEqual({
      region: '370100',
      due_state: 'overdue',
      year: '2010',
      name: '王',
      limit: '50',
    })
    const [count] = fetch.to(COUNT)
    expect(Object.fromEntries(count!.searchParams)).toEqual({
      region: '370100',
      due_state: 'overdue',
      year: '2010',
      name: '王',
    })
    expect(list.total.value).toBe(45)
  })

  it('pages forward and back with a stack of cursors', async () => {
    const list = useOfficerList({ pageSize: 20 })
    await list.search({})
    expect(list.page.value).toBe(1)
    expect(list.items.value.map((o) => o.id)).toEqual(rows.slice(0, 20).map((o) => o.id))
    expect(list.hasPrev.value).toBe(false)
    expect(list.hasNext.value).toBe(true)

    await list.nextPage()
    await list.nextPage()
    expect(list.page.value).toBe(3)
    expect(list.cursorStack.value).toEqual(['20', '40'])
    expect(list.items.value).toHaveLength(5)
    expect(list.hasNext.value).toBe(false)

    await list.nextPage() // no next cursor: nothing happens
    expect(fetch.to(LIST)).toHaveLength(3)

    await list.prevPage()
    expect(list.page.value).toBe(2)
    expect(fetch.to(LIST).at(-1)!.searchParams.get('cursor')).toBe('20')
    await list.prevPage()
    expect(list.page.value).toBe(1)
    expect(fetch.to(LIST).at(-1)!.searchParams.has('cursor')).toBe(false)
    expect(list.items.value[0]!.id).toBe(rows[0]!.id)

    await list.nextPage()
    await list.nextPage()
    await list.firstPage()
    expect(list.page.value).toBe(1)
    expect(fetch.to(LIST).at(-1)!.searchParams.has('cursor')).toBe(false)
    // Paging does not recount.
    expect(fetch.to(COUNT)).toHaveLength(1)
  })

  it('starts over on page 1 when filters or page size change', async () => {
    const list = useOfficerList()
    await list.search({})
    await list.nextPage()
    expect(list.page.value).toBe(2)

    await list.setPageSize(50)
    expect(list.page.value).toBe(1)
    expect(fetch.to(LIST).at(-1)!.searchParams.get('limit')).toBe('50')

    await list.nextPage()
    await list.search({ name: '张' })
    expect(list.page.value).toBe(1)
    expect(list.cursorStack.value).toEqual([])
    expect(fetch.to(COUNT)).toHaveLength(2)
  })

  it('turns a problem response into an ApiProblem with field errors, shown once', async () => {
    const body = {
      detail: '身份证号格式不正确',
      code: 'invalid_parameter',
      request_id: 'req-1',
      errors: [{ field: 'id_number', rule: 'len', message: '身份证号应为18位' }],
    }
    fetch.on(LIST, () => problem(400, body))
    fetch.on(COUNT, () => problem(400, body))
    const list = useOfficerList()
    await list.search({ id_number: '123' })

    const p = list.problem.value
    expect(p).toBeInstanceOf(ApiProblem)
    expect(p).toMatchObject({ status: 400, code: 'invalid_parameter', detail: '身份证号格式不正确', request_id: 'req-1' })
    expect(list.fieldErrors.value).toEqual({ id_number: '身份证号应为18位' })
    expect(list.items.value).toEqual([])
    expect(list.total.value).toBeNull()
    expect(list.countProblem.value?.code).toBe('invalid_parameter')
    // The list reports the detail; the count stays silent.
    expect(ElMessage.error).toHaveBeenCalledTimes(1)
    expect(ElMessage.error).toHaveBeenCalledWith(
      expect.objectContaining({ message: '身份证号格式不正确：身份证号应为18位' }),
    )
  })

  it('reports a network failure as a problem and retries on reload', async () => {
    let fail = true
    fetch.on(LIST, (url) => {
      if (fail) throw new TypeError('Failed to fetch')
      return pagedList(rows)(url)
    })
    const list = useOfficerList()
    await list.search({})
    expect(list.problem.value).toMatchObject({ status: 0, code: 'network_error' })
    expect(list.problem.value?.detail).toMatch(/无法连接服务器/)

    fail = false
    await list.reload()
    expect(list.problem.value).toBeNull()
    expect(list.items.value).toHaveLength(20)
  })

  it('keeps only the latest answer when searches overlap', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    fetch.on(LIST, async (url) => {
      if (url.searchParams.get('name') === '慢') await gate
      return json({ items: [officer({ name: url.searchParams.get('name') ?? '' })] })
    })
    const list = useOfficerList()
    const slow = list.search({ name: '慢' })
    await flushPromises()
    await list.search({ name: '快' })
    release()
    await slow
    expect(list.items.value.map((o) => o.name)).toEqual(['快'])
    expect(list.loading.value).toBe(false)
  })
})
