// A keyset-paged list of applications (审核队列, 我的申请) with its total: the same shape as the
// officer list (cursor stack, latest answer wins, count loaded beside the page).
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { AppKind, AppSelection, AppState, Application, ApplicationQuery } from '@/api/workflow'

export interface AppListFilters {
  state?: Exclude<AppState, 'draft'>
  kind?: AppKind
  /** Officer name prefix. */
  name?: string
  unit_id?: number
  /** 年检年度: the year of the officer's last inspection. */
  year?: number
  /** Only the units of the caller's own level (a legal office's approval queue). */
  same_level?: boolean
}

/** The 年检年度 range the server accepts. */
export const MIN_YEAR = 1990
export const MAX_YEAR = 2100

export function validYear(y: unknown): y is number {
  return typeof y === 'number' && Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR
}

export const APP_PAGE_SIZES = [20, 50, 100] as const
export type AppPageSize = (typeof APP_PAGE_SIZES)[number]

/** Drops empty values; the result is what the list (and a batch by filter) is filtered by. */
export function cleanAppFilters(f: AppListFilters): AppListFilters {
  const out: AppListFilters = {}
  if (f.state) out.state = f.state
  if (f.kind) out.kind = f.kind
  const name = f.name?.trim()
  if (name) out.name = name
  if (f.unit_id !== undefined && Number.isInteger(f.unit_id) && f.unit_id > 0) out.unit_id = f.unit_id
  if (validYear(f.year)) out.year = f.year
  if (f.same_level) out.same_level = true
  return out
}

/** Query of GET /api/v1/applications and /count. */
export function toAppQuery(f: AppListFilters): ApplicationQuery {
  return { ...cleanAppFilters(f) }
}

/** The filter of a batch decision over everything the list shows (全选), with the count seen. */
export function toAppSelection(f: AppListFilters, expectedCount: number): AppSelection {
  return { ...cleanAppFilters(f), expected_count: expectedCount }
}

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useApplicationList(init: { filters?: AppListFilters; pageSize?: AppPageSize } = {}) {
  const filters = ref<AppListFilters>(cleanAppFilters(init.filters ?? {}))
  const pageSize = ref<AppPageSize>(init.pageSize ?? 50)
  const cursorStack = ref<string[]>([])
  const items = shallowRef<Application[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  const total = ref<number | null>(null)
  const counting = ref(false)

  let listCtl: AbortController | undefined
  let countCtl: AbortController | undefined

  const page = computed(() => cursorStack.value.length + 1)
  const hasPrev = computed(() => cursorStack.value.length > 0)
  const hasNext = computed(() => nextCursor.value !== undefined)

  async function loadPage(stack: string[]): Promise<void> {
    listCtl?.abort()
    const ctl = new AbortController()
    listCtl = ctl
    cursorStack.value = stack
    loading.value = true
    problem.value = null
    const cursor = stack.at(-1)
    try {
      const data = await call(
        api.GET('/api/v1/applications', {
          params: {
            query: { ...toAppQuery(filters.value), limit: pageSize.value, ...(cursor !== undefined ? { cursor } : {}) },
          },
          signal: ctl.signal,
        }),
      )
      if (ctl !== listCtl) return
      items.value = data.items
      nextCursor.value = data.next_cursor ? data.next_cursor : undefined
    } catch (e) {
      if (ctl !== listCtl || isAbort(e)) return
      items.value = []
      nextCursor.value = undefined
      problem.value = asProblem(e)
    } finally {
      if (ctl === listCtl) loading.value = false
    }
  }

  async function loadCount(): Promise<void> {
    countCtl?.abort()
    const ctl = new AbortController()
    countCtl = ctl
    total.value = null
    counting.value = true
    try {
      const data = await call(
        api.GET('/api/v1/applications/count', { params: { query: toAppQuery(filters.value) }, signal: ctl.signal }),
        { silent: true },
      )
      if (ctl !== countCtl) return
      total.value = data.total
    } catch (e) {
      if (ctl !== countCtl || isAbort(e)) return
    } finally {
      if (ctl === countCtl) counting.value = false
    }
  }

  /** Applies new filters: page 1, list and count reloaded. */
  function search(next: AppListFilters): Promise<void> {
    filters.value = cleanAppFilters(next)
    return Promise.all([loadPage([]), loadCount()]).then(() => undefined)
  }

  /** Reloads the current page and the count (after a batch or a conflict). */
  function reload(): Promise<void> {
    return Promise.all([loadPage(cursorStack.value), loadCount()]).then(() => undefined)
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

  function setPageSize(size: AppPageSize): Promise<void> {
    pageSize.value = size
    return loadPage([])
  }

  /** Every application the filters match, page by page, up to `max` (for printing 全选). */
  async function fetchAll(max = 1000): Promise<Application[]> {
    const out: Application[] = []
    let cursor: string | undefined
    do {
      const data = await call(
        api.GET('/api/v1/applications', {
          params: { query: { ...toAppQuery(filters.value), limit: 200, ...(cursor ? { cursor } : {}) } },
        }),
      )
      out.push(...data.items)
      cursor = data.next_cursor || undefined
    } while (cursor && out.length < max)
    return out.slice(0, max)
  }

  if (getCurrentScope()) {
    onScopeDispose(() => {
      listCtl?.abort()
      countCtl?.abort()
    })
  }

  return {
    filters,
    pageSize,
    cursorStack,
    items,
    loading,
    problem,
    total,
    counting,
    page,
    hasPrev,
    hasNext,
    search,
    reload,
    nextPage,
    prevPage,
    setPageSize,
    fetchAll,
  }
}

export type ApplicationList = ReturnType<typeof useApplicationList>
