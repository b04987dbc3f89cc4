// Routes of the certificate workflow (申请办卡, 申请补卡, 申请换发, 年检申请, 证件注销, 我的申请,
// 单位审核, 法制机构审核) and the printable 申请表. Kept apart from index.ts so the workflow
// screens and the session/admin screens can change independently.
import type { RouteRecordRaw } from 'vue-router'
import { APPLY_PAGES } from '@/views/applications/applyForm'
import { STAGES } from '@/views/applications/useDecisions'

const ApplyView = () => import('@/views/applications/ApplyView.vue')
const ReviewView = () => import('@/views/applications/ReviewView.vue')

/** Children of the main layout. */
export const workflowRoutes: RouteRecordRaw[] = [
  {
    path: 'applications/new-card',
    name: 'apply-new-card',
    component: ApplyView,
    props: { kind: 'new_card' },
    meta: { title: APPLY_PAGES.new_card.title, perm: APPLY_PAGES.new_card.perm },
  },
  {
    path: 'applications/replacement',
    name: 'apply-replacement',
    component: ApplyView,
    props: { kind: 'replacement' },
    meta: { title: APPLY_PAGES.replacement.title, perm: APPLY_PAGES.replacement.perm },
  },
  {
    path: 'applications/renewal',
    name: 'apply-renewal',
    component: ApplyView,
    props: { kind: 'renewal' },
    meta: { title: APPLY_PAGES.renewal.title, perm: APPLY_PAGES.renewal.perm },
  },
  {
    path: 'applications/inspection',
    name: 'apply-inspection',
    component: ApplyView,
    props: { kind: 'inspection' },
    meta: { title: APPLY_PAGES.inspection.title, perm: APPLY_PAGES.inspection.perm },
  },
  {
    path: 'applications/cancellation',
    name: 'apply-cancellation',
    component: ApplyView,
    props: { kind: 'cancellation' },
    meta: { title: APPLY_PAGES.cancellation.title, perm: APPLY_PAGES.cancellation.perm },
  },
  {
    path: 'applications/mine',
    name: 'my-applications',
    component: () => import('@/views/applications/MyApplicationsView.vue'),
    meta: { title: '我的申请', perm: 'application:create' },
  },
  {
    path: 'reviews/unit',
    name: 'unit-review',
    component: ReviewView,
    props: { stage: 'unit' },
    meta: { title: STAGES.unit.title, perm: STAGES.unit.perm },
  },
  {
    path: 'reviews/legal',
    name: 'legal-review',
    component: ReviewView,
    props: { stage: 'legal' },
    meta: { title: STAGES.legal.title, perm: STAGES.legal.perm },
  },
]

/** Top-level routes (outside the main layout: nothing but the forms on paper). */
export const workflowPageRoutes: RouteRecordRaw[] = [
  {
    path: '/print/applications',
    name: 'print-applications',
    component: () => import('@/views/applications/ApplicationPrintView.vue'),
    meta: { title: '打印申请表', perm: 'application:read' },
  },
]
