// A review queue (单位审核: state=submitted; 法制机构审核: state=unit_approved&same_level=true):
// the list under the stage's fixed filters plus the reviewer's (申请类型, 姓名, 单位), the selection
// and the decisions on it.
import type { Application, AppKind } from '@/api/workflow'
import { useApplicationList, type AppListFilters } from './useApplicationList'
import { STAGES, useDecisions, type ReviewStage } from './useDecisions'
import { useSelection } from './useSelection'

/** What the reviewer filters by (过滤). */
export interface ReviewFilters {
  kind?: AppKind
  name?: string
  unit_id?: number
  /** 年检年度 (seed: 过滤-年检年度), so a round is approved without touching other years. */
  year?: number
}

/** The stage's queue filters with the reviewer's on top (the stage's state cannot be overridden). */
export function queueFilters(stage: ReviewStage, f: ReviewFilters): AppListFilters {
  return { ...f, ...STAGES[stage].filters }
}

export function useReviewQueue(stage: ReviewStage) {
  const info = STAGES[stage]
  const list = useApplicationList({ filters: queueFilters(stage, {}) })
  const selection = useSelection<Application>()
  const decisions = useDecisions(list, selection)

  /** Applies the reviewer's filters; a 全选 made under other filters no longer holds. */
  function search(f: ReviewFilters): Promise<void> {
    selection.clear()
    return list.search(queueFilters(stage, f))
  }

  /** 全选: everything in the queue under the current filters, by the count shown. */
  const selectAll = () => selection.selectAll(list.total.value)

  const approve = () => decisions.decide(info.approve)
  const reject = (comment: string) => decisions.decide('reject', comment)

  return {
    info,
    list,
    selection,
    search,
    selectAll,
    approve,
    reject,
    submitting: decisions.submitting,
    refusalDialog: decisions.refusalDialog,
  }
}

export type ReviewQueue = ReturnType<typeof useReviewQueue>
