// 单位管理 state: the unit list (search by code or name prefix within a region, keyset pages
// loaded on demand), create / edit, 撤销 (dissolve, which starts the cancellation of its
// officers' certificates) and delete (refused with the server's message while it has officers).
import { ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { NewUnit } from '@/api/records'
import type { Unit } from '@/api/types'

export const UNIT_PAGE_SIZE = 50

export interface UnitSearch {
  q?: string
  region?: string
}

export function unitQuery(s: UnitSearch, cursor?: string) {
  const q = s.q?.trim()
  return {
    ...(q ? { q } : {}),
    ...(s.region ? { region: s.region } : {}),
    limit: UNIT_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  }
}

export function useUnits() {
  const items = shallowRef<Unit[]>([])
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  const nextCursor = ref<string>()
  const search = ref<UnitSearch>({})
  let controller: AbortController | undefined

  async function fetchPage(cursor?: string): Promise<void> {
    controller?.abort()
    const ctl = new AbortController()
    controller = ctl
    loading.value = true
    problem.value = null
    try {
      const page = await call(
        api.GET('/api/v1/units', { params: { query: unitQuery(search.value, cursor) }, signal: ctl.signal }),
        { silent: true },
      )
      items.value = cursor ? [...items.value, ...(page.items ?? [])] : (page.items ?? [])
      nextCursor.value = page.next_cursor || undefined
    } catch (e) {
      if (isAbort(e)) return
      problem.value = e instanceof ApiProblem ? e : networkProblem(e)
    } finally {
      if (controller === ctl) loading.value = false
    }
  }

  function find(s: UnitSearch): Promise<void> {
    search.value = { ...s }
    return fetchPage()
  }

  const reload = () => fetchPage()
  const more = () => (nextCursor.value ? fetchPage(nextCursor.value) : Promise.resolve())

  function replace(u: Unit): void {
    items.value = items.value.map((x) => (x.id === u.id ? u : x))
  }

  /** Creates a unit; throws the ApiProblem (field errors for the dialog) without showing it. */
  async function create(body: NewUnit): Promise<Unit> {
    const u = await call(api.POST('/api/v1/units', { body }), { silent: true })
    items.value = [u, ...items.value]
    return u
  }

  async function update(id: number, body: NewUnit): Promise<Unit> {
    const u = await call(api.PUT('/api/v1/units/{id}', { params: { path: { id } }, body }), { silent: true })
    replace(u)
    return u
  }

  /** 撤销单位: returns how many certificate cancellations were started. */
  async function dissolve(id: number, reason: string): Promise<number> {
    const res = await call(
      api.POST('/api/v1/units/{id}/dissolve', { params: { path: { id } }, body: { reason: reason.trim() } }),
      { silent: true },
    )
    replace(res.unit)
    return res.cancellations_started
  }

  /** Deletes a unit without officers or accounts; the server's 409 explains otherwise. */
  async function remove(id: number): Promise<void> {
    await call(api.DELETE('/api/v1/units/{id}', { params: { path: { id } } }), { silent: true })
    items.value = items.value.filter((x) => x.id !== id)
  }

  return { items, loading, problem, nextCursor, search, find, reload, more, create, update, dissolve, remove }
}
