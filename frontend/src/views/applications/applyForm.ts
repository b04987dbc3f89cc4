// The apply screens (申请办卡, 申请补卡, 申请换发, 年检申请, 证件注销): what each lists, the form
// each asks for, client-side checks mirroring the server's, and the request body.
import type { CertState, CertType, Officer } from '@/api/types'
import type { ApplyBody, LossKind, OfficerSelection } from '@/api/workflow'
import { cleanFilters, type OfficerFilters } from '@/views/officers/officerFilters'
import type { UnitKind } from './appLabels'

export interface ApplyPageInfo {
  kind: UnitKind
  /** Page title (menu entry). */
  title: string
  /** Label of the submit button. */
  action: string
  /** Certificate states the list may be filtered by; the first is the default. */
  certStates: readonly CertState[]
  /** 年检年度 must be filtered before applying (inspections). */
  needsRound: boolean
  hint: string
  perm: string
}

export const APPLY_PAGES = {
  new_card: {
    kind: 'new_card',
    title: '申请办卡',
    action: '申请',
    certStates: ['none', 'cancelled', 'void', 'revoked'],
    needsRound: false,
    hint: '列出本单位尚未持有有效证件的人员。执法人员编码、姓名、所在单位、执法区域和照片是需要在执法证卡上打印的数据，不能为空；首次申领须通过执法资格考试。',
    perm: 'application:create',
  },
  replacement: {
    kind: 'replacement',
    title: '申请补卡',
    action: '申请补卡',
    certStates: ['active'],
    needsRound: false,
    hint: '已发证人员的执法证遗失或损坏需要补办的，使用申请补卡功能。遗失的须登报声明作废，已声明作废的证件即使找到也不能再使用；补卡后原证号作废。',
    perm: 'application:create',
  },
  renewal: {
    kind: 'renewal',
    title: '申请换发',
    action: '申请换发',
    certStates: ['active'],
    needsRound: false,
    hint: '证件信息变更等需要换发新证的，填写换发理由；换发后原证号作废。',
    perm: 'application:create',
  },
  inspection: {
    kind: 'inspection',
    title: '年检申请',
    action: '申请',
    certStates: ['active'],
    needsRound: true,
    hint: '执法证每两年年检一次。距年检期限不足两个月的人员以暗红色标示，已超过年检期限的以鲜红色标示，且本单位不能再申请年检，只能注销后重新申请。请先在“过滤 - 年检年度”中选择上次年检的年份（如 2012 年的审验选择 2010），以免将不参加本年度审验的证件提前年审。',
    perm: 'application:create',
  },
  cancellation: {
    kind: 'cancellation',
    title: '证件注销',
    action: '申请注销',
    certStates: ['active', 'suspended'],
    needsRound: false,
    hint: '调离执法岗位、辞职、退休、逾期未年检等情形须注销证件并收回。注销同样需要单位审核和法制机构审核。',
    perm: 'application:create',
  },
} as const satisfies Record<UnitKind, ApplyPageInfo>

/** The filters an apply screen offers: exactly those a batch by filter can repeat on the server. */
export interface ApplyFilters {
  cert_state?: CertState
  /** 年检年度: the year of the last inspection. */
  year?: number
  name?: string
  officer_code?: string
  cert_no?: string
}

/** Filters for the officer list: the page's defaults, then the user's (cleaned). */
export function applyListFilters(info: ApplyPageInfo, f: ApplyFilters): OfficerFilters {
  const c = cleanFilters(f)
  const state = c.cert_state && info.certStates.includes(c.cert_state) ? c.cert_state : info.certStates[0]
  const out: OfficerFilters = { cert_state: state }
  if (c.year !== undefined) out.year = c.year
  if (c.name !== undefined) out.name = c.name
  if (c.officer_code !== undefined) out.officer_code = c.officer_code
  if (c.cert_no !== undefined) out.cert_no = c.cert_no
  return out
}

/** The filter of a batch over everything the list shows (全选), with the count the user saw. */
export function toOfficerSelection(f: OfficerFilters, expectedCount: number): OfficerSelection {
  const c = cleanFilters(f)
  const sel: OfficerSelection = { expected_count: expectedCount }
  if (c.unit_id !== undefined) sel.unit_id = c.unit_id
  if (c.cert_state !== undefined) sel.cert_state = c.cert_state
  if (c.year !== undefined) sel.year = c.year
  if (c.name !== undefined) sel.name = c.name
  if (c.officer_code !== undefined) sel.officer_code = c.officer_code
  if (c.cert_no !== undefined) sel.cert_no = c.cert_no
  return sel
}

export interface ApplyForm {
  cert_type: CertType
  /** 换发 理由, 注销 原因, 补卡 说明. */
  reason: string
  loss?: LossKind
  newspaper: string
  /** YYYY-MM-DD. */
  published_on: string
}

export function emptyApplyForm(certType: CertType = 'law_enforcement'): ApplyForm {
  return { cert_type: certType, reason: '', newspaper: '', published_on: '' }
}

/**
 * The certificate type the request must name: for a new card the chosen one; otherwise the type of
 * the selected officers' certificates (the server looks up the certificate of that type).
 * `mixed` when the ticked officers hold different types (they must be applied for separately).
 */
export function certTypeOf(rows: readonly Pick<Officer, 'cert_type'>[]): CertType | 'mixed' | undefined {
  const types = new Set(rows.map((r) => r.cert_type).filter((t): t is CertType => t != null))
  if (types.size > 1) return 'mixed'
  return [...types][0]
}

/**
 * Client-side checks of the form (the server checks again); field → message. `cancelReasons` is
 * the configured list of 注销原因 (GET /api/v1/policies); before it is known any non-empty reason
 * passes here and the server has the last word.
 */
export function applyFormProblems(
  kind: UnitKind,
  f: ApplyForm,
  today = new Date(),
  cancelReasons?: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {}
  if (kind === 'renewal' && f.reason.trim() === '') out.reason = '请填写换发理由'
  if (kind === 'cancellation' && (f.reason === '' || (cancelReasons !== undefined && !cancelReasons.includes(f.reason)))) {
    out.reason = '请选择注销原因'
  }
  if (f.reason.length > 500) out.reason = '最多 500 字'
  if (kind === 'replacement') {
    if (!f.loss) out.loss = '请选择补卡原因：遗失或损坏'
    if (f.loss === 'lost') {
      if (f.newspaper.trim() === '') out.newspaper = '遗失补卡须填写登报声明作废的报刊名称'
      if (!/^\d{4}-\d{2}-\d{2}$/.test(f.published_on)) out.published_on = '请选择刊登日期'
      else if (f.published_on > isoDate(today)) out.published_on = '刊登日期不能晚于今天'
    }
  }
  return out
}

function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

export type OfficerPick = { officer_ids: number[] } | { filter: OfficerSelection }

/** The request body for a kind, the officers picked and the form. */
export function toApplyBody(kind: UnitKind, pick: OfficerPick, f: ApplyForm, round?: number): ApplyBody {
  const body: ApplyBody = { kind, cert_type: f.cert_type, ...pick }
  const reason = f.reason.trim()
  switch (kind) {
    case 'inspection':
      if (round !== undefined) body.round = round
      break
    case 'renewal':
    case 'cancellation':
      body.reason = reason
      break
    case 'replacement':
      if (f.loss) body.loss = f.loss
      if (f.loss === 'lost') body.void_notice = { newspaper: f.newspaper.trim(), published_on: f.published_on }
      if (reason) body.reason = reason
      break
    case 'new_card':
      break
  }
  return body
}
