// 手工同步: the card issuer records step 4 of an approved inspection by hand (a chip that cannot be
// written), with a required reason; then the sticker (step 5) as after a chip sync.
//
//   reason      the operator enters why (the dialog explains it is audited and province-gated)
//   submitting  POST /api/v1/inspections/{id}/manual-sync
//   sticker     step 4 recorded: replace the validity sticker, then 已更换
//   done
import { computed, ref, shallowRef, watch } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { ChipWriteResult, InspectionSyncPolicy } from '@/api/production'
import type { Application } from '@/api/workflow'
import { useAuthStore } from '@/stores/auth'
import { MANUAL_SYNC_DISABLED, reasonError } from './manualSync'

export type ManualStep = 'reason' | 'submitting' | 'sticker' | 'done'

function problemOf(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useManualSync() {
  const auth = useAuthStore()
  /** The province's policy; null until loaded (or when it could not be). */
  const policy = shallowRef<InspectionSyncPolicy | null>(null)
  const target = shallowRef<Application | null>(null)
  const step = ref<ManualStep>('reason')
  const reason = ref('')
  /** The reason's validation message. */
  const reasonMessage = ref('')
  /** The server's refusal (problem summary), shown in the dialog. */
  const error = ref('')
  const result = shallowRef<ChipWriteResult | null>(null)
  const stickerDone = shallowRef<ChipWriteResult | null>(null)

  // A message about the reason goes once the reason is edited.
  watch(reason, () => {
    reasonMessage.value = ''
  })

  /** The user may record syncs by hand (card issuers). */
  const permitted = computed(() => auth.hasPerm('certificate:manual_sync'))
  /** The province allows it (as far as the server said). */
  const allowed = computed(() => policy.value?.manual_chip_sync === true)
  /** Why the action is unavailable ('' when it is available). */
  const blocker = computed(() => {
    if (!permitted.value) return '只有制证员可以手工同步'
    if (policy.value && !policy.value.manual_chip_sync) return MANUAL_SYNC_DISABLED
    return ''
  })

  async function loadPolicy(): Promise<void> {
    if (!permitted.value) return
    try {
      policy.value = await call(api.GET('/api/v1/inspections/sync-policy'), { silent: true })
    } catch {
      policy.value = null // unknown: the server decides when asked
    }
  }

  /** Opens the manual sync of an approved inspection. */
  function open(app: Application): void {
    target.value = app
    step.value = 'reason'
    reason.value = ''
    reasonMessage.value = ''
    error.value = ''
    result.value = null
    stickerDone.value = null
  }

  /** Records step 4 by hand; on success the sticker step follows. */
  async function submit(): Promise<boolean> {
    const app = target.value
    if (!app || step.value !== 'reason') return false
    reasonMessage.value = reasonError(reason.value)
    if (reasonMessage.value) return false
    error.value = ''
    step.value = 'submitting'
    try {
      result.value = await call(
        api.POST('/api/v1/inspections/{id}/manual-sync', { params: { path: { id: app.id } }, body: { reason: reason.value.trim() } }),
        { silent: true },
      )
      step.value = 'sticker'
      return true
    } catch (e) {
      const p = problemOf(e)
      const rule = p.errors?.find((x) => x.rule)?.rule
      // The setting changed since the page loaded: the UI follows the server.
      if (rule === 'manual_sync_disabled') policy.value = { manual_chip_sync: false }
      if (rule === 'synced') {
        // Recorded before (by chip or by hand): only the sticker is left.
        step.value = 'sticker'
        return true
      }
      if (p.errors?.some((x) => x.field === 'reason')) reasonMessage.value = p.errors.find((x) => x.field === 'reason')!.message
      error.value = p.summary
      step.value = 'reason'
      return false
    }
  }

  /** Step 5: the validity sticker was replaced. */
  async function confirmSticker(): Promise<boolean> {
    const app = target.value
    if (!app || step.value !== 'sticker') return false
    error.value = ''
    try {
      stickerDone.value = await call(api.POST('/api/v1/inspections/{id}/sticker', { params: { path: { id: app.id } } }), {
        silent: true,
      })
    } catch (e) {
      const p = problemOf(e)
      if (p.status !== 409) {
        error.value = p.summary
        return false
      }
      // Confirmed meanwhile (another window): the inspection is complete.
    }
    step.value = 'done'
    return true
  }

  return {
    policy,
    target,
    step,
    reason,
    reasonMessage,
    error,
    result,
    stickerDone,
    permitted,
    allowed,
    blocker,
    loadPolicy,
    open,
    submit,
    confirmSticker,
  }
}

export type ManualSync = ReturnType<typeof useManualSync>
