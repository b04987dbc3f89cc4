// Decisions on applications (单位审核 / 法制机构审核 / 退回 / 撤回 / 重新提交) for the ticked rows or,
// with 全选, for everything the queue's filter matches (filter + the count shown). The versions
// of the rows the user saw go along: another reviewer acting first makes the batch a 409.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { api, call } from '@/api/client'
import type { Application, BatchResult, DecideAction, DecideBody } from '@/api/workflow'
import { toAppSelection, type AppListFilters, type ApplicationList } from './useApplicationList'
import { useBatchRunner, type RunResult } from './useBatchRunner'
import type { Selection } from './useSelection'

export type ReviewStage = 'unit' | 'legal'

export interface StageInfo {
  title: string
  /** The queue: applications waiting for this stage. */
  filters: AppListFilters
  approve: Extract<DecideAction, 'approve_unit' | 'approve_legal'>
  approveLabel: string
  perm: string
  hint: string
}

export const STAGES = {
  unit: {
    title: '单位审核',
    filters: { state: 'submitted' },
    approve: 'approve_unit',
    approveLabel: '审核通过',
    perm: 'application:approve_unit',
    hint: '单位审核通过相当于纸质公文的盖章生效。勾选要审核通过的人员，人员较多时可使用过滤或全选；申请人本人不能审核自己提交的申请。',
  },
  legal: {
    title: '法制机构审核',
    filters: { state: 'unit_approved', same_level: true },
    approve: 'approve_legal',
    approveLabel: '审核通过',
    perm: 'application:approve_legal',
    hint: '只能对同级政府执法人员审核，只对划勾的人员审核；考试不合格、没有照片的审核不能通过。',
  },
} as const satisfies Record<ReviewStage, StageInfo>

/** The body of a decision on the current selection. */
export function decisionBody(
  action: DecideAction,
  selection: Selection<Application>,
  filters: AppListFilters,
  visible: readonly Application[],
  comment?: string,
): DecideBody {
  const seen = selection.byFilter.value ? visible : selection.selectedRows.value
  const versions: Record<string, number> = {}
  for (const a of seen) versions[String(a.id)] = a.version
  const body: DecideBody = { action, versions }
  if (selection.byFilter.value) body.filter = toAppSelection(filters, selection.expected.value)
  else body.ids = selection.ids.value
  const c = comment?.trim()
  if (c) body.comment = c
  return body
}

/** The success message: 本次共审核通过 N 人 (seed: 系统会提示你本次共审核通过几人). */
export function decisionMessage(action: DecideAction, count: number): string {
  switch (action) {
    case 'approve_unit':
    case 'approve_legal':
      return `本次共审核通过 ${count} 人`
    case 'reject':
      return `本次共退回 ${count} 人`
    case 'withdraw':
      return `本次共撤回 ${count} 项申请`
    case 'resubmit':
      return `本次共重新提交 ${count} 项申请`
  }
  return `本次共处理 ${count} 项`
}

export function useDecisions(list: ApplicationList, selection: Selection<Application>) {
  const runner = useBatchRunner()

  function nameOf(id: number): string | undefined {
    return (selection.rows.value.get(id) ?? list.items.value.find((a) => a.id === id))?.officer_name
  }

  async function decide(action: DecideAction, comment?: string): Promise<RunResult<BatchResult>> {
    const body = decisionBody(action, selection, list.filters.value, list.items.value, comment)
    const res = await runner.run(() => call(api.POST('/api/v1/applications/decisions', { body }), { silent: true }), {
      known: (target, id) => (target === 'applications' ? nameOf(id) : undefined),
      onConflict: async () => {
        selection.clear()
        await list.reload()
      },
    })
    if (res.ok) {
      ElMessage.success({ message: decisionMessage(action, res.data.count), duration: 4000 })
      selection.clear()
      await list.reload()
    }
    return res
  }

  return { decide, submitting: runner.submitting, refusalDialog: runner.dialog }
}
