import { describe, expect, it } from 'vitest'
import { ApiProblem } from '@/api/problem'
import { classifyBatchFailure, refusalsOf } from './refusals'

function problem(status: number, detail: string, errors: { field: string; rule: string; message: string }[] = []): ApiProblem {
  return new ApiProblem({ type: 'about:blank', title: 'x', status, detail, code: 'rule_violated', errors })
}

describe('refusalsOf', () => {
  it('maps officer refusals to name, code and reason, in the server order', () => {
    const p = problem(422, '申请未提交：2 项不符合条件，本批次未做任何更改', [
      { field: 'officers/12', rule: 'overdue', message: '王五（3701020012）：已超过年检期限（2026-01-31），不能年检，只能注销后重新申请' },
      { field: 'officers/15', rule: 'photo', message: '赵六：没有照片' },
    ])
    expect(refusalsOf(p)).toEqual([
      {
        target: 'officers',
        id: 12,
        name: '王五',
        note: '3701020012',
        reason: '已超过年检期限（2026-01-31），不能年检，只能注销后重新申请',
        rule: 'overdue',
        ruleLabel: '已超期',
        message: '王五（3701020012）：已超过年检期限（2026-01-31），不能年检，只能注销后重新申请',
      },
      expect.objectContaining({ id: 15, name: '赵六', note: undefined, reason: '没有照片', ruleLabel: '无照片' }),
    ])
  })

  it('maps application refusals (name and kind) and prefers names known on screen', () => {
    const p = problem(422, '操作未执行：1 项不符合条件', [
      { field: 'applications/7', rule: 'level', message: '李四（办卡）：只能审核同级单位的申请（本申请属于 370100）' },
      { field: 'applications/8', rule: 'exists', message: '申请不存在' },
      { field: 'comment', rule: 'required', message: '退回须填写理由' },
    ])
    const r = refusalsOf(p, (target, id) => (target === 'applications' && id === 7 ? '李四（屏幕）' : undefined))
    expect(r).toHaveLength(2)
    expect(r[0]).toMatchObject({ target: 'applications', id: 7, name: '李四（屏幕）', note: '办卡', reason: '只能审核同级单位的申请（本申请属于 370100）', ruleLabel: '非同级' })
    // No name in the message and none on screen: the id stands in.
    expect(r[1]).toMatchObject({ id: 8, name: '#8', reason: '申请不存在', rule: 'exists' })
  })
})

describe('classifyBatchFailure', () => {
  const item = { field: 'officers/1', rule: 'exam', message: '张三：未通过执法资格考试，不能首次申领' }

  it('422 and 403 with items are refusals', () => {
    expect(classifyBatchFailure(problem(422, 'x', [item])).kind).toBe('refused')
    expect(classifyBatchFailure(problem(403, 'x', [{ ...item, rule: 'jurisdiction' }])).kind).toBe('refused')
  })

  it('409 is a conflict, with or without items', () => {
    const c = classifyBatchFailure(problem(409, '筛选结果已变化（您看到 3 条，现在为 4 条），请刷新后重新操作', [
      { field: 'expected_count', rule: 'changed', message: '筛选结果已变化' },
    ]))
    expect(c).toMatchObject({ kind: 'conflict', refusals: [] })
  })

  it('body field errors are invalid (for the form); the rest is other', () => {
    const inv = classifyBatchFailure(problem(400, '请求参数有误', [{ field: 'reason', rule: 'enum', message: '请从规定的注销原因中选择' }]))
    expect(inv).toMatchObject({ kind: 'invalid', fieldErrors: { reason: '请从规定的注销原因中选择' } })
    expect(classifyBatchFailure(problem(503, '服务暂时不可用')).kind).toBe('other')
    expect(classifyBatchFailure(problem(403, '没有权限执行此操作')).kind).toBe('other')
  })
})
