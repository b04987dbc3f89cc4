// A keyset-paged list of applications (审核队列, 我的申请) with its total: the same paging as the
// officer list (useKeysetPages: cursor stack, latest answer wins; useListCount beside it).
import { ref } from 'vue'
import { api, call } from '@/api/client'
import { cursorParam, useKeysetPages, useListCount } from '@/composables/useKeysetPages'
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

export function useApplicationList(init: { filters?: AppListFilters; pageSize?: AppPageSize } = {}) {
  const filters = ref<AppListFilters>(cleanAppFilters(init.filters ?? {}))
  const pages = useKeysetPages<Application, AppPageSize>(
    (cursor, limit, signal) =>
      call(
        api.GET('/api/v1/applications', {
          params: { query: { ...toAppQuery(filters.value), limit, ...cursorParam(cursor) } },
          signal,
        }),
      ),
    { pageSize: init.pageSize ?? 50 },
  )
  const count = useListCount((signal) =>
    call(api.GET('/api/v1/applications/count', { params: { query: toAppQuery(filters.value) }, signal }), {
      silent: true,
    }),
  )

  /** Applies new filters: page 1, list and count reloaded. */
  function search(next: AppListFilters): Promise<void> {
    filters.value = cleanAppFilters(next)
    return Promise.all([pages.firstPage(), count.loadCount()]).then(() => undefined)
  }

  /** Reloads the current page and the count (after a batch or a conflict). */
  function reload(): Promise<void> {
    return Promise.all([pages.reload(), count.loadCount()]).then(() => undefined)
  }

  /** Every application the filters match, page by page, up to `max` (for printing 全选). */
  async function fetchAll(max = 1000): Promise<Application[]> {
    const out: Application[] = []
    let cursor: string | undefined
    do {
      const data = await call(
        api.GET('/api/v1/applications', {
          params: { query: { ...toAppQuery(filters.value), limit: 200, ...cursorParam(cursor) } },
        }),
      )
      out.push(...data.items)
      cursor = data.next_cursor || undefined
    } while (cursor && out.length < max)
    return out.slice(0, max)
  }

  // The pages' own reload is replaced by the one that recounts too.
  return { filters, ...pages, ...count, search, reload, fetchAll }
}

export type ApplicationList = ReturnType<typeof useApplicationList>
