import { afterEach, describe, expect, it, vi } from 'vitest'
import { application } from '@/test/applicationFixtures'
import { json, mockFetch } from '@/test/fetchMock'
import { myFiltersFromRoute, myRouteQuery, reviewFiltersFromRoute, reviewRouteQuery } from './queueRoute'
import { useReviewQueue } from './useReviewQueue'

describe('queue filters in the URL', () => {
  it('round-trips the review filters, 年检年度 included', () => {
    const f = { kind: 'inspection' as const, name: '张', unit_id: 12, year: 2024 }
    const q = reviewRouteQuery(f)
    expect(q).toEqual({ kind: 'inspection', name: '张', unit_id: '12', year: '2024' })
    expect(reviewFiltersFromRoute(q as Record<string, string>)).toEqual(f)
  })

  it('drops hand-edited values the server would refuse', () => {
    expect(reviewFiltersFromRoute({ year: '1989', kind: 'suspension', unit_id: '-3', name: '  ' })).toEqual({})
    expect(reviewFiltersFromRoute({ year: '20x4' })).toEqual({})
    expect(reviewFiltersFromRoute({ year: ['2010', '2012'] })).toEqual({ year: 2010 })
  })

  it('我的申请: no state in the URL means the default (已退回); "all" means every state', () => {
    expect(myFiltersFromRoute({})).toEqual({ state: 'returned' })
    expect(myRouteQuery({ state: 'returned' })).toEqual({})
    expect(myRouteQuery({ year: 2022 })).toEqual({ state: 'all', year: '2022' })
    expect(myFiltersFromRoute({ state: 'all', year: '2022' })).toEqual({ year: 2022 })
    expect(myFiltersFromRoute({ state: 'draft' })).toEqual({})
    expect(myFiltersFromRoute({ state: 'legal_approved' })).toEqual({ state: 'legal_approved' })
  })
})

describe('年检年度 on a review queue', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('is sent with the list, the count and a 全选 batch, so a round never touches another year', async () => {
    const bodies: unknown[] = []
    const fetch = mockFetch({
      '/api/v1/applications': () => json({ items: [application({ state: 'unit_approved', kind: 'inspection' })] }),
      '/api/v1/applications/count': () => json({ total: 1 }),
      '/api/v1/applications/decisions': async (_u, req) => {
        bodies.push(await req.json())
        return json({ count: 1, ids: [1] })
      },
    })
    const q = useReviewQueue('legal')
    await q.search({ kind: 'inspection', year: 2024 })
    const list = fetch.to('/api/v1/applications')[0]!.searchParams
    expect(list.get('year')).toBe('2024')
    expect(list.get('state')).toBe('unit_approved')
    await vi.waitFor(() => expect(fetch.to('/api/v1/applications/count')[0]?.searchParams.get('year')).toBe('2024'))
    await vi.waitFor(() => expect(q.list.total.value).toBe(1))
    q.selectAll()
    await q.approve()
    expect(bodies[0]).toMatchObject({ action: 'approve_legal', filter: { year: 2024, kind: 'inspection', expected_count: 1 } })
  })
})
