// 打印申请表 from a list of applications (审核队列, 我的申请): the ticked rows, or for 全选 every
// application the filter matches, handed to the print page in memory (printApplications store).
import { ref } from 'vue'
import { useRouter } from 'vue-router'
import type { Application } from '@/api/workflow'
import { usePrintApplicationsStore } from '@/stores/printApplications'
import type { ApplicationList } from './useApplicationList'
import type { Selection } from './useSelection'

export function usePrintSelection(list: Pick<ApplicationList, 'fetchAll'>, selection: Selection<Application>) {
  const router = useRouter()
  const printStore = usePrintApplicationsStore()
  const printing = ref(false)

  /** Opens the print page with the selected applications; 返回 there leads back to this list. */
  async function print(): Promise<void> {
    printing.value = true
    try {
      const apps = selection.byFilter.value ? await list.fetchAll() : selection.selectedRows.value
      printStore.set(apps, router.currentRoute.value.fullPath)
      await router.push({ name: 'print-applications' })
    } catch {
      // call() has shown the problem.
    } finally {
      printing.value = false
    }
  }

  return { printing, print }
}
