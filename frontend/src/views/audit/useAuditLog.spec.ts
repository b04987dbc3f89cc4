import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import type { AuditEvent } from '@/api/types'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { actionLabel, formatTime, targetLabel, toAuditQuery } from './auditFilters'
import { useAuditLog } from './useAuditLog'

const AUDIT = '/api/v1/audit-events'

const events: AuditEvent[] = Array.from({ length: 60 }, (_, i) => ({
  id: 60 - i, // newest first
  at: new Date(Date.UTC(2026, 10, 26, 8, 0, 60 - i)).toISOString(),
  actor_id: 1,
  actor_name: 'admin',
  role: 'admin',
  scope: '370000',
  action: i % 2 ? 'auth.login' : 'user.create',
  target_type: 'user',
  target_id: String(i),
  result: 'success',
  hash: 'ab'.repeat(32),
}))

describe('audit log', () => {
  let fetch: FetchMock

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    fetch = mockFetch({
      [AUDIT]: (url) => {
        const limit = Number(url.searchParams.get('limit'))
        const start = Number(url.searchParams.get('cursor') ?? 0)
        const next = start + limit < events.length ? String(start + limit) : undefined
        return json({ items: events.slice(start, start + limit), ...(next ? { next_cursor: next } : {}) })
      },
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('maps the filters to the query (RFC 3339 times, trimmed text, empty ones left out)', () => {
    const from = new Date('2026-11-26T00:00:00+08:00')
    const to = new Date('2026-11-26T23:59:59+08:00')
    expect(
      toAuditQuery({ range: [from, to], actor: ' admin ', action: 'user', result: 'denied', region: '370100', request_id: '' }),
    ).toEqual({
      from: '2026-11-25T16:00:00.000Z',
      to: '2026-11-26T15:59:59.000Z',
      actor: 'admin',
      action: 'user',
      result: 'denied',
      region: '370100',
    })
    expect(toAuditQuery({ range: null, region: '37' })).toEqual({})
  })

  it('pages newest first with a cursor stack', async () => {
    const log = useAuditLog()
    await log.search({ action: 'auth', result: 'failure' })
    expect(Object.fromEntries(fetch.to(AUDIT)[0]!.searchParams)).toEqual({ action: 'auth', result: 'failure', limit: '50' })
    expect(log.items.value[0]!.id).toBe(60)
    await log.nextPage()
    expect(log.page.value).toBe(2)
    expect(log.items.value.map((e) => e.id)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    expect(log.hasNext.value).toBe(false)
    expect(fetch.to(AUDIT).at(-1)!.searchParams.get('action')).toBe('auth') // filters kept while paging
    await log.prevPage()
    expect(log.items.value[0]!.id).toBe(60)
    await log.setPageSize(20)
    expect(log.items.value).toHaveLength(20)
    expect(log.page.value).toBe(1)
  })

  it('keeps a refused search’s field errors for the form', async () => {
    fetch.on(AUDIT, () =>
      problem(400, {
        detail: '请求参数有误：时间格式应为 RFC 3339',
        code: 'invalid',
        errors: [{ field: 'from', rule: 'datetime', message: '时间格式应为 RFC 3339' }],
      }),
    )
    const log = useAuditLog()
    await log.search({})
    expect(log.fieldErrors.value).toEqual({ from: '时间格式应为 RFC 3339' })
    expect(log.items.value).toEqual([])
  })

  it('labels actions, targets and times in Chinese', () => {
    expect(actionLabel('auth.login')).toBe('登录')
    expect(actionLabel('user')).toBe('用户管理')
    expect(actionLabel('something.new')).toBe('something.new')
    expect(targetLabel('user', '42')).toBe('用户 42')
    expect(targetLabel(undefined, undefined)).toBe('—')
    expect(formatTime('2026-11-26T08:00:05Z')).toMatch(/^2026-11-26 \d\d:00:05$/)
  })
})
