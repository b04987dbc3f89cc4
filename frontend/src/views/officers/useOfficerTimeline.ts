// An officer's application history (GET /api/v1/officers/{id}/timeline), newest first for display.
import { getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { TimelineStep } from '@/api/workflow'

export function useOfficerTimeline() {
  const steps = shallowRef<TimelineStep[]>([])
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  let ctl: AbortController | undefined

  async function load(officerId: number): Promise<void> {
    ctl?.abort()
    const mine = new AbortController()
    ctl = mine
    loading.value = true
    problem.value = null
    try {
      const data = await call(
        api.GET('/api/v1/officers/{id}/timeline', { params: { path: { id: officerId } }, signal: mine.signal }),
        { silent: true },
      )
      if (mine !== ctl) return
      // Oldest first from the server; the drawer shows the latest step on top.
      steps.value = [...data].reverse()
    } catch (e) {
      if (mine !== ctl || isAbort(e)) return
      steps.value = []
      problem.value = e instanceof ApiProblem ? e : networkProblem(e)
    } finally {
      if (mine === ctl) loading.value = false
    }
  }

  if (getCurrentScope()) onScopeDispose(() => ctl?.abort())

  return { steps, loading, problem, load }
}
