// 读卡设备: labels and the reason rule of disabling / enabling a registered card agent.
import type { CardAgent } from '@/api/production'

export type AgentAction = 'disable' | 'enable'

/** The server's limit on the reason (CardAgentDisableBody.reason maxLength). */
export const AGENT_REASON_MAX = 500

export const actionLabels = { disable: '停用', enable: '启用' } as const satisfies Record<AgentAction, string>

export const DISABLE_NOTICE =
  '停用后，服务器不再为该读卡客户端签发写卡凭据，并拒绝它提交的写卡回执（包括停用前已签发的凭据），办卡和同步年检都不能在这台设备上完成。停用人、时间和原因将记入审计日志，可随时重新启用。'
export const ENABLE_NOTICE = '启用后，该读卡客户端可以重新写卡。启用操作将记入审计日志。'

/** '' when the reason is acceptable, else why not (Chinese): required to disable, optional to enable. */
export function agentReasonError(action: AgentAction, reason: string): string {
  const r = reason.trim()
  if (action === 'disable' && !r) return '请填写停用原因（如“设备丢失”“人员调离”）'
  if ([...r].length > AGENT_REASON_MAX) return `原因最多 ${AGENT_REASON_MAX} 字`
  return ''
}

/** 启用 / 已停用, for the status column. */
export function agentStateText(a: Pick<CardAgent, 'disabled'>): string {
  return a.disabled ? '已停用' : '启用'
}

/** Who disabled it, when and why, for the tooltip and the dialog. */
export function disabledDetail(a: Pick<CardAgent, 'disabled' | 'disabled_by' | 'disabled_reason'>, at: string): string {
  if (!a.disabled) return ''
  return `${a.disabled_by} 于 ${at} 停用：${a.disabled_reason}`
}
