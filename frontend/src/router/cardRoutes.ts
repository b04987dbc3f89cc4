// Routes of the card screens: 报省制证 (city offices), 制证批次 (production queue, batches, writing cards), 同步年检
// (inspection chip sync and validity sticker) and 读卡设备 (registered card agents). Kept apart from index.ts like
// the workflow routes.
import type { RouteRecordRaw } from 'vue-router'

/** Children of the main layout. */
export const cardRoutes: RouteRecordRaw[] = [
  {
    path: 'production',
    name: 'production',
    component: () => import('@/views/production/ProductionView.vue'),
    meta: { title: '制证批次', perm: 'production:read' },
  },
  {
    path: 'production/batches/:id(\\d+)',
    name: 'production-batch',
    component: () => import('@/views/production/BatchDetailView.vue'),
    meta: { title: '制证批次', perm: 'production:read' },
  },
  {
    path: 'production/reports',
    name: 'production-report',
    component: () => import('@/views/production/ReportView.vue'),
    meta: { title: '报省制证', perm: 'production:report' },
  },
  {
    path: 'inspections/sync',
    name: 'inspection-sync',
    component: () => import('@/views/inspections/InspectionSyncView.vue'),
    meta: { title: '同步年检', perm: 'certificate:sync' },
  },
  {
    path: 'card-agents',
    name: 'card-agents',
    component: () => import('@/views/cardAgents/CardAgentsView.vue'),
    meta: { title: '读卡设备', perm: 'card_agent:read' },
  },
]
