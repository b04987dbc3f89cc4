// Chinese labels for the certificate workflow: application kinds and states, timeline steps,
// certificate types and the refusal rules. (The configured 注销原因 come from GET /api/v1/policies.)
import type { AppKind, AppState, LossKind } from '@/api/workflow'
import type { CertType } from '@/api/types'

export const appKinds = {
  new_card: '办卡',
  replacement: '补卡',
  renewal: '换发',
  inspection: '年检',
  cancellation: '注销',
  suspension: '暂扣',
  revocation: '吊销',
} as const satisfies Record<AppKind, string>

/** Tags of timeline entries: the application kinds, and 调动 (a move to another unit). */
export const timelineKinds = { ...appKinds, transfer: '调动' } as const satisfies Record<AppKind | 'transfer', string>

/** Kinds a unit applies for (and its reviewers see in their queues). */
export const UNIT_KINDS = ['new_card', 'replacement', 'renewal', 'inspection', 'cancellation'] as const satisfies readonly AppKind[]
export type UnitKind = (typeof UNIT_KINDS)[number]

export const unitKindOptions = UNIT_KINDS.map((value) => ({ value, label: appKinds[value] }))

export const appStates = {
  draft: '草稿',
  submitted: '待单位审核',
  unit_approved: '待法制机构审核',
  legal_approved: '审核通过',
  in_production: '制证中',
  completed: '已完成',
  returned: '已退回',
  withdrawn: '已撤回',
  stale: '已过期',
} as const satisfies Record<AppState, string>

/** States offered in list filters (drafts are never listed). */
export const appStateOptions = (Object.keys(appStates) as AppState[])
  .filter((s) => s !== 'draft')
  .map((value) => ({ value: value as Exclude<AppState, 'draft'>, label: appStates[value] }))

/** Tag colours of states in lists. */
export function appStateTagType(s: AppState): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  switch (s) {
    case 'submitted':
    case 'unit_approved':
      return 'warning'
    case 'legal_approved':
    case 'in_production':
    case 'completed':
      return 'success'
    case 'returned':
    case 'stale':
      return 'danger'
    case 'withdrawn':
    case 'draft':
      return 'info'
  }
  return 'primary'
}

const steps: Record<string, string> = {
  apply: '提交申请',
  unit_approve: '单位审核',
  legal_approve: '法制机构审核',
  reject: '退回',
  withdraw: '撤回',
  resubmit: '重新提交',
  produce: '制证',
  issue: '发证',
  chip_sync: '同步芯片',
  complete: '办结',
  transfer: '调动',
}

const decisions: Record<string, string> = {
  submit: '提交',
  approve: '通过',
  reject: '退回',
  withdraw: '撤回',
}

/** 「单位审核 通过」 for a timeline step; unknown codes are shown as they are. */
export function stepLabel(step: string, decision: string): string {
  const s = steps[step] ?? step
  const d = decisions[decision]
  if (!d || step === 'reject' || step === 'withdraw' || step === 'apply' || step === 'resubmit') return s
  return `${s}${d}`
}

/** Timeline dot colour of a decision. */
export function stepType(decision: string): 'primary' | 'success' | 'danger' | 'info' {
  if (decision === 'approve') return 'success'
  if (decision === 'reject') return 'danger'
  if (decision === 'withdraw') return 'info'
  return 'primary'
}

export const certTypeOptions = [
  { value: 'law_enforcement', label: '行政执法证' },
  { value: 'supervision', label: '行政执法监督证' },
] as const satisfies readonly { value: CertType; label: string }[]

export const lossKinds = { lost: '遗失', damaged: '损坏' } as const satisfies Record<LossKind, string>

/** Short names of the rules the server cites in refusals, for the 原因 tag. */
export const refusalRules: Record<string, string> = {
  overdue: '已超期',
  round: '不属本年度',
  exam: '考试',
  photo: '无照片',
  staffing: '非在编',
  open_application: '已有申请',
  one_active: '已持证',
  barred: '吊销限制期',
  printed_fields: '信息不全',
  annual_review: '考核不称职',
  sanction: '处分期内',
  cert_state: '证件状态',
  state: '申请状态',
  level: '非同级',
  separation_of_duties: '不能审核本人申请',
  jurisdiction: '无权限',
  exists: '不存在',
  changed: '已被他人处理',
  cert_suspended: '证件暂扣中',
  cert_pending: '证件制作中',
  locked_by_application: '申请办理中',
}

export function ruleLabel(rule: string): string {
  return refusalRules[rule] ?? rule
}
