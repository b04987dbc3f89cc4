// Applications chosen for printing the 申请表 (application form for stamping). Memory only: the
// print page is opened from a list in the same tab and the data (names, masked ID numbers) is not
// written to storage; after a reload the page asks the user to choose again.
import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { Application } from '@/api/workflow'

export const usePrintApplicationsStore = defineStore('printApplications', () => {
  const items = shallowRef<Application[]>([])
  /** Where 返回 leads (the list the user printed from). */
  const back = shallowRef<string | undefined>()

  function set(apps: readonly Application[], from?: string): void {
    items.value = [...apps]
    back.value = from
  }

  function clear(): void {
    items.value = []
  }

  return { items, back, set, clear }
})
