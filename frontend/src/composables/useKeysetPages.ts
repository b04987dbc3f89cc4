// Keyset (cursor) paging shared by the list screens: the cursors that led to the current page are
// kept on a stack, so 下一页 pushes the page's next cursor, 上一页 pops one and a new search or page
// size starts over on page 1 with an empty stack. The latest request wins (an older one is aborted
// and its answer ignored). `useListCount` loads a list's total beside it, the same way.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, type Ref } from 'vue'
import { asProblem, isAbort, type ApiProblem } from '@/api/problem'

/** One page as the API returns it. */
export interface KeysetPage<T> {
  items: T[]
  next_cursor?: string | null
}

/** Loads the page after `cursor` (page 1 without one) with `limit` rows. */
export type PageFetcher<T, Size extends number> = (
  cursor: string | undefined,
  limit: Size,
  signal: AbortSignal,
) => Promise<KeysetPage<T>>

/** The `cursor` query parameter: absent on page 1. */
export function cursorParam(cursor: string | undefined): { cursor?: string } {
  return cursor ? { cursor } : {}
}

/** Requests of which only the latest counts: starting one aborts the one before; the scope's end, the last. */
function latestRequest() {
  let ctl: AbortController | undefined
  if (getCurrentScope()) onScopeDispose(() => ctl?.abort())
  return {
    start(): AbortController {
      ctl?.abort()
      ctl = new AbortController()
      return ctl
    },
    isLatest: (c: AbortController) => c === ctl,
  }
}

export interface KeysetPagesOptions<T, Size extends number> {
  pageSize: Size
  /** Called with the rows of every page that is shown (not of answers that came too late). */
  onPage?: (items: T[]) => void
}

export function useKeysetPages<T, Size extends number>(
  fetchPage: PageFetcher<T, Size>,
  opts: KeysetPagesOptions<T, Size>,
) {
  const pageSize = ref(opts.pageSize) as Ref<Size>
  /** Cursors that led to the current page; empty on page 1. */
  const cursorStack = ref<string[]>([])
  const items = shallowRef<T[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  /** Set when the current page failed to load. */
  const problem = shallowRef<ApiProblem | null>(null)
  const latest = latestRequest()

  const page = computed(() => cursorStack.value.length + 1)
  const hasPrev = computed(() => cursorStack.value.length > 0)
  const hasNext = computed(() => nextCursor.value !== undefined)

  async function loadPage(stack: string[]): Promise<void> {
    const mine = latest.start()
    cursorStack.value = stack
    loading.value = true
    problem.value = null
    try {
      const data = await fetchPage(stack.at(-1), pageSize.value, mine.signal)
      if (!latest.isLatest(mine)) return
      items.value = data.items
      nextCursor.value = data.next_cursor ? data.next_cursor : undefined
      opts.onPage?.(data.items)
    } catch (e) {
      if (!latest.isLatest(mine) || isAbort(e)) return
      items.value = []
      nextCursor.value = undefined
      problem.value = asProblem(e)
    } finally {
      if (latest.isLatest(mine)) loading.value = false
    }
  }

  /** Page 1 (after a new search). */
  function firstPage(): Promise<void> {
    return loadPage([])
  }

  /** The current page again. */
  function reload(): Promise<void> {
    return loadPage(cursorStack.value)
  }

  function nextPage(): Promise<void> {
    const c = nextCursor.value
    if (c === undefined || loading.value) return Promise.resolve()
    return loadPage([...cursorStack.value, c])
  }

  function prevPage(): Promise<void> {
    if (cursorStack.value.length === 0 || loading.value) return Promise.resolve()
    return loadPage(cursorStack.value.slice(0, -1))
  }

  function setPageSize(size: Size): Promise<void> {
    pageSize.value = size
    return loadPage([])
  }

  return {
    pageSize,
    cursorStack,
    items,
    nextCursor,
    loading,
    problem,
    page,
    hasPrev,
    hasNext,
    firstPage,
    reload,
    nextPage,
    prevPage,
    setPageSize,
  }
}

export type KeysetPages<T, Size extends number> = ReturnType<typeof useKeysetPages<T, Size>>

/** What a pager needs of a keyset list (useKeysetPages or a list built on it): see ListPager.vue. */
export interface PagedList<Size extends number> {
  page: { readonly value: number }
  hasPrev: { readonly value: boolean }
  hasNext: { readonly value: boolean }
  loading: { readonly value: boolean }
  pageSize: { readonly value: Size }
  setPageSize: (size: Size) => unknown
  prevPage: () => unknown
  nextPage: () => unknown
}

/**
 * The total a list's filters match, loaded beside its pages: null while counting or when counting
 * failed (`countProblem`; the list request reports the same problem to the user, so the fetcher
 * should call the API silently).
 */
export function useListCount(fetchCount: (signal: AbortSignal) => Promise<{ total: number }>) {
  const total = ref<number | null>(null)
  const counting = ref(false)
  const countProblem = shallowRef<ApiProblem | null>(null)
  const latest = latestRequest()

  async function loadCount(): Promise<void> {
    const mine = latest.start()
    total.value = null
    counting.value = true
    countProblem.value = null
    try {
      const data = await fetchCount(mine.signal)
      if (!latest.isLatest(mine)) return
      total.value = data.total
    } catch (e) {
      if (!latest.isLatest(mine) || isAbort(e)) return
      countProblem.value = asProblem(e)
    } finally {
      if (latest.isLatest(mine)) counting.value = false
    }
  }

  return { total, counting, countProblem, loadCount }
}
