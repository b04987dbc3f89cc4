import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { json, mockFetch, problem } from '@/test/fetchMock'
import { publishedPolicies } from '@/test/fixtures'
import { passwordPolicyLines } from '@/views/auth/passwordPolicy'
import { usePoliciesStore } from './policies'

describe('usePoliciesStore', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('loads the published rules once for everyone who asks', async () => {
    const fetch = mockFetch({ '/api/v1/policies': () => json(publishedPolicies()) })
    const store = usePoliciesStore()
    const [a, b] = await Promise.all([store.ensureLoaded(), store.ensureLoaded()])
    expect(a?.cancel_reasons).toEqual(['调离执法岗位', '退休', '机构改革'])
    expect(b).toBe(a)
    await store.ensureLoaded()
    expect(fetch.to('/api/v1/policies')).toHaveLength(1)
  })

  it('keeps a failed load as a problem and tries again on the next use', async () => {
    let fail = true
    const fetch = mockFetch({
      '/api/v1/policies': () => (fail ? problem(503, { detail: '服务暂不可用，请稍后重试', code: 'unavailable' }) : json(publishedPolicies())),
    })
    const store = usePoliciesStore()
    expect(await store.ensureLoaded()).toBeNull()
    expect(store.problem?.detail).toBe('服务暂不可用，请稍后重试')
    fail = false
    expect((await store.ensureLoaded())?.revocation_bar_years).toBe(3)
    expect(store.problem).toBeNull()
    expect(fetch.to('/api/v1/policies')).toHaveLength(2)
  })
})

describe('passwordPolicyLines', () => {
  it('words the published numbers, leaving out rules that are switched off', () => {
    const p = publishedPolicies()
    expect(passwordPolicyLines(p.password, p.lockout)).toEqual([
      '长度至少 10 位',
      '包含大写字母、小写字母、数字、符号中的至少 3 类',
      '不能包含用户名',
      '不能与最近 5 次使用过的密码相同',
      '每 90 天须修改一次',
      '连续 5 次输错密码，账户将锁定 30 分钟',
    ])
    expect(passwordPolicyLines({ min_length: 12, min_classes: 1, history: 0, max_age_days: 0 })).toEqual([
      '长度至少 12 位',
      '不能包含用户名',
    ])
  })
})
