// State of the 调动 dialog: the officer's record at its current version (and whether an application
// in progress blocks the move), the form, and the request with the server's field errors.
import { computed, reactive, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { OfficerProfile, TransferResult } from '@/api/records'
import { appKinds, appStates } from '@/views/applications/appLabels'
import { emptyTransferForm, toTransferBody, transferProblems, type TransferForm } from './transfer'

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useTransfer() {
  const form = reactive<TransferForm>(emptyTransferForm())
  const profile = shallowRef<OfficerProfile | null>(null)
  const loading = ref(false)
  const submitting = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  const localErrors = ref<Record<string, string>>({})

  /** An application in progress refuses the move: the dialog says so before anything is sent. */
  const blocked = computed<string | undefined>(() => {
    const a = profile.value?.open_application
    return a ? `该人员有未办结的${appKinds[a.kind]}申请（${appStates[a.state]}），须办结或撤回后才能调动` : undefined
  })
  const fieldErrors = computed<Record<string, string>>(() => ({ ...(problem.value?.fieldErrors ?? {}), ...localErrors.value }))
  /** A refusal naming no form field (e.g. the certificate is overdue), shown above the form. */
  const generalError = computed<string | undefined>(() => {
    const p = problem.value
    if (!p) return undefined
    const own = ['unit_id', 'reason', 'area']
    return Object.keys(p.fieldErrors).every((f) => !own.includes(f)) ? p.summary : undefined
  })

  /** Loads the officer's record (GET /officers/{id}/profile) for its version and open application. */
  async function load(officerId: number): Promise<boolean> {
    Object.assign(form, emptyTransferForm())
    profile.value = null
    problem.value = null
    localErrors.value = {}
    loading.value = true
    try {
      const p = await call(api.GET('/api/v1/officers/{id}/profile', { params: { path: { id: officerId } } }), { silent: true })
      profile.value = p
      form.area = p.area ?? ''
      return true
    } catch (e) {
      if (!isAbort(e)) problem.value = asProblem(e)
      return false
    } finally {
      loading.value = false
    }
  }

  /** Sends the transfer; undefined when it was refused (the reasons are on the form). */
  async function submit(): Promise<TransferResult | undefined> {
    const p = profile.value
    if (!p || submitting.value) return undefined
    problem.value = null
    localErrors.value = transferProblems(form, p.unit_id)
    if (Object.keys(localErrors.value).length > 0) return undefined
    submitting.value = true
    try {
      return await call(
        api.POST('/api/v1/officers/{id}/transfer', {
          params: { path: { id: p.id } },
          body: toTransferBody(form, p.version, p.area ?? ''),
        }),
        { silent: true },
      )
    } catch (e) {
      problem.value = asProblem(e)
      return undefined
    } finally {
      submitting.value = false
    }
  }

  return { form, profile, loading, submitting, problem, blocked, fieldErrors, generalError, load, submit }
}
