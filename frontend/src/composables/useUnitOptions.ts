// Options for a unit (执法单位) select: remote search within the chosen region.
import { ref, shallowRef, watch, type Ref } from 'vue'
import { api, call } from '@/api/client'
import { isAbort } from '@/api/problem'
import type { Unit } from '@/api/types'

export interface UnitOption {
  id: number
  name: string
  code?: string
}

const LIMIT = 50

export function useUnitOptions(region: Ref<string | undefined>) {
  const options = shallowRef<UnitOption[]>([])
  const loading = ref(false)
  let ctl: AbortController | undefined
  let lastQuery = ''

  async function search(q = ''): Promise<void> {
    lastQuery = q.trim()
    ctl?.abort()
    const mine = new AbortController()
    ctl = mine
    loading.value = true
    try {
      const query: { region?: string; q?: string; limit: number } = { limit: LIMIT }
      if (region.value) query.region = region.value
      if (lastQuery) query.q = lastQuery
      const page = await call(api.GET('/api/v1/units', { params: { query }, signal: mine.signal }))
      if (mine !== ctl) return
      options.value = page.items.map((u: Unit) => ({ id: u.id, name: u.name, code: u.code }))
    } catch (e) {
      if (mine !== ctl || isAbort(e)) return
      options.value = []
    } finally {
      if (mine === ctl) loading.value = false
    }
  }

  /** Makes sure a unit known from elsewhere (e.g. a URL filter) has a label in the select. */
  function remember(u: UnitOption): void {
    if (!options.value.some((o) => o.id === u.id)) options.value = [u, ...options.value]
  }

  watch(region, () => void search(''))

  return { options, loading, search, remember }
}
