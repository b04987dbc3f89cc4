// State of 审计日志: the applied filters, keyset paging (newest first) with a cursor stack, loading
// flags and the last problem.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { AuditEvent } from '@/api/types'
import { DEFAULT_AUDIT_PAGE_SIZE, toAuditQuery, type AuditFilters, type AuditPageSize } from './auditFilters'

export function useAuditLog(init: { pageSize?: AuditPageSize } = {}) {
  const filters = ref<AuditFilters>({})
  const pageSize = ref<AuditPageSize>(init.pageSize ?? DEFAULT_AUDIT_PAGE_SIZE)
  const cursorStack = ref<string[]>([])
  const items = shallowRef<AuditEvent[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  let ctl: AbortController | undefined

  const page = computed(() => cursorStack.value.length + 1)
  const hasPrev = computed(() => cursorStack.value.length > 0)
  const hasNext = computed(() => nextCursor.value !== undefined)
  const fieldErrors = computed(() => problem.value?.fieldErrors ?? {})

  async function loadPage(stack: string[]): Promise<void> {
    ctl?.abort()
    const mine = new AbortController()
    ctl = mine
    cursorStack.value = stack
    loading.value = true
    problem.value = null
    const cursor = stack.at(-1)
    try {
      const data = await call(
        api.GET('/api/v1/audit-events', {
          params: {
            query: { ...toAuditQuery(filters.value), limit: pageSize.value, ...(cursor ? { cursor } : {}) },
          },
          signal: mine.signal,
        }),
      )
      if (mine !== ctl) return
      items.value = data.items
      nextCursor.value = data.next_cursor ? data.next_cursor : undefined
    } catch (e) {
      if (mine !== ctl || isAbort(e)) return
      items.value = []
      nextCursor.value = undefined
      problem.value = e instanceof ApiProblem ? e : networkProblem(e)
    } finally {
      if (mine === ctl) loading.value = false
    }
  }

  function search(next: AuditFilters): Promise<void> {
    filters.value = { ...next }
    return loadPage([])
  }

  const reload = () => loadPage(cursorStack.value)
  const firstPage = () => loadPage([])

  function nextPage(): Promise<void> {
    const c = nextCursor.value
    if (c === undefined || loading.value) return Promise.resolve()
    return loadPage([...cursorStack.value, c])
  }

  function prevPage(): Promise<void> {
    if (cursorStack.value.length === 0 || loading.value) return Promise.resolve()
    return loadPage(cursorStack.value.slice(0, -1))
  }

  function setPageSize(size: AuditPageSize): Promise<void> {
    pageSize.value = size
    return loadPage([])
  }

  if (getCurrentScope()) onScopeDispose(() => ctl?.abort())

  return {
    filters,
    pageSize,
    cursorStack,
    items,
    nextCursor,
    loading,
    problem,
    fieldErrors,
    page,
    hasPrev,
    hasNext,
    search,
    reload,
    firstPage,
    nextPage,
    prevPage,
    setPageSize,
  }
}
