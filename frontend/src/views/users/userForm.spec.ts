import { describe, expect, it } from 'vitest'
import { emptyUserForm, generatePassword, toNewUser } from './userForm'
import { isUnitRole, roleLabel, roleOptions, statusTags } from './userLabels'

describe('user form', () => {
  it('sends the unit for unit roles and the scope for the others', () => {
    const f = { ...emptyUserForm('370000'), username: ' lixia_op ', display_name: ' 经办人 ', password: 'P@ssw0rd1' }
    expect(toNewUser({ ...f, role: 'unit_operator', scope: '370102', unit_id: 34 })).toEqual({
      username: 'lixia_op',
      display_name: '经办人',
      role: 'unit_operator',
      unit_id: 34,
      password: 'P@ssw0rd1',
    })
    expect(toNewUser({ ...f, role: 'legal_reviewer', scope: '370102', unit_id: 34 })).toEqual({
      username: 'lixia_op',
      display_name: '经办人',
      role: 'legal_reviewer',
      scope: '370102',
      password: 'P@ssw0rd1',
    })
  })

  it('generates initial passwords that meet the default policy', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword('ab')
      expect(pw).toHaveLength(12)
      expect(pw).toMatch(/[A-Z]/)
      expect(pw).toMatch(/[a-z]/)
      expect(pw).toMatch(/[0-9]/)
      expect(pw).toMatch(/[^A-Za-z0-9]/)
      expect(pw.toLowerCase()).not.toContain('ab')
      expect(pw).not.toMatch(/[0O1lI]/)
    }
  })

  it('labels roles and states in Chinese', () => {
    expect(roleOptions.map((o) => o.label)).toEqual(['系统管理员', '法制机构审核人', '制证员', '单位审核人', '单位经办人'])
    expect(roleLabel('card_issuer')).toBe('制证员')
    expect(roleLabel('someone_new')).toBe('someone_new')
    expect(isUnitRole('unit_reviewer')).toBe(true)
    expect(isUnitRole('admin')).toBe(false)
    expect(statusTags({ disabled: true, locked: true, must_change_password: false }).map((t) => t.label)).toEqual([
      '已停用',
      '已锁定',
    ])
    expect(statusTags({ disabled: false, locked: false, must_change_password: false })).toEqual([
      { key: 'active', label: '正常', type: 'success' },
    ])
  })
})
