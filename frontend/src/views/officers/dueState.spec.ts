import { describe, expect, it } from 'vitest'
import {
  DUE_LEGEND,
  DUE_SOON_COLOR,
  OVERDUE_COLOR,
  dueColor,
  dueLabel,
  dueRowClass,
  dueStateOptions,
  isDueState,
  legendParts,
} from './dueState'

describe('dueState', () => {
  it('uses the seed colours: dark red when due soon, bright red when overdue', () => {
    expect(DUE_SOON_COLOR).toBe('#8B0000')
    expect(OVERDUE_COLOR).toBe('#FF0000')
    expect(dueColor('due_soon')).toBe(DUE_SOON_COLOR)
    expect(dueColor('overdue')).toBe(OVERDUE_COLOR)
    expect(dueColor('ok')).toBeUndefined()
    expect(dueColor('none')).toBeUndefined()
    expect(dueColor(null)).toBeUndefined()
  })

  it('labels every state in Chinese', () => {
    expect(dueLabel('ok')).toBe('正常')
    expect(dueLabel('due_soon')).toBe('即将到期')
    expect(dueLabel('overdue')).toBe('已超期')
    expect(dueLabel('none')).toBe('无需年检')
    expect(dueLabel(undefined)).toBe('—')
    expect(dueStateOptions.map((o) => o.value)).toEqual(['none', 'ok', 'due_soon', 'overdue'])
  })

  it('gives row classes only to coloured states', () => {
    expect(dueRowClass('due_soon')).toBe('due-soon')
    expect(dueRowClass('overdue')).toBe('overdue')
    expect(dueRowClass('ok')).toBe('')
    expect(dueRowClass('none')).toBe('')
  })

  it('recognises only known states', () => {
    expect(isDueState('overdue')).toBe(true)
    expect(isDueState('late')).toBe(false)
    expect(isDueState('toString')).toBe(false)
    expect(isDueState(3)).toBe(false)
  })

  it('splits the legend around the coloured colour names', () => {
    const parts = legendParts()
    expect(parts.map((p) => p.text).join('')).toBe(DUE_LEGEND)
    expect(parts.filter((p) => p.color)).toEqual([
      { text: '暗红色', color: DUE_SOON_COLOR },
      { text: '鲜红色', color: OVERDUE_COLOR },
    ])
  })
})
