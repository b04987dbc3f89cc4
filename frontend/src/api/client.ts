import createClient from 'openapi-fetch'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import type { paths } from './schema'
import { ApiProblem, isAbort, networkProblem, toProblem } from './problem'

export { ApiProblem } from './problem'

/** Typed client for the LECMS API; paths are relative to the page origin (Vite proxies /api in dev). */
export const api = createClient<paths>({
  baseUrl: '',
  // Late-bound so tests can stub globalThis.fetch after import.
  fetch: (input: Request) => globalThis.fetch(input),
})

interface Result<T> {
  data?: T
  error?: unknown
  response: Response
}

export interface CallOptions {
  /** Do not show the problem's detail to the user (the caller shows it itself). */
  silent?: boolean
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiProblem whose Chinese
 * `detail` (with any field messages) has been shown to the user. Aborted requests rethrow the AbortError silently.
 */
export async function call<T>(pending: Promise<Result<T>>, opts: CallOptions = {}): Promise<T> {
  let result: Result<T>
  try {
    result = await pending
  } catch (err) {
    if (isAbort(err)) throw err
    throw report(networkProblem(err), opts)
  }
  if (result.response.ok && result.error === undefined) {
    return result.data as T
  }
  throw report(toProblem(result.error, result.response), opts)
}

function report(problem: ApiProblem, opts: CallOptions): ApiProblem {
  if (!opts.silent) {
    ElMessage.error({ message: problem.summary, grouping: true })
  }
  return problem
}
