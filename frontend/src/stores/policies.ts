// The configured rules (password policy, lockout, 注销原因, revocation bar) as the server publishes
// them: loaded once per session on first use and shared by every screen that shows them, so the SPA
// never hard-codes a province's settings. A failed load is kept as a problem and retried on the
// next use.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { Policies } from '@/api/policies'

export const usePoliciesStore = defineStore('policies', () => {
  const policies = shallowRef<Policies | null>(null)
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  let pending: Promise<Policies | null> | undefined

  /** The rules, loading them if needed (concurrent callers share one request); null when the load failed. */
  function ensureLoaded(): Promise<Policies | null> {
    if (policies.value) return Promise.resolve(policies.value)
    pending ??= (async () => {
      loading.value = true
      problem.value = null
      try {
        policies.value = await call(api.GET('/api/v1/policies'), { silent: true })
        return policies.value
      } catch (e) {
        problem.value = e instanceof ApiProblem ? e : networkProblem(e)
        return null
      } finally {
        loading.value = false
        pending = undefined
      }
    })()
    return pending
  }

  /** Forgets the rules (sign-out): the next user loads them afresh. */
  function reset(): void {
    policies.value = null
    problem.value = null
  }

  return { policies, loading, problem, ensureLoaded, reset }
})
