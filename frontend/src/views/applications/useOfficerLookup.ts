// Loads one officer for the details drawer opened from an application row.
import { ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import type { Officer } from '@/api/types'

export function useOfficerLookup() {
  const officer = shallowRef<Officer | null>(null)
  const open = ref(false)
  const loading = ref(false)

  async function show(id: number): Promise<void> {
    loading.value = true
    try {
      officer.value = await call(api.GET('/api/v1/officers/{id}', { params: { path: { id } } }))
      open.value = true
    } catch {
      // call() has shown the problem.
    } finally {
      loading.value = false
    }
  }

  return { officer, open, loading, show }
}
