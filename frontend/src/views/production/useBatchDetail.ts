// A production batch and its cards (待写卡 / 已写卡 / 已发放), and 发证: every written card of the
// batch is handed out at once (POST …/dispatch).
import { computed, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { BatchDetail, ProductionItem } from '@/api/production'

export function useBatchDetail(id: () => number) {
  const detail = shallowRef<BatchDetail | null>(null)
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  const dispatching = ref(false)

  const batch = computed(() => detail.value?.batch ?? null)
  const items = computed<ProductionItem[]>(() => detail.value?.items ?? [])
  const writtenCount = computed(() => items.value.filter((i) => i.card_state === 'written').length)

  async function load(): Promise<void> {
    loading.value = true
    problem.value = null
    try {
      detail.value = await call(api.GET('/api/v1/production/batches/{id}', { params: { path: { id: id() } } }))
    } catch (e) {
      detail.value = null
      problem.value = e instanceof ApiProblem ? e : networkProblem(e)
    } finally {
      loading.value = false
    }
  }

  /** Hands out the written cards; returns how many. */
  async function dispatch(): Promise<number> {
    dispatching.value = true
    try {
      const res = await call(api.POST('/api/v1/production/batches/{id}/dispatch', { params: { path: { id: id() } } }))
      await load()
      return res.count
    } finally {
      dispatching.value = false
    }
  }

  return { detail, batch, items, writtenCount, loading, problem, dispatching, load, dispatch }
}
