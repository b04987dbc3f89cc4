import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import type { OfficerProfile } from '@/api/records'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import {
  emptyOfficerForm,
  fromProfile,
  idCheckChar,
  idNumberProblem,
  normaliseIdNumber,
  photoFileProblem,
  toNewOfficer,
  toOfficerEdit,
} from './officerForm'
import { classifyConflict, useOfficerForm } from './useOfficerForm'
import { photoProblemMessage, uploadPhoto } from './usePhoto'
import { ApiProblem } from '@/api/problem'

const ID = '11010519491231002X'

function profile(over: Partial<OfficerProfile> = {}): OfficerProfile {
  return {
    id: 7,
    code: 'A00001-0007',
    name: '李四',
    id_number: ID,
    id_number_masked: '110105********002X',
    sex: 'F',
    birth_date: '1949-12-31',
    area: '济南市历下区',
    category: '城市管理',
    education: '大学本科',
    post: '科员',
    staffing: 'established',
    training_hours: 40,
    unit_id: 3,
    unit_name: '历下区城市管理局',
    region_code: '370102',
    version: 3,
    can_edit: true,
    has_photo: false,
    photo: null,
    exams: [],
    cert_state: 'none',
    due_state: 'none',
    open_application: null,
    locked_fields: [],
    ...over,
  } as OfficerProfile
}

describe('officerForm', () => {
  it('computes and checks the GB 11643 check character', () => {
    expect(idCheckChar('11010519491231002')).toBe('X')
    expect(idNumberProblem(ID)).toBeUndefined()
    expect(idNumberProblem('110105194912310021')).toBe('身份证号校验位不正确，请核对')
    expect(idNumberProblem('1101')).toMatch(/18 位/)
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe(ID)
  })

  it('maps the form to the create body, leaving empty optional fields out', () => {
    const f = { ...emptyOfficerForm(), code: ' A1 ', name: '张三', id_number: ID, area: '历下区', staffing: 'contract' as const }
    expect(toNewOfficer(f)).toEqual({ code: 'A1', name: '张三', id_number: ID, area: '历下区', staffing: 'contract' })
    const full = fromProfile(profile())
    expect(toOfficerEdit(full, 3)).toEqual({
      code: 'A00001-0007',
      name: '李四',
      id_number: ID,
      sex: 'F',
      birth_date: '1949-12-31',
      area: '济南市历下区',
      category: '城市管理',
      education: '大学本科',
      post: '科员',
      staffing: 'established',
      training_hours: 40,
      version: 3,
    })
  })

  it('refuses other formats and files over 2 MB before uploading', () => {
    expect(photoFileProblem({ type: 'image/gif', size: 10 })).toMatch(/JPEG 或 PNG/)
    expect(photoFileProblem({ type: 'image/png', size: 3 * 1024 * 1024 })).toBe('照片不能超过 2 MB')
    expect(photoFileProblem({ type: 'image/jpeg', size: 1000 })).toBeUndefined()
  })
})

