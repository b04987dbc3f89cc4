// 用户管理: the 新建用户 and 重置密码 forms, their rules (mirroring the server's) and the request body.
import type { FormItemRule } from 'element-plus'
import type { NewUser, Role } from '@/api/types'
import { isUnitRole } from './userLabels'

export interface UserForm {
  username: string
  display_name: string
  role: Role | undefined
  /** 管辖区划 for province/legal/card roles; for unit roles only narrows the unit select. */
  scope: string | undefined
  unit_id: number | undefined
  password: string
}

export function emptyUserForm(scope?: string): UserForm {
  return { username: '', display_name: '', role: undefined, scope, unit_id: undefined, password: '' }
}

/** The POST /api/v1/users body: unit roles send their unit (the server takes its region), others the scope. */
export function toNewUser(f: UserForm): NewUser {
  if (!f.role) throw new Error('role is required')
  const body: NewUser = {
    username: f.username.trim(),
    display_name: f.display_name.trim(),
    role: f.role,
    password: f.password,
  }
  if (isUnitRole(f.role)) {
    if (f.unit_id !== undefined) body.unit_id = f.unit_id
  } else if (f.scope) {
    body.scope = f.scope
  }
  return body
}

export function userFormRules(form: UserForm): Partial<Record<keyof UserForm, FormItemRule[]>> {
  return {
    username: [
      { required: true, whitespace: true, message: '请输入用户名', trigger: 'blur' },
      { min: 3, max: 64, message: '用户名应为 3 至 64 个字符', trigger: 'blur' },
    ],
    display_name: [
      { required: true, whitespace: true, message: '请输入姓名', trigger: 'blur' },
      { max: 64, message: '姓名最多 64 个字符', trigger: 'blur' },
    ],
    role: [{ required: true, message: '请选择角色', trigger: 'change' }],
    scope: [
      {
        trigger: 'change',
        validator: (_r, v: string | undefined, cb) =>
          cb(!isUnitRole(form.role) && !v ? new Error('请选择管辖区划') : undefined),
      },
    ],
    unit_id: [
      {
        trigger: 'change',
        validator: (_r, v: number | undefined, cb) =>
          cb(isUnitRole(form.role) && v === undefined ? new Error('请选择所属单位') : undefined),
      },
    ],
    password: initialPasswordRules(),
  }
}

/** The initial password: required here; the policy (length, classes, not the username) is the server's. */
export function initialPasswordRules(): FormItemRule[] {
  return [{ required: true, message: '请输入初始密码', trigger: 'blur' }]
}

const SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '@#$%&*+=?!'] as const

function randomIndex(n: number): number {
  const buf = new Uint32Array(1)
  globalThis.crypto.getRandomValues(buf)
  return buf[0]! % n
}

/**
 * A random initial password that meets the default policy: 12 characters with all four classes,
 * no look-alike characters (0/O, 1/l/I), never containing the username.
 */
export function generatePassword(username = '', length = 12): string {
  for (;;) {
    const chars = SETS.map((s) => s[randomIndex(s.length)]!)
    const all = SETS.join('')
    while (chars.length < length) chars.push(all[randomIndex(all.length)]!)
    for (let i = chars.length - 1; i > 0; i--) {
      const j = randomIndex(i + 1)
      ;[chars[i], chars[j]] = [chars[j]!, chars[i]!]
    }
    const pw = chars.join('')
    if (!username || !pw.toLowerCase().includes(username.toLowerCase())) return pw
  }
}
