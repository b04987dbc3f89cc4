// 修改密码: the password policy in words (from the published rules) and the
// mapping of its field errors (errors[].field = old_password | new_password) onto the form.
import type { FormItemRule } from 'element-plus'
import type { ApiProblem } from '@/api/problem'
import type { LockoutRules, PasswordRules } from '@/api/policies'

/**
 * The policy in words, from the rules the server publishes (GET /api/v1/policies); the server's own
 * messages are what the user sees when a password is refused.
 */
export function passwordPolicyLines(p: PasswordRules, lockout?: LockoutRules): string[] {
  const lines = [`长度至少 ${p.min_length} 位`]
  if (p.min_classes > 1) lines.push(`包含大写字母、小写字母、数字、符号中的至少 ${p.min_classes} 类`)
  lines.push('不能包含用户名')
  if (p.history > 0) lines.push(`不能与最近 ${p.history} 次使用过的密码相同`)
  if (p.max_age_days > 0) lines.push(`每 ${p.max_age_days} 天须修改一次`)
  if (lockout && lockout.max_failures > 0) {
    lines.push(`连续 ${lockout.max_failures} 次输错密码，账户将锁定 ${lockout.lock_minutes} 分钟`)
  }
  return lines
}

export interface PasswordForm {
  old_password: string
  new_password: string
  confirm: string
}

export type PasswordField = keyof PasswordForm

export function emptyPasswordForm(): PasswordForm {
  return { old_password: '', new_password: '', confirm: '' }
}

/** The server's messages for the two password inputs (a weak password breaks several rules at once). */
export function passwordFieldErrors(p: ApiProblem | null | undefined): Partial<Record<PasswordField, string>> {
  const all = p?.fieldErrors ?? {}
  const out: Partial<Record<PasswordField, string>> = {}
  if (all.old_password) out.old_password = all.old_password
  if (all.new_password) out.new_password = all.new_password
  return out
}

/** Client-side checks: required fields and a matching confirmation. The policy is the server's. */
export function passwordRules(form: PasswordForm): Record<PasswordField, FormItemRule[]> {
  return {
    old_password: [{ required: true, message: '请输入原密码', trigger: 'blur' }],
    new_password: [
      { required: true, message: '请输入新密码', trigger: 'blur' },
      {
        trigger: 'blur',
        validator: (_r, v: string, cb) =>
          cb(v && v === form.old_password ? new Error('新密码不能与原密码相同') : undefined),
      },
    ],
    confirm: [
      { required: true, message: '请再次输入新密码', trigger: 'blur' },
      {
        trigger: ['blur', 'change'],
        validator: (_r, v: string, cb) => cb(v && v !== form.new_password ? new Error('两次输入的新密码不一致') : undefined),
      },
    ],
  }
}
