// State of the officer list (档案管理): applied filters, keyset paging with a cursor stack
// (useKeysetPages), the asynchronously loaded total, loading flags and the last problem.
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { Officer } from '@/api/types'
import { cursorParam, useKeysetPages, useListCount } from '@/composables/useKeysetPages'
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

export function useOfficerList(init: OfficerListInit = {}) {
  /** Filters the shown page was (or is being) loaded with. */
  const filters = ref<OfficerFilters>(cleanFilters(init.filters ?? {}))
  const pages = useKeysetPages<Officer, PageSize>(
    (cursor, limit, signal) =>
      call(
        api.GET('/api/v1/officers', {
          params: { query: { ...toApiQuery(filters.value), limit, ...cursorParam(cursor) } },
          signal,
        }),
      ),
    { pageSize: init.pageSize ?? DEFAULT_PAGE_SIZE },
  )
  /** Total matching officers; null while counting or when counting failed. */
  const count = useListCount((signal) =>
    call(api.GET('/api/v1/officers/count', { params: { query: toApiQuery(filters.value) }, signal }), {
      silent: true,
    }),
  )
  const { problem } = pages
  const { total, counting } = count

  /** Server messages per filter field (from a 400 problem's `errors`). */
  const fieldErrors = computed<Record<string, string>>(() =>
    Object.fromEntries((problem.value?.errors ?? []).map((e) => [e.field, e.message])),
  )

  /** Applies new filters: back to page 1, list and count reloaded. */
  function search(next: OfficerFilters): Promise<void> {
    filters.value = cleanFilters(next)
    return Promise.all([pages.firstPage(), count.loadCount()]).then(() => undefined)
  }

  /** Reloads the current page (and the count if it is missing). */
  function reload(): Promise<void> {
    const jobs = [pages.reload()]
    if (total.value === null && !counting.value) jobs.push(count.loadCount())
    return Promise.all(jobs).then(() => undefined)
  }

  // The pages' own reload is replaced by the one that counts when the total is missing.
  return { filters, ...pages, ...count, fieldErrors, search, reload }
}

export type OfficerList = ReturnType<typeof useOfficerList>
