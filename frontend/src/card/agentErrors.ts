// Chinese messages for the card agent's error codes (docs/card-agent.md, Error codes) and for the
// client's own failures: what happened and what the operator should do. The agent's English
// `message` is for logs only and is never shown as the message.
import type { AgentErrorCode, ClientErrorCode, ErrorCode } from './protocol'
import { AgentError } from './agentClient'

export interface AgentErrorText {
  /** What happened. */
  title: string
  /** What to do. */
  hint: string
  /**
   * What may be retried: `same` = the same write ticket (the card still holds its previous record),
   * `new` = ask the server for a new ticket, `none` = needs someone else (configuration, another card).
   */
  retry: 'same' | 'new' | 'none'
}

const T = (title: string, hint: string, retry: AgentErrorText['retry'] = 'none'): AgentErrorText => ({ title, hint, retry })

export const AGENT_ERROR_TEXT: Record<AgentErrorCode | ClientErrorCode, AgentErrorText> = {
  bad_request: T('读卡客户端拒绝了请求（请求格式错误）', '请刷新页面后重试；如仍出现，请联系系统管理员'),
  unknown_type: T('读卡客户端不支持该操作', '读卡客户端版本过旧，请安装最新版本'),
  origin_forbidden: T('读卡客户端拒绝了本网站的连接', '请管理员在读卡客户端 config.json 的 allowed_origins 中加入本系统网址'),
  not_paired: T('本浏览器尚未与读卡客户端配对', '请点击页面右上角的“读卡器”重新配对'),
  pairing_failed: T('配对码错误或已过期', '请核对读卡客户端窗口（或日志）中显示的 6 位配对码；配对码 2 分钟内有效，最多尝试 5 次，过期请重新获取', 'new'),
  auth_failed: T('与读卡客户端的身份验证失败', '请重新连接；如仍失败，请重新配对'),
  busy: T('读卡器正忙（另一项读写操作尚未结束）', '请稍候再试', 'same'),
  internal: T('读卡客户端内部错误', '请重试；如仍出现，请将读卡客户端日志提供给系统管理员', 'same'),
  pcsc_unavailable: T('智能卡服务未运行', '请插好读卡器；Windows 请启动“Smart Card”服务，Linux 请启动 pcscd', 'same'),
  reader_unavailable: T('找不到读卡器，或读卡器正被其他程序占用', '请检查读卡器连接，并关闭其他读卡程序', 'same'),
  reader_forbidden: T('该读卡器被禁止使用（虚拟读卡器）', '请使用省司法厅配发的读卡器'),
  no_card: T('读卡器上没有卡片', '请将执法证放在读卡器上', 'same'),
  multiple_cards: T('读卡器上有多张卡片', '请只保留一张卡片', 'same'),
  not_supported: T('该读卡器或卡片不支持此操作', '（例如读卡器没有蜂鸣器）不影响写卡'),
  card_removed: T('读写过程中卡片被移开', '请将卡片放回读卡器后重试；卡内原有记录完好，可用同一凭据重试', 'same'),
  card_unsupported: T('不支持的卡片类型', '请使用省司法厅配发的执法证卡片'),
  card_error: T('卡片返回了异常状态', '请重试；如反复出现，请更换卡片', 'same'),
  card_bad_response: T('卡片应答异常', '请重试，并检查读卡器及驱动', 'same'),
  card_auth_failed: T('卡片密钥不匹配，无法写入', '该卡片可能由其他系统个人化，请联系系统管理员'),
  wrong_card: T('读卡器上的卡片不是该证件的卡片', '请核对卡面姓名和证号，放上正确的卡片', 'new'),
  card_not_blank: T('该卡片已写有其他证件的记录', '请换一张新卡片', 'new'),
  record_missing: T('卡内没有有效记录，无法同步年检', '该卡片需要重新制作（补卡或换发）'),
  stale_record: T('卡内记录比要写入的记录更新', '请重新读卡，再向服务器申请写卡凭据', 'new'),
  readback_mismatch: T('写入后回读校验不一致', '请重试（同一凭据可重试，原有记录完好）；如反复出现，请更换卡片', 'same'),
  ticket_expired: T('写卡凭据已过期（有效期 5 分钟）', '请重新写卡；如频繁出现，请检查本机时钟', 'new'),
  ticket_invalid: T('读卡客户端不接受服务器签发的写卡凭据', '读卡客户端的服务器公钥（ticket_keys）配置有误，或凭据不是签发给本机的：请联系系统管理员'),
  ticket_replayed: T('该写卡凭据已经使用过', '请重新写卡（将申请新的凭据）', 'new'),
  record_invalid: T('读卡客户端校验芯片记录失败', '服务器与读卡客户端的记录密钥（record_keys）不一致：请联系系统管理员'),
  record_mismatch: T('芯片记录与写卡凭据不符', '请重新写卡；如仍出现，请联系系统管理员', 'new'),
  record_too_large: T('芯片记录过长，卡片写不下', '请精简执法区域和执法类别后再制证'),
  timeout: T('读卡客户端长时间无响应', '写卡结果未知：请重新读卡核对；可用同一凭据重试', 'same'),
  disconnected: T('与读卡客户端的连接已断开', '请确认读卡客户端正在运行，连接恢复后重试', 'same'),
  protocol_mismatch: T('读卡客户端版本与本系统不兼容', '请安装与本系统配套的读卡客户端版本'),
}

const FALLBACK: AgentErrorText = T('读卡客户端返回了未知错误', '请重试；如仍出现，请联系系统管理员', 'same')

export function agentErrorText(code: ErrorCode): AgentErrorText {
  return (AGENT_ERROR_TEXT as Record<string, AgentErrorText>)[code] ?? { ...FALLBACK, title: `${FALLBACK.title}（${code}）` }
}

/** 「标题：提示」 for a message box or alert. */
export function agentErrorMessage(e: unknown): string {
  if (e instanceof AgentError) {
    const t = agentErrorText(e.code)
    return `${t.title}。${t.hint}`
  }
  return e instanceof Error ? e.message : String(e)
}
