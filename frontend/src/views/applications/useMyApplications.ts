// 我的申请 (unit operators): the unit's applications, by default those returned by a reviewer with
// the reviewer's comment; 重新提交 after fixing the officer's data, or 撤回.
import { computed } from 'vue'
import type { Application, AppKind, AppState } from '@/api/workflow'
import { useApplicationList, type AppListFilters } from './useApplicationList'
import { useDecisions } from './useDecisions'
import { useSelection } from './useSelection'

export interface MyFilters {
  /** undefined = every state. */
  state?: Exclude<AppState, 'draft'>
  kind?: AppKind
  name?: string
  /** 年检年度: the year of the officer's last inspection. */
  year?: number
}

export const DEFAULT_MY_FILTERS: MyFilters = { state: 'returned' }

const RESUBMITTABLE: readonly AppState[] = ['returned']
const WITHDRAWABLE: readonly AppState[] = ['submitted', 'returned']

/** Whether every selected application (or, for 全选, the filtered state) allows the action. */
function allIn(states: readonly AppState[], rows: readonly Application[], byFilter: boolean, f: AppListFilters): boolean {
  if (byFilter) return f.state !== undefined && states.includes(f.state)
  return rows.length > 0 && rows.every((a) => states.includes(a.state))
}

export function useMyApplications(init: MyFilters = DEFAULT_MY_FILTERS) {
  const list = useApplicationList({ filters: init })
  const selection = useSelection<Application>()
  const decisions = useDecisions(list, selection)

  function search(f: MyFilters): Promise<void> {
    selection.clear()
    return list.search(f)
  }

  /** 全选: everything the applied filters match, by the count shown. */
  const selectAll = () => selection.selectAll(list.total.value)

  const canResubmit = computed(() =>
    allIn(RESUBMITTABLE, selection.selectedRows.value, selection.byFilter.value, list.filters.value),
  )
  const canWithdraw = computed(() =>
    allIn(WITHDRAWABLE, selection.selectedRows.value, selection.byFilter.value, list.filters.value),
  )

  return {
    list,
    selection,
    search,
    selectAll,
    canResubmit,
    canWithdraw,
    resubmit: () => decisions.decide('resubmit'),
    withdraw: () => decisions.decide('withdraw'),
    submitting: decisions.submitting,
    refusalDialog: decisions.refusalDialog,
  }
}
