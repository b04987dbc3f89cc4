// Chinese labels for officer enums: certificate state and type, sex, staffing.
import type { CertState, CertType, Sex, Staffing } from '@/api/types'

export const certStates = {
  none: '未申领',
  pending: '待制证',
  active: '有效',
  suspended: '暂扣',
  revoked: '吊销',
  cancelled: '已注销',
  void: '已作废',
} as const satisfies Record<CertState, string>

export const certTypes = {
  law_enforcement: '行政执法证',
  supervision: '行政执法监督证',
} as const satisfies Record<CertType, string>

export const sexes = { M: '男', F: '女' } as const satisfies Record<Sex, string>

export const staffings = {
  established: '在编',
  contract: '合同',
  dispatched: '派遣',
  seconded: '借调',
  temporary: '临时',
} as const satisfies Record<Staffing, string>

export const certStateOptions = (Object.keys(certStates) as CertState[]).map((value) => ({
  value,
  label: certStates[value],
}))

export function isCertState(v: unknown): v is CertState {
  return typeof v === 'string' && Object.hasOwn(certStates, v)
}

function lookup<K extends string>(table: Record<K, string>, key: K | null | undefined): string {
  return key != null && Object.hasOwn(table, key) ? table[key] : '—'
}

export const certStateLabel = (s: CertState | null | undefined) => lookup(certStates, s)
export const certTypeLabel = (t: CertType | null | undefined) => lookup(certTypes, t)
export const sexLabel = (s: Sex | null | undefined) => lookup(sexes, s)
export const staffingLabel = (s: Staffing | null | undefined) => lookup(staffings, s)
