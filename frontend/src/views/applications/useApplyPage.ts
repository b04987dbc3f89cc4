// State of an apply screen: the unit's officers (filtered as the kind needs), the selection
// (ticked rows or 全选 by filter), and the all-or-nothing application request with its refusals.
import { computed } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { api, call } from '@/api/client'
import type { CertType, Officer } from '@/api/types'
import type { BatchResult } from '@/api/workflow'
import type { PageSize } from '@/views/officers/officerFilters'
import { useOfficerList } from '@/views/officers/useOfficerList'
import { appKinds } from './appLabels'
import {
  applyListFilters,
  certTypeOf,
  toApplyBody,
  toOfficerSelection,
  type ApplyFilters,
  type ApplyForm,
  type ApplyPageInfo,
  type OfficerPick,
} from './applyForm'
import { useBatchRunner, type RunResult } from './useBatchRunner'
import { useSelection } from './useSelection'

export function useApplyPage(info: ApplyPageInfo, init: { filters?: ApplyFilters; pageSize?: PageSize } = {}) {
  const list = useOfficerList({ filters: applyListFilters(info, init.filters ?? {}), pageSize: init.pageSize ?? 50 })
  const selection = useSelection<Officer>()
  const runner = useBatchRunner()

  /** 年检年度 of the applied filters (the round an inspection is for). */
  const round = computed(() => list.filters.value.year)

  /** Why 申请 cannot be pressed now; undefined when it can. */
  const blocked = computed<string | undefined>(() => {
    if (info.needsRound && round.value === undefined) return '请先在过滤条件中选择年检年度'
    if (selection.empty.value) return '请勾选人员或全选'
    return undefined
  })

  /**
   * The certificate type to apply with by default: the ticked officers' (undefined when mixed),
   * else that of the first visible row holding one.
   */
  const suggestedCertType = computed<CertType | 'mixed'>(() => {
    if (!selection.byFilter.value) {
      const t = certTypeOf(selection.selectedRows.value)
      if (t !== undefined) return t
    }
    return certTypeOf(list.items.value.filter((o) => o.cert_type != null).slice(0, 1)) ?? 'law_enforcement'
  })

  /** Applies filters; a 全选 made under other filters no longer holds. */
  function search(f: ApplyFilters): Promise<void> {
    if (selection.byFilter.value) selection.clear()
    return list.search(applyListFilters(info, f))
  }

  /** 全选: everything the applied filters match, by the count shown. */
  const selectAll = () => selection.selectAll(list.total.value)

  function pick(): OfficerPick {
    return selection.byFilter.value
      ? { filter: toOfficerSelection(list.filters.value, selection.expected.value) }
      : { officer_ids: selection.ids.value }
  }

  function nameOf(id: number): string | undefined {
    return (selection.rows.value.get(id) ?? list.items.value.find((o) => o.id === id))?.name
  }

  /** Sends the applications; on success tells the count, clears the selection and reloads. */
  async function submit(form: ApplyForm): Promise<RunResult<BatchResult>> {
    const body = toApplyBody(info.kind, pick(), form, round.value)
    const res = await runner.run(() => call(api.POST('/api/v1/applications', { body }), { silent: true }), {
      known: (target, id) => (target === 'officers' ? nameOf(id) : undefined),
      onConflict: async () => {
        selection.clear()
        await list.search(list.filters.value) // page 1 and a fresh count
      },
    })
    if (res.ok) {
      ElMessage.success({
        message: `申请成功：本次共提交${appKinds[info.kind]}申请 ${res.data.count} 人，请等待单位审核`,
        duration: 4000,
      })
      selection.clear()
      await list.search(list.filters.value)
    }
    return res
  }

  return {
    info,
    list,
    selection,
    round,
    blocked,
    suggestedCertType,
    submitting: runner.submitting,
    refusalDialog: runner.dialog,
    search,
    selectAll,
    submit,
  }
}

export type ApplyPage = ReturnType<typeof useApplyPage>
