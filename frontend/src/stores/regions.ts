// The administrative region tree (GB/T 2260), loaded once per session and shared by all pages.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import type { Region } from '@/api/types'

export const useRegionStore = defineStore('regions', () => {
  const tree = shallowRef<Region[]>([])
  const loading = ref(false)
  const failed = ref(false)
  let pending: Promise<void> | undefined

  /** Every node by code, with the names from the root down to it. */
  const byCode = computed(() => {
    const map = new Map<string, { node: Region; path: string[] }>()
    const walk = (nodes: readonly Region[] | undefined, above: string[]) => {
      for (const n of nodes ?? []) {
        const path = [...above, n.name]
        map.set(n.code, { node: n, path })
        walk(n.children, path)
      }
    }
    walk(tree.value, [])
    return map
  })

  /** Loads the tree unless it is loaded or loading; a failed load is retried on the next call. */
  function ensureLoaded(): Promise<void> {
    if (tree.value.length > 0) return Promise.resolve()
    pending ??= (async () => {
      loading.value = true
      failed.value = false
      try {
        tree.value = await call(api.GET('/api/v1/regions'))
      } catch {
        failed.value = true
      } finally {
        loading.value = false
        pending = undefined
      }
    })()
    return pending
  }

  function nameOf(code: string | null | undefined): string | undefined {
    return code ? byCode.value.get(code)?.node.name : undefined
  }

  /** Full name such as 山东省 / 潍坊市 / 潍城区; undefined for unknown codes. */
  function pathOf(code: string | null | undefined, sep = ' / '): string | undefined {
    return code ? byCode.value.get(code)?.path.join(sep) : undefined
  }

  return { tree, loading, failed, byCode, ensureLoaded, nameOf, pathOf }
})
