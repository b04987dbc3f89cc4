// 调动 (transfer to another unit): the form, its client-side checks, the request body and the
// wording of the result. The server decides in the end (reach over both units, open applications,
// the certificate's state) and names the field it refuses.
import type { TransferBody, TransferResult } from '@/api/records'

export interface TransferForm {
  /** The new unit. */
  unit_id: number | undefined
  /** 执法区域 printed on the card; prefilled with the current one. */
  area: string
  /** 调动原因, e.g. the appointment order. */
  reason: string
}

export function emptyTransferForm(area = ''): TransferForm {
  return { unit_id: undefined, area, reason: '' }
}

/** Field → message; empty when the form may be sent. */
export function transferProblems(f: TransferForm, currentUnitId: number | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (f.unit_id === undefined) out.unit_id = '请选择调入单位'
  else if (f.unit_id === currentUnitId) out.unit_id = '调入单位与现所在单位相同'
  const reason = f.reason.trim()
  if (reason === '') out.reason = '请填写调动原因'
  else if ([...reason].length > 500) out.reason = '调动原因最多 500 字'
  if ([...f.area.trim()].length > 64) out.area = '执法区域最多 64 字'
  return out
}

/** The request body at the record's version; an unchanged or empty area is left out. */
export function toTransferBody(f: TransferForm, version: number, currentArea = ''): TransferBody {
  const body: TransferBody = { unit_id: f.unit_id as number, reason: f.reason.trim(), version }
  const area = f.area.trim()
  if (area && area !== currentArea) body.area = area
  return body
}

/** The success message: where to, and the renewal the card needs. */
export function transferDoneText(name: string, r: TransferResult): string {
  const n = r.renewal_application_ids.length
  const renewal = n > 0 ? `；证件上的单位随之变更，已为其提交换发申请 ${n} 项，待「${r.to_unit_name}」单位审核` : ''
  return `「${name}」已由「${r.from_unit_name}」调入「${r.to_unit_name}」${renewal}`
}
