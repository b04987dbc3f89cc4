// 档案管理 create / edit form: the model, its rules, and the mapping to and from the API
// (POST /api/v1/officers, PUT /api/v1/officers/{id} with the version the form was loaded at).
import type { FormItemRule } from 'element-plus'
import type { NewOfficer, OfficerEdit, OfficerProfile } from '@/api/records'
import type { Sex, Staffing } from '@/api/types'
import { staffings } from '@/views/officers/officerLabels'

export interface OfficerForm {
  code: string
  name: string
  id_number: string
  sex: Sex | ''
  birth_date: string
  area: string
  category: string
  education: string
  post: string
  staffing: Staffing | ''
  training_hours: number | undefined
}

export function emptyOfficerForm(): OfficerForm {
  return {
    code: '',
    name: '',
    id_number: '',
    sex: '',
    birth_date: '',
    area: '',
    category: '',
    education: '',
    post: '',
    staffing: '',
    training_hours: undefined,
  }
}

/** The form filled from GET /officers/{id}/profile (the full ID number only reaches editors). */
export function fromProfile(p: OfficerProfile): OfficerForm {
  return {
    code: p.code,
    name: p.name,
    id_number: p.id_number ?? '',
    sex: p.sex ?? '',
    birth_date: p.birth_date ?? '',
    area: p.area ?? '',
    category: p.category ?? '',
    education: p.education ?? '',
    post: p.post ?? '',
    staffing: p.staffing ?? '',
    training_hours: p.training_hours ?? undefined,
  }
}

/** The create body: trimmed; empty optional fields left out (sex and birth date then come from the ID number). */
export function toNewOfficer(f: OfficerForm): NewOfficer {
  const body: NewOfficer = {
    code: f.code.trim(),
    name: f.name.trim(),
    id_number: f.id_number.trim(),
    area: f.area.trim(),
    staffing: f.staffing as Staffing,
  }
  if (f.sex) body.sex = f.sex
  if (f.birth_date) body.birth_date = f.birth_date
  const category = f.category.trim()
  if (category) body.category = category
  const education = f.education.trim()
  if (education) body.education = education
  const post = f.post.trim()
  if (post) body.post = post
  if (f.training_hours !== undefined && f.training_hours !== null) body.training_hours = f.training_hours
  return body
}

/** The edit body: every editable field, and the version the form was loaded at (a stale one is refused with 409). */
export function toOfficerEdit(f: OfficerForm, version: number): OfficerEdit {
  return { ...toNewOfficer(f), version }
}

export const staffingOptions = (Object.keys(staffings) as Staffing[]).map((value) => ({
  value,
  label: staffings[value],
}))

export const educationOptions = ['研究生', '大学本科', '大学专科', '中专', '高中', '其他'] as const

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** The GB 11643 check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!
  return ID_CHECK[sum % 11]!
}

/** Full-width digits and letters to ASCII, upper case, no spaces (the server accepts these forms too). */
export function normaliseIdNumber(v: string): string {
  return v
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase()
}

/** Whether the value looks like a complete 18-character ID number worth checking with the server. */
export function idNumberComplete(v: string): boolean {
  return /^\d{17}[\dX]$/.test(normaliseIdNumber(v))
}

/** A local problem with an ID number, or undefined (the server decides in the end). */
export function idNumberProblem(v: string): string | undefined {
  const n = normaliseIdNumber(v)
  if (n === '') return '请输入身份证号'
  if (!/^\d{17}[\dX]$/.test(n)) return '身份证号应为 18 位，最后一位可以是 X'
  if (idCheckChar(n.slice(0, 17)) !== n[17]) return '身份证号校验位不正确，请核对'
  return undefined
}

const required = (message: string): FormItemRule => ({ required: true, whitespace: true, message, trigger: 'blur' })

export const PRINTED_HINT = '执法人员编码、姓名、所在单位、执法区域和照片打印在证件上，不能为空'
export const ID_AUTOFILL_HINT = '生日和性别会根据您输入的身份证编号自动识别，如果和实际不符请自己修改'

export function officerFormRules(): Partial<Record<keyof OfficerForm, FormItemRule[]>> {
  return {
    code: [required('请输入执法人员编码（打印在证件上，不能为空）'), { max: 32, message: '最多 32 个字符', trigger: 'blur' }],
    name: [required('请输入姓名（打印在证件上，不能为空）'), { max: 64, message: '最多 64 个字符', trigger: 'blur' }],
    id_number: [
      {
        trigger: 'blur',
        validator: (_r, value: string, cb) => {
          const msg = idNumberProblem(value ?? '')
          cb(msg ? new Error(msg) : undefined)
        },
      },
    ],
    area: [required('请输入执法区域（打印在证件上，不能为空）'), { max: 64, message: '最多 64 个字符', trigger: 'blur' }],
    staffing: [{ required: true, message: '请选择编制情况', trigger: 'change' }],
    training_hours: [{ type: 'integer', min: 0, max: 10000, message: '培训学时为 0–10000 的整数', trigger: 'blur' }],
  }
}

/** The photo rules, as the server checks them (PUT /officers/{id}/photo). */
export const PHOTO_RULES = '一寸证件照，不小于 295×413 像素，竖版（高宽比 1.2–1.6），JPEG 或 PNG 格式，不超过 2 MB'
export const PHOTO_MAX_BYTES = 2 * 1024 * 1024

/** A local refusal of a chosen photo file before uploading, or undefined. */
export function photoFileProblem(file: { type: string; size: number }): string | undefined {
  if (file.type !== 'image/jpeg' && file.type !== 'image/png') return '照片的格式必须符合要求：仅支持 JPEG 或 PNG'
  if (file.size > PHOTO_MAX_BYTES) return '照片不能超过 2 MB'
  return undefined
}
