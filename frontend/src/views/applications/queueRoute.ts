// The application lists' filters in the page URL (审核队列 and 我的申请), like the officer list's:
// a filtered queue can be bookmarked, reloaded and sent to a colleague, and the browser's back
// button returns to the previous filters. Hand-edited values that make no sense are dropped.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { AppKind, AppState } from '@/api/workflow'
import { UNIT_KINDS, appStates } from './appLabels'
import { validYear } from './useApplicationList'
import { DEFAULT_MY_FILTERS, type MyFilters } from './useMyApplications'
import type { ReviewFilters } from './useReviewQueue'

function first(v: LocationQuery[string] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0] ?? undefined
  return v ?? undefined
}

function int(v: string | undefined): number | undefined {
  return v !== undefined && /^\d{1,12}$/.test(v.trim()) ? Number(v.trim()) : undefined
}

function kindOf(v: string | undefined): AppKind | undefined {
  return (UNIT_KINDS as readonly string[]).includes(v ?? '') ? (v as AppKind) : undefined
}

function text(v: string | undefined): string | undefined {
  const t = v?.trim()
  return t ? t : undefined
}

/** Filters shared by both lists: kind, name prefix, 年检年度. */
function common(q: LocationQuery): Pick<ReviewFilters, 'kind' | 'name' | 'year'> {
  const out: Pick<ReviewFilters, 'kind' | 'name' | 'year'> = {}
  const kind = kindOf(first(q.kind))
  if (kind) out.kind = kind
  const name = text(first(q.name))
  if (name) out.name = name
  const year = int(first(q.year))
  if (validYear(year)) out.year = year
  return out
}

function put(out: Record<string, string>, f: Pick<ReviewFilters, 'kind' | 'name' | 'year'>): void {
  if (f.kind) out.kind = f.kind
  const name = text(f.name)
  if (name) out.name = name
  if (validYear(f.year)) out.year = String(f.year)
}

/** 审核队列: the reviewer's filters from the URL. */
export function reviewFiltersFromRoute(q: LocationQuery): ReviewFilters {
  const out: ReviewFilters = common(q)
  const unit = int(first(q.unit_id))
  if (unit !== undefined && unit > 0) out.unit_id = unit
  return out
}

export function reviewRouteQuery(f: ReviewFilters): LocationQueryRaw {
  const out: Record<string, string> = {}
  put(out, f)
  if (f.unit_id !== undefined && Number.isInteger(f.unit_id) && f.unit_id > 0) out.unit_id = String(f.unit_id)
  return out
}

/** The value of `state` in the URL for "every state" (no parameter means the default, 已退回). */
export const ALL_STATES = 'all'

/** 我的申请: filters from the URL; without `state` the default (已退回) applies. */
export function myFiltersFromRoute(q: LocationQuery): MyFilters {
  const out: MyFilters = common(q)
  const state = first(q.state)
  if (state === undefined) {
    if (DEFAULT_MY_FILTERS.state) out.state = DEFAULT_MY_FILTERS.state
  } else if (state !== ALL_STATES && state !== 'draft' && state in appStates) {
    out.state = state as Exclude<AppState, 'draft'>
  }
  return out
}

export function myRouteQuery(f: MyFilters): LocationQueryRaw {
  const out: Record<string, string> = {}
  if (f.state !== DEFAULT_MY_FILTERS.state) out.state = f.state ?? ALL_STATES
  put(out, f)
  return out
}

/** Stable key of a set of filters, to tell whether the URL asks for something new. */
export function routeKey(q: LocationQueryRaw): string {
  return JSON.stringify(Object.entries(q).sort(([a], [b]) => a.localeCompare(b)))
}
