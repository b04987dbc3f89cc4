// 用户管理: Chinese labels for roles and account states.
import type { Role, User } from '@/api/types'

/** Role names as the server's /me role_label gives them (domain.Role.Label). */
export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  legal_reviewer: '法制机构审核人',
  card_issuer: '制证员',
  unit_reviewer: '单位审核人',
  unit_operator: '单位经办人',
}

/** Roles in the order offered: province/legal offices first, then unit roles. */
export const ROLE_ORDER: readonly Role[] = ['admin', 'legal_reviewer', 'card_issuer', 'unit_reviewer', 'unit_operator']

export const roleOptions = ROLE_ORDER.map((value) => ({ value, label: ROLE_LABELS[value] }))

export function roleLabel(role: string | null | undefined): string {
  return role && role in ROLE_LABELS ? ROLE_LABELS[role as Role] : (role ?? '—')
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && v in ROLE_LABELS
}

/** Unit roles belong to a unit; their jurisdiction is the unit's region. */
export function isUnitRole(role: Role | undefined): boolean {
  return role === 'unit_operator' || role === 'unit_reviewer'
}

export interface StatusTag {
  key: 'disabled' | 'locked' | 'must_change' | 'active'
  label: string
  type: 'info' | 'danger' | 'warning' | 'success'
}

/** Tags for the 状态 column: 已停用, 已锁定, 待修改密码, or 正常. */
export function statusTags(u: Pick<User, 'disabled' | 'locked' | 'must_change_password'>): StatusTag[] {
  const tags: StatusTag[] = []
  if (u.disabled) tags.push({ key: 'disabled', label: '已停用', type: 'info' })
  if (u.locked) tags.push({ key: 'locked', label: '已锁定', type: 'danger' })
  if (u.must_change_password) tags.push({ key: 'must_change', label: '待修改密码', type: 'warning' })
  if (tags.length === 0) tags.push({ key: 'active', label: '正常', type: 'success' })
  return tags
}
