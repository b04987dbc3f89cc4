import {
  createRouter,
  createWebHistory,
  type LocationQueryValue,
  type RouteLocationRaw,
  type RouteRecordRaw,
  type Router,
} from 'vue-router'
import type { Pinia } from 'pinia'
import { SYSTEM_NAME } from '@/appInfo'
import MainLayout from '@/layouts/MainLayout.vue'
import { useAuthStore, type PermRequirement } from '@/stores/auth'
import { workflowPageRoutes, workflowRoutes } from './workflowRoutes'
import { cardRoutes } from './cardRoutes'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title shown in the browser tab and the page header. */
    title?: string
    /** Reachable without signing in (the login page). */
    public?: boolean
    /** Permission the page needs (from GET /api/v1/me); without it the 无权访问 page shows. */
    perm?: PermRequirement
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/LoginView.vue'),
    meta: { title: '登录', public: true },
  },
  {
    // Forced change (initial, reset or expired password): nothing else is reachable until done.
    path: '/change-password',
    name: 'change-password',
    component: () => import('@/views/auth/ChangePasswordView.vue'),
    props: { forced: true },
    meta: { title: '修改密码' },
  },
  ...workflowPageRoutes,
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', redirect: { name: 'officers' } },
      {
        path: 'officers',
        name: 'officers',
        component: () => import('@/views/officers/OfficerListView.vue'),
        meta: { title: '档案管理', perm: 'officer:read' },
      },
      {
        path: 'units',
        name: 'units',
        component: () => import('@/views/records/UnitListView.vue'),
        meta: { title: '单位管理', perm: 'unit:write' },
      },
      ...workflowRoutes,
      ...cardRoutes,
      {
        path: 'account/password',
        name: 'password',
        component: () => import('@/views/auth/ChangePasswordView.vue'),
        meta: { title: '修改密码' },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('@/views/users/UserListView.vue'),
        meta: { title: '用户管理', perm: 'user:read' },
      },
      {
        path: 'admin/audit',
        name: 'audit',
        component: () => import('@/views/audit/AuditLogView.vue'),
        meta: { title: '审计日志', perm: 'audit:read' },
      },
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/views/errors/ForbiddenView.vue'),
        meta: { title: '无权访问' },
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

/** Where to go after signing in: a same-site path from ?redirect=, else the home page. */
export function redirectTarget(v: LocationQueryValue | LocationQueryValue[] | undefined): RouteLocationRaw {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s === 'string' && s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/login')) return s
  return { name: 'officers' }
}

/**
 * Session guards: pages need a signed-in user (restored from the refresh cookie on page load);
 * a user who must change the password sees only 修改密码; pages with `meta.perm` need it.
 * The session's events (ended, forced password change, signed in in another tab) move the router.
 */
export function installAuthGuards(router: Router, pinia?: Pinia): void {
  const auth = useAuthStore(pinia)

  router.beforeEach(async (to) => {
    await auth.ready()
    if (to.meta.public) {
      if (!auth.signedIn) return true
      return auth.mustChangePassword ? { name: 'change-password' } : redirectTarget(to.query.redirect)
    }
    if (!auth.signedIn) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    }
    if (auth.mustChangePassword) {
      return to.name === 'change-password' ? true : { name: 'change-password', query: keepRedirect(to.fullPath) }
    }
    if (to.name === 'change-password') return redirectTarget(to.query.redirect)
    if (to.meta.perm !== undefined && !auth.hasPerm(to.meta.perm)) {
      return { name: 'forbidden', query: { from: to.fullPath } }
    }
    return true
  })

  auth.onSessionEvent((e) => {
    const here = router.currentRoute.value
    switch (e.type) {
      case 'signed-out':
        if (!here.meta.public) {
          void router.replace({ name: 'login', query: here.fullPath === '/' ? {} : { redirect: here.fullPath } })
        }
        break
      case 'password-change-required':
        if (here.name !== 'change-password' && !here.meta.public) {
          void router.replace({ name: 'change-password', query: keepRedirect(here.fullPath) })
        }
        break
      case 'signed-in':
        if (here.meta.public) void router.replace(redirectTarget(here.query.redirect))
        break
    }
  })
}

function keepRedirect(path: string): Record<string, string> {
  return path === '/' || path.startsWith('/change-password') ? {} : { redirect: path }
}

export function createAppRouter(pinia?: Pinia): Router {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes })
  installAuthGuards(router, pinia)
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} - ${SYSTEM_NAME}` : SYSTEM_NAME
  })
  return router
}
