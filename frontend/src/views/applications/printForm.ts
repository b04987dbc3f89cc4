// The printed 申请表: one form per applying unit and kind, applicants in order.
import type { Application, AppKind } from '@/api/workflow'
import { appKinds } from './appLabels'

export interface PrintGroup {
  key: string
  unitId: number
  unitName: string
  kind: AppKind
  /** 山东省行政执法证件办卡申请表 */
  title: string
  items: Application[]
}

/** Groups applications by unit and kind, in the order units and kinds first appear. */
export function printGroups(apps: readonly Application[]): PrintGroup[] {
  const groups = new Map<string, PrintGroup>()
  for (const a of apps) {
    const key = `${a.unit_id}:${a.kind}`
    let g = groups.get(key)
    if (!g) {
      g = {
        key,
        unitId: a.unit_id,
        unitName: a.unit_name,
        kind: a.kind,
        title: `山东省行政执法证件${appKinds[a.kind]}申请表`,
        items: [],
      }
      groups.set(key, g)
    }
    g.items.push(a)
  }
  for (const g of groups.values()) g.items.sort((x, y) => x.id - y.id)
  return [...groups.values()]
}

/** The 申请内容 cell: the round of an inspection, else the reason. */
export function printDetail(a: Application): string {
  if (a.kind === 'inspection') return a.round_year ? `年检年度 ${a.round_year}` : '年检'
  return a.reason || ''
}
