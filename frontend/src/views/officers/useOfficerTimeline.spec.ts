import { afterEach, describe, expect, it } from 'vitest'
import { vi } from 'vitest'
import { json, mockFetch, problem } from '@/test/fetchMock'
import { useOfficerTimeline } from './useOfficerTimeline'

describe('useOfficerTimeline', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('loads the steps, latest first', async () => {
    const steps = [
      { application_id: 1, kind: 'new_card', step: 'apply', decision: 'submit', actor_name: 'op', comment: '', at: '2026-11-01T01:00:00Z' },
      { application_id: 1, kind: 'new_card', step: 'unit_approve', decision: 'approve', actor_name: 'ur', comment: '', at: '2026-11-02T01:00:00Z' },
    ]
    const fetch = mockFetch({ '/api/v1/officers/42/timeline': () => json(steps) })
    const t = useOfficerTimeline()
    await t.load(42)
    expect(fetch.calls).toHaveLength(1)
    expect(t.steps.value.map((s) => s.step)).toEqual(['unit_approve', 'apply'])
    expect(t.problem.value).toBeNull()
  })

  it('keeps the problem for the drawer to show', async () => {
    mockFetch({ '/api/v1/officers/7/timeline': () => problem(404, { detail: '执法人员不存在', code: 'not_found' }) })
    const t = useOfficerTimeline()
    await t.load(7)
    expect(t.steps.value).toEqual([])
    expect(t.problem.value?.detail).toBe('执法人员不存在')
  })
})
