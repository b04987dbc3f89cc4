// 单位管理 form: model, rules and the request body (POST /api/v1/units, PUT /api/v1/units/{id}).
import type { FormItemRule } from 'element-plus'
import type { NewUnit } from '@/api/records'
import type { Unit } from '@/api/types'

export interface UnitForm {
  code: string
  name: string
  region_code: string
  credit_code: string
  contact: string
  phone: string
}

export function emptyUnitForm(region = ''): UnitForm {
  return { code: '', name: '', region_code: region, credit_code: '', contact: '', phone: '' }
}

export function unitToForm(u: Unit): UnitForm {
  return {
    code: u.code,
    name: u.name,
    region_code: u.region_code,
    credit_code: u.credit_code ?? '',
    contact: u.contact ?? '',
    phone: u.phone ?? '',
  }
}

/** The body for create and edit (edit replaces every field: empty optional ones are sent empty). */
export function toUnitBody(f: UnitForm): NewUnit {
  return {
    code: f.code.trim(),
    name: f.name.trim(),
    region_code: f.region_code,
    credit_code: f.credit_code.trim().toUpperCase(),
    contact: f.contact.trim(),
    phone: f.phone.trim(),
  }
}

export const unitFormRules: Partial<Record<keyof UnitForm, FormItemRule[]>> = {
  code: [
    { required: true, message: '请输入单位编码', trigger: 'blur' },
    { len: 6, message: '单位编码为 6 位', trigger: 'blur' },
  ],
  name: [{ required: true, whitespace: true, message: '请输入单位名称', trigger: 'blur' }],
  region_code: [{ required: true, message: '请选择行政区划', trigger: 'change' }],
  credit_code: [{ pattern: /^$|^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$/, message: '统一社会信用代码为 18 位', trigger: 'blur' }],
}

export const DISSOLVE_NOTICE =
  '撤销后该单位不再新增执法人员、不能再编辑；其执法人员的证件将自动生成注销申请。此操作不能撤回。'
