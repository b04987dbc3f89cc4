import { describe, expect, it } from 'vitest'
import {
  APPLY_PAGES,
  applyFormProblems,
  applyListFilters,
  certTypeOf,
  emptyApplyForm,
  toApplyBody,
  toOfficerSelection,
} from './applyForm'

describe('apply filters', () => {
  it('forces the page’s certificate states and keeps only batch-repeatable filters', () => {
    expect(applyListFilters(APPLY_PAGES.new_card, {})).toEqual({ cert_state: 'none' })
    expect(applyListFilters(APPLY_PAGES.new_card, { cert_state: 'cancelled', name: ' 王 ' })).toEqual({
      cert_state: 'cancelled',
      name: '王',
    })
    // 有效 is not offered on 申请办卡: back to the default.
    expect(applyListFilters(APPLY_PAGES.new_card, { cert_state: 'active' })).toEqual({ cert_state: 'none' })
    expect(applyListFilters(APPLY_PAGES.inspection, { year: 2024, officer_code: '', cert_no: 'X1' })).toEqual({
      cert_state: 'active',
      year: 2024,
      cert_no: 'X1',
    })
  })

  it('全选 repeats the list filters with the count seen', () => {
    expect(toOfficerSelection({ cert_state: 'active', year: 2024, name: '张' }, 37)).toEqual({
      cert_state: 'active',
      year: 2024,
      name: '张',
      expected_count: 37,
    })
  })
})

describe('apply form', () => {
  const today = new Date(2026, 10, 26)

  it('replacement: 遗失 needs 报刊名称 and a 刊登日期 not in the future; 损坏 needs neither', () => {
    const f = { ...emptyApplyForm(), loss: 'lost' as const }
    expect(applyFormProblems('replacement', f, today)).toEqual({
      newspaper: '遗失补卡须填写登报声明作废的报刊名称',
      published_on: '请选择刊登日期',
    })
    expect(applyFormProblems('replacement', { ...f, newspaper: '大众日报', published_on: '2026-12-01' }, today)).toEqual({
      published_on: '刊登日期不能晚于今天',
    })
    expect(applyFormProblems('replacement', { ...f, newspaper: '大众日报', published_on: '2026-11-20' }, today)).toEqual({})
    expect(applyFormProblems('replacement', { ...emptyApplyForm(), loss: 'damaged' }, today)).toEqual({})
    expect(applyFormProblems('replacement', emptyApplyForm(), today)).toEqual({ loss: '请选择补卡原因：遗失或损坏' })
  })

  it('renewal needs a reason; cancellation a reason from the list', () => {
    expect(applyFormProblems('renewal', emptyApplyForm())).toEqual({ reason: '请填写换发理由' })
    const configured = ['调离执法岗位', '退休', '机构改革']
    const now = new Date()
    expect(applyFormProblems('cancellation', { ...emptyApplyForm(), reason: '出国' }, now, configured)).toEqual({
      reason: '请选择注销原因',
    })
    // The province's own list counts, not the domain brief's defaults.
    expect(applyFormProblems('cancellation', { ...emptyApplyForm(), reason: '机构改革' }, now, configured)).toEqual({})
    expect(applyFormProblems('cancellation', { ...emptyApplyForm(), reason: '逾期未年检' }, now, configured)).toEqual({
      reason: '请选择注销原因',
    })
    // Before the list is known only an empty reason is refused here; the server checks the rest.
    expect(applyFormProblems('cancellation', emptyApplyForm(), now)).toEqual({ reason: '请选择注销原因' })
    expect(applyFormProblems('cancellation', { ...emptyApplyForm(), reason: '出国' }, now)).toEqual({})
    expect(applyFormProblems('new_card', emptyApplyForm())).toEqual({})
  })

  it('builds the body of each kind', () => {
    const ids = { officer_ids: [3, 4] }
    expect(toApplyBody('new_card', ids, emptyApplyForm('supervision'))).toEqual({
      kind: 'new_card',
      cert_type: 'supervision',
      officer_ids: [3, 4],
    })
    const filter = { filter: { year: 2024, cert_state: 'active' as const, expected_count: 9 } }
    expect(toApplyBody('inspection', filter, emptyApplyForm(), 2024)).toEqual({
      kind: 'inspection',
      cert_type: 'law_enforcement',
      filter: { year: 2024, cert_state: 'active', expected_count: 9 },
      round: 2024,
    })
    expect(
      toApplyBody('replacement', ids, { ...emptyApplyForm(), loss: 'lost', newspaper: ' 大众日报 ', published_on: '2026-11-20' }),
    ).toEqual({
      kind: 'replacement',
      cert_type: 'law_enforcement',
      officer_ids: [3, 4],
      loss: 'lost',
      void_notice: { newspaper: '大众日报', published_on: '2026-11-20' },
    })
    expect(toApplyBody('replacement', ids, { ...emptyApplyForm(), loss: 'damaged', newspaper: 'x' })).not.toHaveProperty(
      'void_notice',
    )
    expect(toApplyBody('cancellation', ids, { ...emptyApplyForm(), reason: '退休' })).toMatchObject({ reason: '退休' })
  })

  it('takes the certificate type from the ticked officers', () => {
    expect(certTypeOf([{ cert_type: 'supervision' }, { cert_type: null }])).toBe('supervision')
    expect(certTypeOf([{ cert_type: 'supervision' }, { cert_type: 'law_enforcement' }])).toBe('mixed')
    expect(certTypeOf([])).toBeUndefined()
  })
})
