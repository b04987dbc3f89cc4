// RFC 9457 problem details as the LECMS API returns them, turned into a typed Error.
import type { FieldError, Problem } from './types'

export type FieldProblem = FieldError
export type ProblemBody = Problem

export class ApiProblem extends Error implements ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: string
  readonly request_id?: string
  readonly errors?: FieldProblem[]
  readonly instance?: string

  constructor(body: ProblemBody) {
    super(body.detail || body.title)
    this.name = 'ApiProblem'
    this.type = body.type
    this.title = body.title
    this.status = body.status
    this.detail = body.detail
    this.code = body.code
    this.request_id = body.request_id
    this.errors = body.errors
    this.instance = body.instance
  }

  /**
   * `detail` plus the per-field messages it does not already contain, for the user. The server
   * now puts the field messages into `detail` (请求参数有误：…); older answers had a generic detail.
   */
  get summary(): string {
    const fields = [...new Set((this.errors ?? []).map((e) => e.message).filter((m) => m !== ''))]
    const missing = fields.filter((m) => !this.detail.includes(m))
    return missing.length > 0 ? `${this.detail}：${missing.join('；')}` : this.detail
  }

  /** Messages per field, several joined with ；, for form items' `error`. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string[]> = {}
    for (const e of this.errors ?? []) {
      const list = (out[e.field] ??= [])
      if (e.message !== '' && !list.includes(e.message)) list.push(e.message)
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join('；')]))
  }

  /** Message for a given query/body field, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors?.find((e) => e.field === field)?.message
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isFieldProblem(v: unknown): v is FieldProblem {
  return (
    isRecord(v) && typeof v.field === 'string' && typeof v.message === 'string' && typeof v.rule === 'string'
  )
}

const statusText: Record<number, string> = {
  400: '请求参数有误',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '请求的资源不存在',
  409: '数据已被修改，请刷新后重试',
  429: '请求过于频繁，请稍后重试',
  500: '服务器内部错误',
  502: '服务暂时不可用，请稍后重试',
  503: '服务暂时不可用，请稍后重试',
  504: '服务响应超时，请稍后重试',
}

/** Builds an ApiProblem from whatever a failed response carried (problem JSON, text or nothing). */
export function toProblem(body: unknown, response: Response): ApiProblem {
  const status = response.status
  const fallbackDetail = statusText[status] ?? `请求失败（HTTP ${status}）`
  const b = isRecord(body) ? body : {}
  return new ApiProblem({
    type: typeof b.type === 'string' ? b.type : 'about:blank',
    title: typeof b.title === 'string' ? b.title : response.statusText || fallbackDetail,
    status: typeof b.status === 'number' ? b.status : status,
    detail: typeof b.detail === 'string' && b.detail !== '' ? b.detail : fallbackDetail,
    code: typeof b.code === 'string' ? b.code : `http_${status}`,
    request_id:
      typeof b.request_id === 'string' ? b.request_id : (response.headers.get('X-Request-Id') ?? undefined),
    errors: Array.isArray(b.errors) ? b.errors.filter(isFieldProblem) : undefined,
    instance: typeof b.instance === 'string' ? b.instance : undefined,
  })
}

/** The problem used when the server could not be reached at all. */
export function networkProblem(cause: unknown): ApiProblem {
  const p = new ApiProblem({
    type: 'about:blank',
    title: 'Network Error',
    status: 0,
    detail: '无法连接服务器，请检查网络后重试',
    code: 'network_error',
  })
  p.cause = cause
  return p
}

/** Any thrown value as a problem: an ApiProblem as it is, anything else as a network problem. */
export function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException
    ? err.name === 'AbortError'
    : isRecord(err) && (err as { name?: unknown }).name === 'AbortError'
}
