// State of the officer list (档案管理): applied filters, keyset paging with a cursor stack,
// the asynchronously loaded total, loading flags and the last problem.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { Officer } from '@/api/types'
import {
  cleanFilters,
  DEFAULT_PAGE_SIZE,
  type OfficerFilters,
  type PageSize,
  toApiQuery,
} from './officerFilters'

export interface OfficerListInit {
  filters?: OfficerFilters
  pageSize?: PageSize
}

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useOfficerList(init: OfficerListInit = {}) {
  /** Filters the shown page was (or is being) loaded with. */
  const filters = ref<OfficerFilters>(cleanFilters(init.filters ?? {}))
  const pageSize = ref<PageSize>(init.pageSize ?? DEFAULT_PAGE_SIZE)
  /** Cursors that led to the current page; empty on page 1. */
  const cursorStack = ref<string[]>([])
  const items = shallowRef<Officer[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  /** Set when the current page failed to load. */
  const problem = shallowRef<ApiProblem | null>(null)
  /** Total matching officers; null while counting or when counting failed. */
  const total = ref<number | null>(null)
  const counting = ref(false)
  const countProblem = shallowRef<ApiProblem | null>(null)

  let listCtl: AbortController | undefined
  let countCtl: AbortController | undefined

  const page = computed(() => cursorStack.value.length + 1)
  const hasPrev = computed(() => cursorStack.value.length > 0)
  const hasNext = computed(() => nextCursor.value !== undefined)
  /** Server messages per filter field (from a 400 problem's `errors`). */
  const fieldErrors = computed<Record<string, string>>(() =>
    Object.fromEntries((problem.value?.errors ?? []).map((e) => [e.field, e.message])),
  )

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
        api.GET('/api/v1/officers', {
          params: {
            query: {
              ...toApiQuery(filters.value),
              limit: pageSize.value,
              ...(cursor !== undefined ? { cursor } : {}),
            },
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
    countProblem.value = null
    try {
      const data = await call(
        api.GET('/api/v1/officers/count', {
          params: { query: toApiQuery(filters.value) },
          signal: ctl.signal,
        }),
        // The list request reports the same problem to the user.
        { silent: true },
      )
      if (ctl !== countCtl) return
      total.value = data.total
    } catch (e) {
      if (ctl !== countCtl || isAbort(e)) return
      countProblem.value = asProblem(e)
    } finally {
      if (ctl === countCtl) counting.value = false
    }
  }

  /** Applies new filters: back to page 1, list and count reloaded. */
  function search(next: OfficerFilters): Promise<void> {
    filters.value = cleanFilters(next)
    return Promise.all([loadPage([]), loadCount()]).then(() => undefined)
  }

  /** Reloads the current page (and the count if it is missing). */
  function reload(): Promise<void> {
    const jobs = [loadPage(cursorStack.value)]
    if (total.value === null && !counting.value) jobs.push(loadCount())
    return Promise.all(jobs).then(() => undefined)
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

  function firstPage(): Promise<void> {
    return loadPage([])
  }

  function setPageSize(size: PageSize): Promise<void> {
    pageSize.value = size
    return loadPage([])
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
    nextCursor,
    loading,
    problem,
    fieldErrors,
    total,
    counting,
    countProblem,
    page,
    hasPrev,
    hasNext,
    search,
    reload,
    nextPage,
    prevPage,
    firstPage,
    setPageSize,
  }
}

export type OfficerList = ReturnType<typeof useOfficerList>
