import { describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { ApiProblem } from '@/api/problem'
import { cursorParam, useKeysetPages, useListCount, type KeysetPage } from './useKeysetPages'

type Size = 2 | 5

/** 7 rows served by a fake API; the cursor is the index of the page's first row. */
const ROWS = Array.from({ length: 7 }, (_, i) => i + 1)

function serve(cursor: string | undefined, limit: number): KeysetPage<number> {
  const start = Number(cursor ?? 0)
  const next = start + limit < ROWS.length ? String(start + limit) : undefined
  return { items: ROWS.slice(start, start + limit), ...(next ? { next_cursor: next } : {}) }
}

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('useKeysetPages', () => {
  it('pages forward with the next cursor and back with the stack of cursors', async () => {
    const fetchPage = vi.fn(async (cursor: string | undefined, limit: Size) => serve(cursor, limit))
    const pages = useKeysetPages(fetchPage, { pageSize: 2 as Size })
    await pages.firstPage()
    expect(pages.items.value).toEqual([1, 2])
    expect([pages.page.value, pages.hasPrev.value, pages.hasNext.value]).toEqual([1, false, true])

    await pages.nextPage()
    await pages.nextPage()
    await pages.nextPage()
    expect(pages.cursorStack.value).toEqual(['2', '4', '6'])
    expect([pages.page.value, pages.hasNext.value]).toEqual([4, false])
    expect(pages.items.value).toEqual([7])

    await pages.nextPage() // no next cursor: nothing is asked
    expect(fetchPage).toHaveBeenCalledTimes(4)

    await pages.prevPage()
    expect(fetchPage.mock.lastCall?.[0]).toBe('4')
    expect(pages.items.value).toEqual([5, 6])
    await pages.prevPage()
    await pages.prevPage()
    expect(pages.page.value).toBe(1)
    expect(fetchPage.mock.lastCall?.[0]).toBeUndefined()
    await pages.prevPage() // on page 1: nothing is asked
    expect(fetchPage).toHaveBeenCalledTimes(7)
  })

  it('starts over on page 1 for a new search or page size, and reloads the current page', async () => {
    const fetchPage = vi.fn(async (cursor: string | undefined, limit: Size) => serve(cursor, limit))
    const pages = useKeysetPages(fetchPage, { pageSize: 2 as Size })
    await pages.firstPage()
    await pages.nextPage()
    await pages.reload()
    expect(fetchPage.mock.lastCall?.slice(0, 2)).toEqual(['2', 2])
    expect(pages.page.value).toBe(2)

    await pages.firstPage()
    expect(pages.cursorStack.value).toEqual([])

    await pages.nextPage()
    await pages.setPageSize(5)
    expect(pages.pageSize.value).toBe(5)
    expect(fetchPage.mock.lastCall?.slice(0, 2)).toEqual([undefined, 5])
    expect(pages.items.value).toEqual([1, 2, 3, 4, 5])
    expect(pages.page.value).toBe(1)
  })

  it('shows only the latest answer and aborts the older request', async () => {
    const answers = [deferred<KeysetPage<number>>(), deferred<KeysetPage<number>>()]
    const signals: AbortSignal[] = []
    const onPage = vi.fn()
    const pages = useKeysetPages<number, Size>(
      (_cursor, _limit, signal) => {
        signals.push(signal)
        return answers[signals.length - 1]!.promise
      },
      { pageSize: 2, onPage },
    )
    const first = pages.firstPage()
    const second = pages.firstPage()
    expect(signals[0]!.aborted).toBe(true)
    expect(pages.loading.value).toBe(true)
    answers[1]!.resolve({ items: [9], next_cursor: '' })
    await second
    answers[0]!.resolve({ items: [1], next_cursor: 'x' })
    await first
    expect(pages.items.value).toEqual([9])
    expect(pages.hasNext.value).toBe(false) // an empty cursor is no next page
    expect(pages.loading.value).toBe(false)
    expect(onPage).toHaveBeenCalledOnce()
    expect(onPage).toHaveBeenCalledWith([9])
  })

  it('clears the page on a failure and keeps the problem; an abort is no problem', async () => {
    let fail: unknown
    const pages = useKeysetPages<number, Size>(
      async (cursor, limit) => {
        if (fail) throw fail
        return serve(cursor, limit)
      },
      { pageSize: 2 },
    )
    await pages.firstPage()
    fail = new ApiProblem({ type: 'about:blank', title: 'Bad', status: 400, detail: '参数错误', code: 'invalid_parameter' })
    await pages.nextPage()
    expect(pages.items.value).toEqual([])
    expect(pages.hasNext.value).toBe(false)
    expect(pages.problem.value?.detail).toBe('参数错误')
    expect(pages.page.value).toBe(2) // 重试 reloads the page that failed

    fail = new TypeError('Failed to fetch')
    await pages.reload()
    expect(pages.problem.value?.code).toBe('network_error')

    fail = new DOMException('aborted', 'AbortError')
    await pages.reload()
    expect(pages.problem.value).toBeNull()
    expect(pages.loading.value).toBe(false)
  })

  it('aborts the request in flight when its scope ends', () => {
    const signals: AbortSignal[] = []
    const scope = effectScope()
    const pages = scope.run(() =>
      useKeysetPages<number, Size>(
        (_c, _l, signal) => {
          signals.push(signal)
          return new Promise(() => {})
        },
        { pageSize: 2 },
      ),
    )!
    void pages.firstPage()
    scope.stop()
    expect(signals[0]!.aborted).toBe(true)
  })

  it('leaves the cursor parameter out on page 1', () => {
    expect(cursorParam(undefined)).toEqual({})
    expect(cursorParam('abc')).toEqual({ cursor: 'abc' })
  })
})

describe('useListCount', () => {
  it('counts, keeps the latest total and the problem of a failed count', async () => {
    const answers = [deferred<{ total: number }>(), deferred<{ total: number }>()]
    let n = 0
    const count = useListCount(() => answers[n++]!.promise)
    const first = count.loadCount()
    expect([count.total.value, count.counting.value]).toEqual([null, true])
    const second = count.loadCount()
    answers[1]!.resolve({ total: 12 })
    await second
    answers[0]!.resolve({ total: 99 })
    await first
    expect([count.total.value, count.counting.value]).toEqual([12, false])

    const failing = useListCount(async () => {
      throw new TypeError('Failed to fetch')
    })
    await failing.loadCount()
    expect(failing.total.value).toBeNull()
    expect(failing.countProblem.value?.code).toBe('network_error')
    expect(failing.counting.value).toBe(false)
  })
})
