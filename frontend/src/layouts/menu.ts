// Side menu of the main layout. Entries without a route are shown disabled as 即将上线; entries
// with a permission are shown only to users who hold it (GET /api/v1/me), groups only when one of
// their entries is shown.
import type { Component } from 'vue'
import {
  Document,
  EditPen,
  Calendar,
  Stamp,
  Checked,
  CircleClose,
  Printer,
  OfficeBuilding,
  Setting,
  User,
  Tickets,
  CreditCard,
  RefreshRight,
  Files,
  Postcard,
  Promotion,
  Cpu,
} from '@element-plus/icons-vue'
import type { PermRequirement } from '@/stores/auth'

export interface MenuEntry {
  key: string
  title: string
  icon: Component
  /** Route path; absent = not yet available. */
  to?: string
  /** Permission needed to see the entry. */
  perm?: PermRequirement
  /** Sub-entries (a group). */
  children?: MenuEntry[]
}

export const menuEntries: MenuEntry[] = [
  { key: 'officers', title: '档案管理', icon: Document, to: '/officers', perm: 'officer:read' },
  { key: 'card-applications', title: '申请办卡', icon: EditPen, to: '/applications/new-card', perm: 'application:create' },
  { key: 'replacements', title: '申请补卡', icon: CreditCard, to: '/applications/replacement', perm: 'application:create' },
  { key: 'renewals', title: '申请换发', icon: RefreshRight, to: '/applications/renewal', perm: 'application:create' },
  { key: 'inspections', title: '年检申请', icon: Calendar, to: '/applications/inspection', perm: 'application:create' },
  { key: 'unit-review', title: '单位审核', icon: Stamp, to: '/reviews/unit', perm: 'application:approve_unit' },
  { key: 'legal-review', title: '法制机构审核', icon: Checked, to: '/reviews/legal', perm: 'application:approve_legal' },
  { key: 'cancellations', title: '证件注销', icon: CircleClose, to: '/applications/cancellation', perm: 'application:create' },
  { key: 'my-applications', title: '我的申请', icon: Files, to: '/applications/mine', perm: 'application:create' },
  { key: 'production-report', title: '报省制证', icon: Promotion, to: '/production/reports', perm: 'production:report' },
  { key: 'batches', title: '制证批次', icon: Printer, to: '/production', perm: 'production:read' },
  { key: 'inspection-sync', title: '同步年检', icon: Postcard, to: '/inspections/sync', perm: 'certificate:sync' },
  { key: 'card-agents', title: '读卡设备', icon: Cpu, to: '/card-agents', perm: 'card_agent:read' },
  { key: 'units', title: '单位管理', icon: OfficeBuilding, to: '/units', perm: 'unit:write' },
  {
    key: 'admin',
    title: '系统管理',
    icon: Setting,
    children: [
      { key: 'users', title: '用户管理', icon: User, to: '/admin/users', perm: 'user:read' },
      { key: 'audit', title: '审计日志', icon: Tickets, to: '/admin/audit', perm: 'audit:read' },
    ],
  },
]

/** The entries a user with these permissions sees; groups without visible entries are dropped. */
export function visibleMenu(entries: readonly MenuEntry[], can: (p: PermRequirement) => boolean): MenuEntry[] {
  const out: MenuEntry[] = []
  for (const e of entries) {
    if (e.perm !== undefined && !can(e.perm)) continue
    if (e.children) {
      const children = visibleMenu(e.children, can)
      if (children.length > 0) out.push({ ...e, children })
    } else {
      out.push(e)
    }
  }
  return out
}

/** Every routed entry, groups flattened. */
export function routedEntries(entries: readonly MenuEntry[]): MenuEntry[] {
  return entries.flatMap((e) => (e.children ? routedEntries(e.children) : e.to ? [e] : []))
}
