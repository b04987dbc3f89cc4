// Side menu of the main layout. Entries without a route are shown disabled as 即将上线.
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
} from '@element-plus/icons-vue'

export interface MenuEntry {
  key: string
  title: string
  icon: Component
  /** Route path; absent = not yet available. */
  to?: string
}

export const menuEntries: MenuEntry[] = [
  { key: 'officers', title: '档案管理', icon: Document, to: '/officers' },
  { key: 'card-applications', title: '申请办卡', icon: EditPen },
  { key: 'inspections', title: '年检申请', icon: Calendar },
  { key: 'unit-review', title: '单位审核', icon: Stamp },
  { key: 'legal-review', title: '法制机构审核', icon: Checked },
  { key: 'cancellations', title: '证件注销', icon: CircleClose },
  { key: 'batches', title: '制证批次', icon: Printer },
  { key: 'units', title: '单位管理', icon: OfficeBuilding },
  { key: 'admin', title: '系统管理', icon: Setting },
]
