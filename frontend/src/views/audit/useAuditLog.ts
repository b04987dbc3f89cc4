// State of 审计日志: the applied filters, keyset paging (newest first) with a cursor stack
// (useKeysetPages), loading flags and the last problem.
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { AuditEvent } from '@/api/types'
import { cursorParam, useKeysetPages } from '@/composables/useKeysetPages'
import { DEFAULT_AUDIT_PAGE_SIZE, toAuditQuery, type AuditFilters, type AuditPageSize } from './auditFilters'

export function useAuditLog(init: { pageSize?: AuditPageSize } = {}) {
  const filters = ref<AuditFilters>({})
  const pages = useKeysetPages<AuditEvent, AuditPageSize>(
    (cursor, limit, signal) =>
      call(
        api.GET('/api/v1/audit-events', {
          params: { query: { ...toAuditQuery(filters.value), limit, ...cursorParam(cursor) } },
          signal,
        }),
      ),
    { pageSize: init.pageSize ?? DEFAULT_AUDIT_PAGE_SIZE },
  )
  const fieldErrors = computed(() => pages.problem.value?.fieldErrors ?? {})

  function search(next: AuditFilters): Promise<void> {
    filters.value = { ...next }
    return pages.firstPage()
  }

  return { filters, ...pages, fieldErrors, search }
}
