// Inspection due states (年检状态): Chinese labels and the colours the seed manual prescribes.
import type { DueState } from '@/api/types'

/** 暗红色: less than two months before the inspection due date. */
export const DUE_SOON_COLOR = '#8B0000'
/** 鲜红色: past the inspection due date. */
export const OVERDUE_COLOR = '#FF0000'

export const DUE_LEGEND = '距年检期限不足两个月以暗红色标示，已超过年检期限以鲜红色标示'

interface DueStateInfo {
  label: string
  /** Text colour of the whole row; undefined = default table colour. */
  color?: string
  /** Name of the colour as the legend says it. */
  colorName?: string
}

export const dueStates = {
  none: { label: '无需年检' },
  ok: { label: '正常' },
  due_soon: { label: '即将到期', color: DUE_SOON_COLOR, colorName: '暗红色' },
  overdue: { label: '已超期', color: OVERDUE_COLOR, colorName: '鲜红色' },
} as const satisfies Record<DueState, DueStateInfo>

export const dueStateOptions = (Object.keys(dueStates) as DueState[]).map((value) => ({
  value,
  label: dueStates[value].label,
}))

export function isDueState(v: unknown): v is DueState {
  return typeof v === 'string' && Object.hasOwn(dueStates, v)
}

export function dueLabel(s: DueState | null | undefined): string {
  return s && isDueState(s) ? dueStates[s].label : '—'
}

export function dueColor(s: DueState | null | undefined): string | undefined {
  if (!s || !isDueState(s)) return undefined
  const info: DueStateInfo = dueStates[s]
  return info.color
}

/** CSS class for a table row: `due-soon` / `overdue`, or '' when the row keeps the default colour. */
export function dueRowClass(s: DueState | null | undefined): string {
  if (s === 'due_soon') return 'due-soon'
  if (s === 'overdue') return 'overdue'
  return ''
}

/** The legend split into plain text and the coloured colour names, for rendering. */
export function legendParts(): { text: string; color?: string }[] {
  const named = Object.values(dueStates).filter(
    (i): i is (typeof dueStates)['due_soon' | 'overdue'] => 'colorName' in i,
  )
  const pattern = new RegExp(`(${named.map((i) => i.colorName).join('|')})`)
  return DUE_LEGEND.split(pattern)
    .filter((t) => t !== '')
    .map((text) => ({ text, color: named.find((i) => i.colorName === text)?.color }))
}
