// Officer list filters: the form model, its mapping to API query parameters and to the page URL,
// and client-side checks that mirror the server's rules.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { CertState, DueState, OfficerQuery } from '@/api/types'
import { isCertState } from './officerLabels'
import { isDueState } from './dueState'

export interface OfficerFilters {
  /** GB/T 2260 region code; matches the region and its subtree. */
  region?: string
  unit_id?: number
  cert_state?: CertState
  due_state?: DueState
  /** 年检年度: the year of the last inspection. */
  year?: number
  /** Name prefix. */
  name?: string
  /** Full 18-character ID number (exact match). */
  id_number?: string
  officer_code?: string
  cert_no?: string
}

export const PAGE_SIZES = [20, 50, 100] as const
export type PageSize = (typeof PAGE_SIZES)[number]
export const DEFAULT_PAGE_SIZE: PageSize = 20

export const MIN_YEAR = 1990

const textKeys = ['region', 'name', 'id_number', 'officer_code', 'cert_no'] as const

function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

function int(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined
  if (typeof v !== 'string' || !/^\d{1,12}$/.test(v.trim())) return undefined
  return Number(v.trim())
}

/** Upper-cases the check character and turns full-width digits/X into ASCII. */
export function normalizeIdNumber(v: string): string {
  return v
    .trim()
    .replace(/[\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase()
}

/** Drops empty values and normalises the rest; the result is what the list is filtered by. */
export function cleanFilters(f: OfficerFilters): OfficerFilters {
  const out: OfficerFilters = {}
  for (const k of textKeys) {
    const v = text(f[k])
    if (v !== undefined) out[k] = v
  }
  if (out.id_number) out.id_number = normalizeIdNumber(out.id_number)
  const unit = int(f.unit_id)
  if (unit !== undefined && unit > 0) out.unit_id = unit
  const year = int(f.year)
  if (year !== undefined) out.year = year
  if (isCertState(f.cert_state)) out.cert_state = f.cert_state
  if (isDueState(f.due_state)) out.due_state = f.due_state
  return out
}

/** Query parameters for GET /api/v1/officers and /api/v1/officers/count. */
export function toApiQuery(f: OfficerFilters): OfficerQuery {
  const c = cleanFilters(f)
  const q: OfficerQuery = {}
  if (c.region !== undefined) q.region = c.region
  if (c.unit_id !== undefined) q.unit_id = c.unit_id
  if (c.cert_state !== undefined) q.cert_state = c.cert_state
  if (c.due_state !== undefined) q.due_state = c.due_state
  if (c.year !== undefined) q.year = c.year
  if (c.name !== undefined) q.name = c.name
  if (c.id_number !== undefined) q.id_number = c.id_number
  if (c.officer_code !== undefined) q.officer_code = c.officer_code
  if (c.cert_no !== undefined) q.cert_no = c.cert_no
  return q
}

/** The page URL's query for the given filters and page size (default size omitted). */
export function toRouteQuery(f: OfficerFilters, pageSize: number): LocationQueryRaw {
  const c = cleanFilters(f)
  const q: Record<string, string> = {}
  for (const [k, v] of Object.entries(c)) q[k] = String(v)
  if (pageSize !== DEFAULT_PAGE_SIZE) q.size = String(pageSize)
  return q
}

function first(v: LocationQuery[string] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0] ?? undefined
  return v ?? undefined
}

/** Reads filters and page size back from a (possibly hand-edited) URL query. */
export function fromRouteQuery(q: LocationQuery): { filters: OfficerFilters; pageSize: PageSize } {
  const raw: Record<string, string | undefined> = {}
  for (const k of Object.keys(q)) raw[k] = first(q[k])
  const filters = cleanFilters({
    region: raw.region,
    unit_id: int(raw.unit_id),
    cert_state: raw.cert_state as CertState | undefined,
    due_state: raw.due_state as DueState | undefined,
    year: int(raw.year),
    name: raw.name,
    id_number: raw.id_number,
    officer_code: raw.officer_code,
    cert_no: raw.cert_no,
  })
  const size = int(raw.size)
  const pageSize = PAGE_SIZES.find((s) => s === size) ?? DEFAULT_PAGE_SIZE
  return { filters, pageSize }
}

/** Stable key of a set of filters, to tell whether two differ. */
export function filtersKey(f: OfficerFilters): string {
  return JSON.stringify(toApiQuery(f))
}

/**
 * Chinese message when the ID number is not 18 characters (17 digits + digit or X), else undefined.
 * The check digit is not verified here: the filter must still find legacy records with a bad one.
 */
export function idNumberProblem(v: string | undefined): string | undefined {
  if (!v || v.trim() === '') return undefined
  return /^\d{17}[\dX]$/.test(normalizeIdNumber(v)) ? undefined : '身份证号应为18位（最后一位可为X）'
}

/** Inspection years offered in the 年检年度 filter, newest first. */
export function inspectionYears(now = new Date()): number[] {
  const years: number[] = []
  for (let y = now.getFullYear(); y >= MIN_YEAR; y--) years.push(y)
  return years
}
