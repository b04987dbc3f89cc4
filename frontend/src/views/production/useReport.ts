// 报省制证: a city legal office reports its city's (市直 and county) legally approved card applications
// (办卡, 补卡, 换发) to the provincial office for production — the ticked ones, or all not yet reported.
// Province-level approvals need no report; county offices' approvals are reported by their city.
import { computed, ref } from 'vue'
import { api, call } from '@/api/client'
import type { AppKind } from '@/api/workflow'
import { useAuthStore } from '@/stores/auth'
import { useApplicationList } from '@/views/applications/useApplicationList'

export const CARD_KINDS = ['new_card', 'replacement', 'renewal'] as const satisfies readonly AppKind[]
export type CardKind = (typeof CARD_KINDS)[number]

/** 'city' may report; 'province' and 'county' offices are told why not. */
export function reportLevel(scope: string | undefined): 'province' | 'city' | 'county' {
  if (!scope || scope.endsWith('0000')) return 'province'
  return scope.endsWith('00') ? 'city' : 'county'
}

export function useReport() {
  const auth = useAuthStore()
  const list = useApplicationList({ pageSize: 50 })
  const kind = ref<CardKind>('new_card')
  const name = ref('')
  const picked = ref(new Set<number>())
  const submitting = ref(false)
  const level = computed(() => reportLevel(auth.user?.scope))

  function search(): Promise<void> {
    picked.value = new Set()
    return list.search({ state: 'legal_approved', kind: kind.value, name: name.value })
  }

  function toggle(id: number, on: boolean): void {
    const next = new Set(picked.value)
    if (on) next.add(id)
    else next.delete(id)
    picked.value = next
  }

  /** Reports the ticked applications (all or none); returns how many. */
  async function reportPicked(): Promise<number> {
    return send({ application_ids: [...picked.value] })
  }

  /** Reports every approved card application of the city not reported yet; returns how many. */
  async function reportAll(): Promise<number> {
    return send({ all: true })
  }

  async function send(body: { application_ids?: number[]; all?: boolean }): Promise<number> {
    submitting.value = true
    try {
      const res = await call(api.POST('/api/v1/production/reports', { body }))
      await search()
      return res.count
    } finally {
      submitting.value = false
    }
  }

  return { list, kind, name, picked, submitting, level, search, toggle, reportPicked, reportAll }
}
