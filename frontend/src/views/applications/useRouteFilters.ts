// The applied filters of a queue page (审核队列, 我的申请) live in the URL (see queueRoute.ts): the
// form edits a draft; 过滤 pushes the draft into the URL (or, when the URL already says so,
// searches again to refresh) and every change of the URL — back button, bookmark, link — is
// applied to the draft and the list.
import { reactive, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'
import { routeKey } from './queueRoute'

export interface RouteFiltersOptions<F extends object> {
  fromRoute: (q: LocationQuery) => F
  toQuery: (f: F) => LocationQueryRaw
  /** Loads the list under the filters. */
  search: (f: F) => unknown
}

export function useRouteFilters<F extends object>(opts: RouteFiltersOptions<F>) {
  const route = useRoute()
  const router = useRouter()
  const routeName = route.name

  /** The form being edited; the URL holds the applied filters. */
  const draft = reactive(opts.fromRoute(route.query)) as F

  function setDraft(f: F): void {
    for (const k of Object.keys(draft)) delete (draft as Record<string, unknown>)[k]
    Object.assign(draft, f)
  }

  /** The URL is the source of truth for the applied filters. */
  function applyRoute(): void {
    const f = opts.fromRoute(route.query)
    setDraft(f)
    void opts.search(f)
  }

  watch(
    () => route.query,
    () => {
      if (route.name === routeName) applyRoute()
    },
  )

  /** Applies `f`: a new URL, or the same search again when the URL already says so. */
  function go(f: F): void {
    const q = opts.toQuery(f)
    if (routeKey(q) === routeKey(opts.toQuery(opts.fromRoute(route.query)))) void opts.search(f)
    else void router.push({ query: q })
  }

  /** 过滤: the edited form. */
  function submit(): void {
    go(draft)
  }

  /** 重置: the form back to `f`, applied. */
  function reset(f: F): void {
    setDraft(f)
    go(f)
  }

  return { draft, applyRoute, submit, reset }
}
