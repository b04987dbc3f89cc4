// A fetch stub for unit tests: routes requests by path to handlers and records every request.
import { vi } from 'vitest'

export type Handler = (url: URL, req: Request) => Response | Promise<Response>

export function json(body: unknown, status = 200, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return json({ type: 'about:blank', title: 'Error', status, ...body }, status, 'application/problem+json')
}

export interface FetchMock {
  calls: URL[]
  /** The requests themselves (headers), in order. */
  requests: Request[]
  /** Requests to a path, in order. */
  requestsTo(path: string): Request[]
  /** Requests to a path, in order. */
  to(path: string): URL[]
  on(path: string, handler: Handler): void
}

export function mockFetch(routes: Record<string, Handler> = {}): FetchMock {
  const table = new Map(Object.entries(routes))
  const calls: URL[] = []
  const requests: Request[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init)
    const url = new URL(req.url, 'http://localhost')
    calls.push(url)
    requests.push(req)
    const handler = table.get(url.pathname)
    if (!handler) return problem(404, { detail: `no mock for ${url.pathname}`, code: 'not_found' })
    if (req.signal.aborted) throw new DOMException('aborted', 'AbortError')
    return handler(url, req)
  })
  vi.stubGlobal('fetch', fn)
  return {
    calls,
    requests,
    requestsTo: (path) => requests.filter((r) => new URL(r.url, 'http://localhost').pathname === path),
    to: (path) => calls.filter((u) => u.pathname === path),
    on: (path, handler) => void table.set(path, handler),
  }
}
