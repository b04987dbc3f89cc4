import { describe, expect, it } from 'vitest'
import { useSelection } from './useSelection'

const r = (id: number) => ({ id, name: `人员${id}` })

describe('useSelection', () => {
  it('keeps ticked rows across pages and unticks by id', () => {
    const s = useSelection<ReturnType<typeof r>>()
    expect(s.empty.value).toBe(true)
    s.togglePage([r(1), r(2), r(3)], true) // page 1 header box
    s.toggle(r(2), false)
    s.toggle(r(21)) // a row of page 2
    expect(s.ids.value).toEqual([1, 3, 21])
    expect(s.count.value).toBe(3)
    expect(s.has(21)).toBe(true)
    s.remove([1, 21])
    expect(s.ids.value).toEqual([3])
    s.togglePage([r(3), r(4)], false)
    expect(s.empty.value).toBe(true)
  })

  it('全选 switches to the filter with the count seen; row changes are ignored until cleared', () => {
    const s = useSelection<ReturnType<typeof r>>()
    s.toggle(r(1))
    s.selectAll(137)
    expect(s.mode.value).toBe('filter')
    expect(s.byFilter.value).toBe(true)
    expect(s.count.value).toBe(137)
    expect(s.ids.value).toEqual([]) // the filter, not ids, goes to the server
    expect(s.has(999)).toBe(true) // every row shows ticked
    s.toggle(r(5))
    s.setRows([r(6)])
    s.remove([1])
    expect(s.count.value).toBe(137)
    s.clear()
    expect(s.mode.value).toBe('rows')
    expect(s.count.value).toBe(0)
    s.setRows([r(7), r(8)])
    expect(s.ids.value).toEqual([7, 8])
  })

  it('全选 needs a count to go by: none yet (null) or nothing matched (0) leaves the selection alone', () => {
    const s = useSelection<ReturnType<typeof r>>()
    s.toggle(r(1))
    expect(s.selectAll(null)).toBe(false)
    expect(s.selectAll(0)).toBe(false)
    expect(s.byFilter.value).toBe(false)
    expect(s.ids.value).toEqual([1])
    expect(s.selectAll(3)).toBe(true)
    expect(s.count.value).toBe(3)
  })
})
