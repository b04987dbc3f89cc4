// 同步年检: inspections the legal office approved (step 3) waiting for the chip sync (step 4) and the
// validity sticker (step 5), and the stale ones whose round passed without a sync (只能注销).
// Legal offices sync only their own level's units (same_level); the card issuer the whole province.
import { computed, ref } from 'vue'
import type { Application } from '@/api/workflow'
import { useAuthStore } from '@/stores/auth'
import { useApplicationList, type AppListFilters } from '@/views/applications/useApplicationList'

export type SyncTab = 'pending' | 'stale'

/** The server's wording for a stale approval (rule 6): it can no longer be synced. */
export const STALE_TEXT = '审核通过后未在本年检周期内同步芯片，不能再进行年审，只能将原证件注销后重新申请办证'

/** Today in the browser's zone, YYYY-MM-DD. */
export function localToday(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`
}

/** An approval whose round's due date has passed: the server will refuse the sync (stale). */
export function roundPassed(app: Pick<Application, 'round_due_on'>, today = localToday()): boolean {
  return !!app.round_due_on && app.round_due_on < today
}

export function filtersFor(tab: SyncTab, name: string, sameLevel: boolean): AppListFilters {
  return {
    kind: 'inspection',
    state: tab === 'pending' ? 'legal_approved' : 'stale',
    name,
    ...(sameLevel ? { same_level: true } : {}),
  }
}

export function useInspectionSync() {
  const auth = useAuthStore()
  const list = useApplicationList({ pageSize: 50 })
  const tab = ref<SyncTab>('pending')
  const name = ref('')
  /** Legal offices sync their own level only (rule `same`); the card issuer any in the province. */
  const sameLevel = computed(() => auth.user?.role === 'legal_reviewer')

  function search(): Promise<void> {
    return list.search(filtersFor(tab.value, name.value, sameLevel.value))
  }

  function setTab(t: SyncTab): Promise<void> {
    tab.value = t
    return search()
  }

  return { list, tab, name, sameLevel, search, setTab }
}
