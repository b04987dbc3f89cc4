// State of the 档案管理 create / edit form: loading the profile (with its version), the live ID
// number check that fills 性别 / 出生日期, saving (server field errors on the inputs; 409 for a
// stale version or a second record of the same person explained), exams and the photo.
import { computed, reactive, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { Exam, IdCheck, NewExam, OfficerProfile, PhotoInfo } from '@/api/records'
import {
  emptyOfficerForm,
  fromProfile,
  idNumberComplete,
  normaliseIdNumber,
  toNewOfficer,
  toOfficerEdit,
  type OfficerForm,
} from './officerForm'

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

/** What a 409 on save means for the user. */
export type Conflict =
  | { kind: 'stale'; message: string }
  | { kind: 'duplicate'; field: 'id_number' | 'code' | undefined; message: string }

/** Classifies a 409 from POST/PUT /officers: a stale version (edit) or an ID number / code already on record. */
export function classifyConflict(p: ApiProblem, editing: boolean): Conflict {
  const message = p.detail
  if (/身份证号/.test(message)) return { kind: 'duplicate', field: 'id_number', message }
  if (/编码/.test(message)) return { kind: 'duplicate', field: 'code', message }
  if (editing) {
    return { kind: 'stale', message: `${message}（保存期间他人修改了该档案，请重新加载后再修改）` }
  }
  return { kind: 'duplicate', field: undefined, message }
}

export type SaveResult = { ok: true; officer: OfficerProfile } | { ok: false; problem: ApiProblem }

export function useOfficerForm() {
  const form = reactive<OfficerForm>(emptyOfficerForm())
  /** The officer being edited (undefined: a new record). */
  const officerId = ref<number>()
  const version = ref<number>()
  const profile = shallowRef<OfficerProfile | null>(null)
  const loading = ref(false)
  const saving = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  const conflict = shallowRef<Conflict | null>(null)
  /** Result of the last ID number check (the form's number, normalised). */
  const idCheck = shallowRef<IdCheck | null>(null)
  const idChecking = ref(false)
  const idError = ref<string>()

  const editing = computed(() => officerId.value !== undefined)
  const fieldErrors = computed<Record<string, string>>(() => {
    const out: Record<string, string> = { ...(problem.value?.fieldErrors ?? {}) }
    const c = conflict.value
    if (c?.kind === 'duplicate' && c.field) out[c.field] = c.message
    if (idError.value && !out.id_number) out.id_number = idError.value
    return out
  })
  /** A refusal that names no field, shown above the form. */
  const generalError = computed(() => {
    if (conflict.value) return conflict.value.kind === 'stale' || !conflict.value.field ? conflict.value.message : undefined
    const p = problem.value
    return p && Object.keys(p.fieldErrors).length === 0 ? p.summary : undefined
  })

  function clearProblems(): void {
    problem.value = null
    conflict.value = null
  }

  function reset(): void {
    Object.assign(form, emptyOfficerForm())
    officerId.value = undefined
    version.value = undefined
    profile.value = null
    idCheck.value = null
    idError.value = undefined
    clearProblems()
  }

  function apply(p: OfficerProfile): void {
    // A save's answer may carry only the masked ID number: keep the one the user entered.
    const typed = form.id_number
    profile.value = p
    officerId.value = p.id
    version.value = p.version
    Object.assign(form, fromProfile(p))
    if (!p.id_number) form.id_number = typed
    idCheck.value = null
    idError.value = undefined
  }

  /** Loads an officer for editing (GET /officers/{id}/profile). */
  async function load(id: number): Promise<boolean> {
    reset()
    officerId.value = id
    loading.value = true
    try {
      apply(await call(api.GET('/api/v1/officers/{id}/profile', { params: { path: { id } } }), { silent: true }))
      return true
    } catch (e) {
      if (isAbort(e)) return false
      problem.value = asProblem(e)
      return false
    } finally {
      loading.value = false
    }
  }

  let checkSeq = 0
  /**
   * Checks a complete ID number with the server (POST /id-numbers/check) and fills 性别 and 出生日期
   * from it (the user may still change them). An incomplete number is left to the form rules.
   */
  async function checkIdNumber(): Promise<IdCheck | undefined> {
    idError.value = undefined
    const value = form.id_number
    if (!idNumberComplete(value)) {
      idCheck.value = null
      return undefined
    }
    const seq = ++checkSeq
    idChecking.value = true
    try {
      const res = await call(
        api.POST('/api/v1/id-numbers/check', { body: { id_number: normaliseIdNumber(value) } }),
        { silent: true },
      )
      if (seq !== checkSeq) return undefined
      idCheck.value = res
      form.id_number = res.id_number
      form.sex = res.sex
      form.birth_date = res.birth_date
      return res
    } catch (e) {
      if (seq !== checkSeq) return undefined
      const p = asProblem(e)
      idCheck.value = null
      idError.value = p.fieldMessage('id_number') ?? p.summary
      return undefined
    } finally {
      if (seq === checkSeq) idChecking.value = false
    }
  }

  /** Creates or edits the record; problems are kept for the form (not shown as a message). */
  async function save(): Promise<SaveResult> {
    clearProblems()
    saving.value = true
    const id = officerId.value
    try {
      const saved =
        id === undefined
          ? await call(api.POST('/api/v1/officers', { body: toNewOfficer(form) }), { silent: true })
          : await call(
              api.PUT('/api/v1/officers/{id}', {
                params: { path: { id } },
                body: toOfficerEdit(form, version.value ?? 1),
              }),
              { silent: true },
            )
      apply(saved)
      return { ok: true, officer: saved }
    } catch (e) {
      const p = asProblem(e)
      if (p.status === 409) conflict.value = classifyConflict(p, id !== undefined)
      else problem.value = p
      return { ok: false, problem: p }
    } finally {
      saving.value = false
    }
  }

  /** After a stale-version 409: loads the current record (the user's changes are discarded). */
  async function reload(): Promise<boolean> {
    const id = officerId.value
    return id === undefined ? false : load(id)
  }

  const exams = computed<Exam[]>(() => profile.value?.exams ?? [])

  /**
   * The printed fields (执法人员编码、姓名、所在单位、执法区域、照片) the server refuses to change while
   * an application is on its way to the card; empty when none is, or for a new record.
   */
  const lockedFields = computed<ReadonlySet<string>>(() => new Set(profile.value?.locked_fields ?? []))
  const isLocked = (field: string): boolean => lockedFields.value.has(field)
  /** Why they are locked (the open application, its kind and state), as the server words it. */
  const lockReason = computed<string | undefined>(() => {
    const a = profile.value?.open_application
    return a && a.locks_printed_fields ? a.reason : undefined
  })

  /** Records an exam result (POST /officers/{id}/exams); the list shows it at once. */
  async function addExam(body: NewExam): Promise<Exam> {
    const id = officerId.value
    if (id === undefined) throw new Error('no officer')
    const exam = await call(api.POST('/api/v1/officers/{id}/exams', { params: { path: { id } }, body }), { silent: true })
    if (profile.value) profile.value = { ...profile.value, exams: [...(profile.value.exams ?? []), exam] }
    return exam
  }

  /** Stores an uploaded photo's info on the loaded record. */
  function photoUploaded(info: PhotoInfo): void {
    if (profile.value) profile.value = { ...profile.value, has_photo: true, photo: info }
  }

  return {
    form,
    officerId,
    version,
    profile,
    loading,
    saving,
    problem,
    conflict,
    idCheck,
    idChecking,
    fieldErrors,
    generalError,
    editing,
    exams,
    lockedFields,
    isLocked,
    lockReason,
    reset,
    load,
    reload,
    checkIdNumber,
    save,
    addExam,
    photoUploaded,
    clearProblems,
  }
}

export type OfficerFormState = ReturnType<typeof useOfficerForm>
