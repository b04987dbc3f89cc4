import { describe, expect, it } from 'vitest'
import { application } from '@/test/applicationFixtures'
import { printDetail, printGroups } from './printForm'

describe('printGroups', () => {
  it('makes one form per unit and kind, applicants in id order', () => {
    const apps = [
      application({ id: 5, unit_id: 1, unit_name: '甲局', kind: 'new_card' }),
      application({ id: 3, unit_id: 2, unit_name: '乙局', kind: 'new_card' }),
      application({ id: 2, unit_id: 1, unit_name: '甲局', kind: 'new_card' }),
      application({ id: 9, unit_id: 1, unit_name: '甲局', kind: 'inspection', round_year: 2024 }),
    ]
    const g = printGroups(apps)
    expect(g.map((x) => [x.unitName, x.title, x.items.map((a) => a.id)])).toEqual([
      ['甲局', '山东省行政执法证件办卡申请表', [2, 5]],
      ['乙局', '山东省行政执法证件办卡申请表', [3]],
      ['甲局', '山东省行政执法证件年检申请表', [9]],
    ])
    expect(printDetail(apps[3]!)).toBe('年检年度 2024')
    expect(printDetail(application({ kind: 'cancellation', reason: '退休' }))).toBe('退休')
  })
})
