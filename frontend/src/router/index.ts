import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { SYSTEM_NAME } from '@/appInfo'
import MainLayout from '@/layouts/MainLayout.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title shown in the browser tab and the page header. */
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', redirect: { name: 'officers' } },
      {
        path: 'officers',
        name: 'officers',
        component: () => import('@/views/officers/OfficerListView.vue'),
        meta: { title: '档案管理' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/views/errors/NotFoundView.vue'),
        meta: { title: '页面不存在' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} - ${SYSTEM_NAME}` : SYSTEM_NAME
})
