// 审计日志: the filter form, its mapping to GET /api/v1/audit-events, and Chinese labels for
// actions and results.
import type { AuditQuery, AuditResult } from '@/api/types'

export interface AuditFilters {
  /** [from, to) as Dates from the date-time range picker. */
  range?: [Date, Date] | null
  /** Actor username, exact. */
  actor?: string
  /** An action (user.create) or a family (user). */
  action?: string
  result?: AuditResult
  /** Region subtree (6-digit code). */
  region?: string
  /** Request id, exact (from a problem's 请求编号). */
  request_id?: string
}

export const AUDIT_PAGE_SIZES = [20, 50, 100] as const
export type AuditPageSize = (typeof AUDIT_PAGE_SIZES)[number]
export const DEFAULT_AUDIT_PAGE_SIZE: AuditPageSize = 50

export const RESULT_LABELS: Record<AuditResult, { label: string; type: 'success' | 'warning' | 'danger' }> = {
  success: { label: '成功', type: 'success' },
  failure: { label: '失败', type: 'warning' },
  denied: { label: '拒绝', type: 'danger' },
}

export const resultOptions = (Object.keys(RESULT_LABELS) as AuditResult[]).map((value) => ({
  value,
  label: RESULT_LABELS[value].label,
}))

/** Action families (the part before the dot); filtering by one matches all its actions. */
export const ACTION_FAMILIES: Record<string, string> = {
  auth: '登录与会话',
  user: '用户管理',
  client: '接口客户端',
  api: '接口调用',
  officer: '执法人员',
  unit: '执法单位',
  application: '申请审批',
  certificate: '证件',
  audit: '审计日志',
}

export const ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录',
  'auth.logout': '退出登录',
  'auth.refresh': '刷新会话',
  'auth.client_token': '接口客户端获取令牌',
  'api.call': '接口调用',
  'user.create': '新建用户',
  'user.change_password': '修改密码',
  'user.reset_password': '重置密码',
  'user.disable': '停用用户',
  'user.enable': '启用用户',
  'user.unlock': '解锁用户',
  'client.create': '注册接口客户端',
  'officer.create': '新增执法人员',
  'officer.update': '修改执法人员',
  'officer.reveal_id_number': '查看完整身份证号',
  'officer.photo_update': '更新照片',
  'officer.exam_add': '录入考试成绩',
  'unit.create': '新增单位',
  'unit.update': '修改单位',
  'unit.dissolve': '撤销单位',
  'unit.delete': '删除单位',
  'application.create': '提交申请',
  'application.approve_unit': '单位审核',
  'application.approve_legal': '法制机构审核',
  'audit.prune': '清理审计日志',
}

export const actionOptions = [
  {
    label: '按类别',
    options: Object.entries(ACTION_FAMILIES).map(([value, label]) => ({ value, label: `${label}（全部）` })),
  },
  {
    label: '具体操作',
    options: Object.entries(ACTION_LABELS).map(([value, label]) => ({ value, label })),
  },
]

/** 登录 for auth.login; a family's name for unknown actions of a known family; else the code. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? ACTION_FAMILIES[action] ?? action
}

export const TARGET_LABELS: Record<string, string> = {
  user: '用户',
  session: '会话',
  client: '接口客户端',
  officer: '执法人员',
  unit: '单位',
  application: '申请',
  certificate: '证件',
}

export function targetLabel(type: string | undefined, id: string | undefined): string {
  if (!type && !id) return '—'
  const name = type ? (TARGET_LABELS[type] ?? type) : ''
  return id ? `${name} ${id}`.trim() : name
}

function text(v: string | undefined, max: number): string | undefined {
  const t = v?.trim()
  return t ? t.slice(0, max) : undefined
}

/** Query parameters for the filters (empty ones left out; times as RFC 3339). */
export function toAuditQuery(f: AuditFilters): AuditQuery {
  const q: AuditQuery = {}
  if (f.range?.[0]) q.from = f.range[0].toISOString()
  if (f.range?.[1]) q.to = f.range[1].toISOString()
  const actor = text(f.actor, 64)
  if (actor) q.actor = actor
  const action = text(f.action, 64)
  if (action) q.action = action
  if (f.result) q.result = f.result
  if (f.region && /^\d{6}$/.test(f.region)) q.region = f.region
  const rid = text(f.request_id, 64)
  if (rid) q.request_id = rid
  return q
}

const pad = (n: number) => String(n).padStart(2, '0')

/** 2026-03-01 16:00:00 in the browser's time zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  )
}

/** Shortcuts for the time range picker. */
export function rangeShortcuts(now: () => Date = () => new Date()) {
  const back = (ms: number) => () => {
    const end = now()
    return [new Date(end.getTime() - ms), end]
  }
  const H = 3600_000
  return [
    { text: '最近 1 小时', value: back(H) },
    { text: '最近 24 小时', value: back(24 * H) },
    { text: '最近 7 天', value: back(7 * 24 * H) },
    { text: '最近 30 天', value: back(30 * 24 * H) },
  ]
}
