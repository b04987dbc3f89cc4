// Unit names by id, for places where the API gives only `unit_id` (users, the signed-in user).
// There is no GET /api/v1/units/{id}: names are looked up by listing the units of the region the
// unit lies in (a unit user's scope is its unit's region) and cached for the session.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, call } from '@/api/client'

const PAGE = 200
/** Pages fetched per region at most: a province-wide list is long, a unit user's region is short. */
const MAX_PAGES = 3

export const useUnitNameStore = defineStore('unitNames', () => {
  const names = ref(new Map<number, string>())
  const pending = new Map<string, Promise<void>>()

  function nameOf(id: number | null | undefined): string | undefined {
    return id === null || id === undefined ? undefined : names.value.get(id)
  }

  function remember(id: number, name: string): void {
    if (names.value.get(id) !== name) names.value = new Map(names.value).set(id, name)
  }

  async function loadRegion(region: string, wanted: Set<number>): Promise<void> {
    let cursor: string | undefined
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await call(
        api.GET('/api/v1/units', { params: { query: { region, limit: PAGE, ...(cursor ? { cursor } : {}) } } }),
        { silent: true },
      )
      const next = new Map(names.value)
      for (const u of page.items) next.set(u.id, u.name)
      names.value = next
      cursor = page.next_cursor || undefined
      if (!cursor || [...wanted].every((id) => next.has(id))) return
    }
  }

  /** Makes sure the names of these units (each with the region it lies in) are known. */
  async function resolve(units: readonly { id: number; region: string }[]): Promise<void> {
    const byRegion = new Map<string, Set<number>>()
    for (const u of units) {
      if (names.value.has(u.id)) continue
      const set = byRegion.get(u.region) ?? new Set<number>()
      set.add(u.id)
      byRegion.set(u.region, set)
    }
    await Promise.all(
      [...byRegion].map(([region, ids]) => {
        let p = pending.get(region)
        if (!p) {
          p = loadRegion(region, ids)
            .catch(() => undefined) // names are a nicety: the id is shown instead
            .finally(() => pending.delete(region))
          pending.set(region, p)
        }
        return p
      }),
    )
  }

  return { names, nameOf, remember, resolve }
})
