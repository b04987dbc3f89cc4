// Chinese labels of production: card states of a batch's items, dates and times.
import type { CardState } from '@/api/production'

export const cardStates = {
  pending: '待写卡',
  written: '已写卡',
  issued: '已发放',
} as const satisfies Record<CardState, string>

export function cardStateTagType(s: CardState): 'info' | 'success' | 'primary' {
  return s === 'pending' ? 'info' : s === 'written' ? 'success' : 'primary'
}

/** 2026-11-26 14:03 in the browser's zone (Asia/Shanghai on the province's PCs). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
