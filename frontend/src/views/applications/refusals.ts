// Batch refusals: the server refuses a whole batch (nothing is written) and lists every offending
// item in `errors` with field `officers/{id}` (applying) or `applications/{id}` (deciding). This
// turns them into rows for the refusal dialog (姓名, 原因) and classifies other failures.
import type { ApiProblem } from '@/api/problem'
import { ruleLabel } from './appLabels'

export type RefusalTarget = 'officers' | 'applications'

export interface Refusal {
  target: RefusalTarget
  /** Officer id or application id, per target. */
  id: number
  /** 姓名. */
  name: string
  /** What the server put in brackets after the name: the officer code or the application kind. */
  note?: string
  /** 原因, without the name prefix. */
  reason: string
  rule: string
  /** Short label of the rule (已超期, 考试…). */
  ruleLabel: string
  /** The server's whole message. */
  message: string
}

const FIELD = /^(officers|applications)\/(\d+)$/
// 「张三（3701000001）：已超过年检期限…」 / 「张三（办卡）：当前状态…」 / 「张三：没有照片」
const WHO = /^([^：（]+?)(?:（([^）]*)）)?：([\s\S]*)$/

/** A name for an item the caller already knows (e.g. from the rows on screen). */
export type NameLookup = (target: RefusalTarget, id: number) => string | undefined

/** The per-item refusals of a problem, in the server's order; [] when it lists none. */
export function refusalsOf(problem: ApiProblem, known?: NameLookup): Refusal[] {
  const out: Refusal[] = []
  for (const e of problem.errors ?? []) {
    const m = FIELD.exec(e.field)
    if (!m) continue
    const target = m[1] as RefusalTarget
    const id = Number(m[2])
    const who = WHO.exec(e.message)
    const name = known?.(target, id) ?? who?.[1]?.trim() ?? `#${id}`
    out.push({
      target,
      id,
      name,
      note: who?.[2] || undefined,
      reason: who ? who[3]!.trim() : e.message,
      rule: e.rule,
      ruleLabel: ruleLabel(e.rule),
      message: e.message,
    })
  }
  return out
}

export type BatchFailure =
  /** Items were refused (422, 403 for items out of reach): show them, nothing was written. */
  | { kind: 'refused'; problem: ApiProblem; refusals: Refusal[] }
  /** The selection changed under the user (409): tell them and reload. */
  | { kind: 'conflict'; problem: ApiProblem; refusals: Refusal[] }
  /** The request itself was invalid (400, or 422 on a body field): show on the form. */
  | { kind: 'invalid'; problem: ApiProblem; fieldErrors: Record<string, string> }
  /** Anything else (network, 5xx, 401…). */
  | { kind: 'other'; problem: ApiProblem }

/** Classifies a failed batch request. */
export function classifyBatchFailure(problem: ApiProblem, known?: NameLookup): BatchFailure {
  const refusals = refusalsOf(problem, known)
  if (problem.status === 409) return { kind: 'conflict', problem, refusals }
  if (refusals.length > 0 && (problem.status === 422 || problem.status === 403)) {
    return { kind: 'refused', problem, refusals }
  }
  if (problem.status === 400 || problem.status === 422) {
    return { kind: 'invalid', problem, fieldErrors: problem.fieldErrors }
  }
  return { kind: 'other', problem }
}
