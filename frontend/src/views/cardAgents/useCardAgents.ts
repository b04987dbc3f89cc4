// State of 读卡设备: the registered card agents of the caller's region (GET /api/v1/card-agents) and
// disabling / enabling one with a reason (POST …/{id}/disable | enable). The list shows each agent's
// state and last use as the server reports them.
import { computed, ref, shallowRef, watch } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { CardAgent } from '@/api/production'
import { useAuthStore } from '@/stores/auth'
import { agentReasonError, type AgentAction } from './agentRules'

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useCardAgents() {
  const auth = useAuthStore()
  const agents = shallowRef<CardAgent[]>([])
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)

  /** The agent a disable / enable dialog is open for. */
  const acting = shallowRef<CardAgent | null>(null)
  const action = ref<AgentAction>('disable')
  const reason = ref('')
  const reasonMessage = ref('')
  const error = ref('')
  const busy = ref(false)

  // A message about the reason goes once the reason is edited.
  watch(reason, () => {
    reasonMessage.value = ''
  })

  /** Card issuers and administrators may disable and enable; others only see the list. */
  const canWrite = computed(() => auth.hasPerm('card_agent:write'))
  const disabledCount = computed(() => agents.value.filter((a) => a.disabled).length)

  async function load(): Promise<void> {
    loading.value = true
    problem.value = null
    try {
      agents.value = await call(api.GET('/api/v1/card-agents'), { silent: true })
    } catch (e) {
      problem.value = asProblem(e)
    } finally {
      loading.value = false
    }
  }

  function openAction(a: CardAgent, act: AgentAction): void {
    acting.value = a
    action.value = act
    reason.value = ''
    reasonMessage.value = ''
    error.value = ''
  }

  /** Disables or enables the agent the dialog is open for; the list row takes the server's answer. */
  async function submit(): Promise<CardAgent | null> {
    const a = acting.value
    if (!a || busy.value) return null
    reasonMessage.value = agentReasonError(action.value, reason.value)
    if (reasonMessage.value) return null
    busy.value = true
    error.value = ''
    const body = { reason: reason.value.trim() }
    const opts = { params: { path: { id: a.id } }, body }
    try {
      const updated = await call(
        action.value === 'disable'
          ? api.POST('/api/v1/card-agents/{id}/disable', opts)
          : api.POST('/api/v1/card-agents/{id}/enable', opts),
        { silent: true },
      )
      agents.value = agents.value.map((x) => (x.id === updated.id ? updated : x))
      acting.value = null
      return updated
    } catch (e) {
      const p = asProblem(e)
      const field = p.errors?.find((x) => x.field === 'reason')
      if (field) reasonMessage.value = field.message
      error.value = p.summary
      // Changed by someone else meanwhile (409): show the current state.
      if (p.status === 409) void load()
      return null
    } finally {
      busy.value = false
    }
  }

  return {
    agents,
    loading,
    problem,
    acting,
    action,
    reason,
    reasonMessage,
    error,
    busy,
    canWrite,
    disabledCount,
    load,
    openAction,
    submit,
  }
}
