// Row selection for batch screens (只对划勾的人员 / 全选). Two modes:
// - rows: the rows the user ticked, kept across pages (keyset pages reload the table);
// - filter: 全选 — everything the current filter matches, sent as the filter plus the count the
//   user saw (`expected_count`), so the server refuses with 409 if the set changed meanwhile.
import { computed, ref, shallowRef } from 'vue'

export type SelectionMode = 'rows' | 'filter'

export function useSelection<T extends { id: number }>() {
  const mode = ref<SelectionMode>('rows')
  /** Ticked rows by id (rows mode). */
  const rows = shallowRef<ReadonlyMap<number, T>>(new Map())
  /** The count shown when 全选 was chosen (filter mode). */
  const expected = ref(0)

  const byFilter = computed(() => mode.value === 'filter')
  const count = computed(() => (mode.value === 'filter' ? expected.value : rows.value.size))
  const empty = computed(() => count.value === 0)
  const ids = computed(() => [...rows.value.keys()])
  const selectedRows = computed(() => [...rows.value.values()])

  /** Replaces the ticked rows (the table's selection-change); ignored while 全选 is on. */
  function setRows(list: readonly T[]): void {
    if (mode.value === 'filter') return
    rows.value = new Map(list.map((r) => [r.id, r]))
  }

  /** Ticks or unticks one row. */
  function toggle(row: T, on = !rows.value.has(row.id)): void {
    if (mode.value === 'filter') return
    const next = new Map(rows.value)
    if (on) next.set(row.id, row)
    else next.delete(row.id)
    rows.value = next
  }

  /** Ticks or unticks every row of a page (the header checkbox). */
  function togglePage(page: readonly T[], on: boolean): void {
    if (mode.value === 'filter') return
    const next = new Map(rows.value)
    for (const r of page) {
      if (on) next.set(r.id, r)
      else next.delete(r.id)
    }
    rows.value = next
  }

  /** Unticks rows by id (e.g. the ones the server refused). */
  function remove(idsToDrop: readonly number[]): void {
    if (mode.value === 'filter') return
    const next = new Map(rows.value)
    for (const id of idsToDrop) next.delete(id)
    rows.value = next
  }

  /**
   * 全选: everything the applied filter matches, `total` being the count on screen. Without a count
   * (still counting, failed) or with nothing to select it does nothing and returns false.
   */
  function selectAll(total: number | null): boolean {
    if (total === null || total === 0) return false
    mode.value = 'filter'
    expected.value = total
    rows.value = new Map()
    return true
  }

  /** Back to nothing selected, rows mode. */
  function clear(): void {
    mode.value = 'rows'
    expected.value = 0
    rows.value = new Map()
  }

  function has(id: number): boolean {
    return mode.value === 'filter' || rows.value.has(id)
  }

  return {
    mode,
    rows,
    expected,
    byFilter,
    count,
    empty,
    ids,
    selectedRows,
    setRows,
    toggle,
    togglePage,
    remove,
    selectAll,
    clear,
    has,
  }
}

export type Selection<T extends { id: number }> = ReturnType<typeof useSelection<T>>
