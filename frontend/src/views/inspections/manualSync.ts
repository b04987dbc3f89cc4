// 手工同步 (step 4 by hand): the wording and the reason rule. Allowed only where the province's
// setting allows it (GET /api/v1/inspections/sync-policy), for the card issuer
// (certificate:manual_sync), for an approved inspection whose chip cannot be written.
import type { Application } from '@/api/workflow'

/** The server's limit on the reason (ManualSyncBody.reason maxLength). */
export const MANUAL_REASON_MAX = 500

export const MANUAL_SYNC_NOTICE =
  '手工同步只用于芯片损坏、无法读写的证件：不写芯片，由系统直接记录本次年审（第四步）。操作人、时间和原因将记入审计日志，且仅在本省允许手工同步时可用。同步后请更换有效期标签。'

export const MANUAL_SYNC_DISABLED = '本省不允许手工同步年检，请使用读卡器同步芯片'

/** '' when the reason is acceptable, else why not (Chinese). */
export function reasonError(reason: string, what = '手工同步原因'): string {
  const r = reason.trim()
  if (!r) return `请填写${what}`
  if ([...r].length > MANUAL_REASON_MAX) return `${what}最多 ${MANUAL_REASON_MAX} 字`
  return ''
}

/** Whether step 4 of this inspection is recorded (by receipt or by hand): only the sticker is left. */
export function isSynced(app: Pick<Application, 'chip'>): boolean {
  return !!app.chip?.synced_at
}

/** The state column of 同步年检 for a legally approved inspection, from the server's chip facts. */
export function syncStateText(app: Pick<Application, 'chip'>): string {
  if (!isSynced(app)) return '待同步芯片'
  return app.chip.sync_method === 'manual' ? '已手工同步，待更换标签' : '芯片已同步，待更换标签'
}
