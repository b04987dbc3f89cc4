// 制证批次: the production queue by city (reported applications waiting for a batch), making a batch
// from a city's queue with the count the issuer saw (409 when it changed), and the list of batches.
import { ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { BatchCreated, ProductionBatch, QueueCity } from '@/api/production'

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useProductionQueue() {
  const cities = shallowRef<QueueCity[]>([])
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    problem.value = null
    try {
      cities.value = await call(api.GET('/api/v1/production/queue'))
    } catch (e) {
      cities.value = []
      problem.value = asProblem(e)
    } finally {
      loading.value = false
    }
  }

  /** A batch of the city's whole queue, as many as the issuer saw (else 409 and nothing is made). */
  function createBatch(city: QueueCity): Promise<BatchCreated> {
    return call(api.POST('/api/v1/production/batches', { body: { city: city.city_code, expected_count: city.count } }))
  }

  return { cities, loading, problem, load, createBatch }
}

export function useBatchList() {
  const items = shallowRef<ProductionBatch[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)

  async function fetchPage(cursor?: string): Promise<void> {
    loading.value = true
    problem.value = null
    try {
      const data = await call(
        api.GET('/api/v1/production/batches', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } }),
      )
      items.value = cursor ? [...items.value, ...data.items] : data.items
      nextCursor.value = data.next_cursor || undefined
    } catch (e) {
      problem.value = asProblem(e)
    } finally {
      loading.value = false
    }
  }

  return {
    items,
    nextCursor,
    loading,
    problem,
    load: () => fetchPage(),
    loadMore: () => (nextCursor.value ? fetchPage(nextCursor.value) : Promise.resolve()),
  }
}
