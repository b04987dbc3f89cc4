// 暂扣 / 吊销 (legal offices, certificate:suspend): the request body for
// POST /api/v1/certificates/sanctions and the wording of the dialog.
import type { SanctionBody } from '@/api/workflow'
import type { CertState, CertType } from '@/api/types'

export type SanctionKind = SanctionBody['kind']

export const sanctionLabels = { suspension: '暂扣', revocation: '吊销' } as const satisfies Record<SanctionKind, string>

/** The revocation warning with the configured bar (GET /api/v1/policies); unknown: no number. */
export function revocationWarning(barYears?: number): string {
  const bar = barYears && barYears > 0 ? `${barYears} 年内` : '在限制期内'
  return `吊销后证件立即失效，且该人员${bar}不得重新申请执法证件。此操作不能撤回。`
}
export const SUSPENSION_NOTICE = '暂扣后证件立即停止使用，直至恢复或吊销。'

/** Which sanctions a certificate in this state can take (the server decides in the end). */
export function allowedSanctions(state: CertState | null | undefined): SanctionKind[] {
  if (state === 'active') return ['suspension', 'revocation']
  if (state === 'suspended') return ['revocation']
  return []
}

export function sanctionBody(
  kind: SanctionKind,
  officerId: number,
  reason: string,
  certType?: CertType | null,
): SanctionBody {
  return { kind, officer_ids: [officerId], reason: reason.trim(), ...(certType ? { cert_type: certType } : {}) }
}