describe('useOfficerForm', () => {
  let fetch: FetchMock
  let bodies: unknown[]

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    bodies = []
    fetch = mockFetch({
      '/api/v1/id-numbers/check': async (_u, req) => {
        const body = (await req.json()) as { id_number: string }
        if (body.id_number !== ID) {
          return problem(400, {
            detail: '请求参数有误：身份证号校验位不正确',
            code: 'invalid',
            errors: [{ field: 'id_number', rule: 'checksum', message: '身份证号校验位不正确' }],
          })
        }
        return json({ id_number: ID, masked: '110105********002X', sex: 'F', birth_date: '1949-12-31', region_code: '110105' })
      },
      '/api/v1/officers/7/profile': () => json(profile()),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('fills 性别 and 出生日期 from a complete ID number, normalised; they stay editable', async () => {
    const s = useOfficerForm()
    s.form.id_number = '1101'
    expect(await s.checkIdNumber()).toBeUndefined()
    expect(fetch.to('/api/v1/id-numbers/check')).toHaveLength(0)

    s.form.id_number = '11010519491231002x'
    await s.checkIdNumber()
    expect(s.form).toMatchObject({ id_number: ID, sex: 'F', birth_date: '1949-12-31' })
    expect(s.idCheck.value?.masked).toBe('110105********002X')
    s.form.sex = 'M' // the user corrects it
    expect(toNewOfficer(s.form).sex).toBe('M')
  })

  it('shows the server’s ID number problem on the field', async () => {
    const s = useOfficerForm()
    s.form.id_number = '110105194912310021'
    await s.checkIdNumber()
    expect(s.fieldErrors.value.id_number).toBe('身份证号校验位不正确')
    expect(s.form.sex).toBe('')
  })

  it('creates a record, then edits it with the loaded version', async () => {
    fetch.on('/api/v1/officers', async (_u, req) => {
      bodies.push(await req.json())
      return json(profile({ version: 1, id_number: undefined }), 201)
    })
    fetch.on('/api/v1/officers/7', async (_u, req) => {
      bodies.push(await req.json())
      return json(profile({ version: 2, name: '李四四' }))
    })
    const s = useOfficerForm()
    Object.assign(s.form, { code: 'A00001-0007', name: '李四', id_number: ID, area: '济南市历下区', staffing: 'established' })
    const res = await s.save()
    expect(res.ok).toBe(true)
    expect(fetch.requestsTo('/api/v1/officers')[0]!.method).toBe('POST')
    expect(s.editing.value).toBe(true)
    expect(s.version.value).toBe(1)
    expect(s.form.id_number).toBe(ID) // kept although the answer has only the masked number

    s.form.name = '李四四'
    await s.save()
    expect(fetch.requestsTo('/api/v1/officers/7')[0]!.method).toBe('PUT')
    expect(bodies[1]).toMatchObject({ name: '李四四', version: 1 })
    expect(s.version.value).toBe(2)
  })

  it('puts server field errors on the inputs', async () => {
    fetch.on('/api/v1/officers', () =>
      problem(400, {
        detail: '请求参数有误：执法区域不能为空',
        code: 'invalid',
        errors: [{ field: 'area', rule: 'required', message: '执法区域不能为空' }],
      }),
    )
    const s = useOfficerForm()
    const res = await s.save()
    expect(res.ok).toBe(false)
    expect(s.fieldErrors.value).toEqual({ area: '执法区域不能为空' })
    expect(s.generalError.value).toBeUndefined()
    expect(ElMessage.error).not.toHaveBeenCalled()
  })

  it('explains a stale version (409) and reloads the current record', async () => {
    fetch.on('/api/v1/officers/7', () =>
      problem(409, { detail: '该执法人员档案已被他人修改（您编辑的是第 3 版，当前为第 4 版），请刷新后重新编辑', code: 'conflict' }),
    )
    const s = useOfficerForm()
    await s.load(7)
    s.form.name = '改名'
    await s.save()
    expect(s.conflict.value?.kind).toBe('stale')
    expect(s.generalError.value).toMatch(/已被他人修改.*重新加载/)
    fetch.on('/api/v1/officers/7/profile', () => json(profile({ version: 4 })))
    await s.reload()
    expect(s.version.value).toBe(4)
    expect(s.form.name).toBe('李四')
    expect(s.conflict.value).toBeNull()
  })

  it('shows a second record of the same person (409) on the ID number', async () => {
    fetch.on('/api/v1/officers', () =>
      problem(409, { detail: '身份证号 110105********002X 已登记为执法人员 A00001-0001，同一人只能有一份档案', code: 'conflict' }),
    )
    const s = useOfficerForm()
    await s.save()
    expect(s.fieldErrors.value.id_number).toMatch(/同一人只能有一份档案/)
    expect(s.generalError.value).toBeUndefined()
    expect(classifyConflict(new ApiProblem({ type: '', title: '', status: 409, detail: '执法人员编码 X 已被使用', code: 'conflict' }), false)).toEqual({
      kind: 'duplicate',
      field: 'code',
      message: '执法人员编码 X 已被使用',
    })
  })

  it('adds an exam to the loaded record', async () => {
    fetch.on('/api/v1/officers/7/exams', async (_u, req) => {
      const body = (await req.json()) as object
      return json({ id: 1, created_at: '2026-01-01T00:00:00Z', ...body }, 201)
    })
    const s = useOfficerForm()
    await s.load(7)
    await s.addExam({ kind: 'special', score: 88, passed: true, taken_on: '2025-05-18' })
    expect(s.exams.value).toHaveLength(1)
    expect(s.exams.value[0]).toMatchObject({ kind: 'special', score: 88 })
  })

  it('uploads a photo as multipart field `photo`; a refusal names the rule and the requirements', async () => {
    let field: unknown
    fetch.on('/api/v1/officers/7/photo', async (_u, req) => {
      field = (await req.formData()).get('photo')
      return problem(400, {
        detail: '请求参数有误：照片尺寸过小',
        code: 'invalid',
        errors: [{ field: 'photo', rule: 'min_size', message: '照片不小于 295×413 像素' }],
      })
    })
    const file = new File([new Uint8Array([1, 2, 3])], 'a.png', { type: 'image/png' })
    const err = await uploadPhoto(7, file).catch((e: unknown) => e)
    expect(field).toMatchObject({ type: 'image/png' })
    expect(photoProblemMessage(err)).toBe(
      '照片不小于 295×413 像素。要求：一寸证件照，不小于 295×413 像素，竖版（高宽比 1.2–1.6），JPEG 或 PNG 格式，不超过 2 MB',
    )
  })
})

describe('printed fields locked by an open application', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('exposes the locked fields and the reason from the profile', async () => {
    const reason = '该人员的办卡申请正在办理（待单位审核），申请表上已盖章的打印字段（执法人员编码、姓名、所在单位、执法区域、照片）不能修改'
    mockFetch({
      '/api/v1/officers/7/profile': () =>
        json(
          profile({
            open_application: { id: 9, kind: 'new_card', state: 'submitted', locks_printed_fields: true, reason },
            locked_fields: ['code', 'name', 'unit_id', 'area', 'photo'],
          }),
        ),
    })
    const s = useOfficerForm()
    await s.load(7)
    expect(s.lockReason.value).toBe(reason)
    expect(['code', 'name', 'area', 'photo'].every(s.isLocked)).toBe(true)
    expect(s.isLocked('post')).toBe(false)
  })

  it('a returned application leaves the fields editable', async () => {
    mockFetch({
      '/api/v1/officers/7/profile': () =>
        json(profile({ open_application: { id: 9, kind: 'new_card', state: 'returned', locks_printed_fields: false, reason: '…' } })),
    })
    const s = useOfficerForm()
    await s.load(7)
    expect(s.lockReason.value).toBeUndefined()
    expect(s.isLocked('name')).toBe(false)
  })
})

