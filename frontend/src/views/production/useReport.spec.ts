import { afterEach, describe, expect, it, vi } from 'vitest'
import { getActivePinia } from 'pinia'
import { ElMessage } from 'element-plus'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory } from '@/stores/cardAgent'
import { user } from '@/test/auth'
import { cardTestEnv, issuerMe } from '@/test/cardSetup'
import { json, problem } from '@/test/fetchMock'
import { reportLevel, useReport } from './useReport'

afterEach(() => {
  if (getActivePinia()) useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
})

const cityMe = issuerMe({
  user: user({ id: 3, username: 'jinan_reviewer', role: 'legal_reviewer', scope: '370100' }),
  permissions: ['application:read', 'production:report', 'certificate:sync'],
})

describe('报省制证', () => {
  it('only city offices report', () => {
    expect(reportLevel('370100')).toBe('city')
    expect(reportLevel('370000')).toBe('province')
    expect(reportLevel('370102')).toBe('county')
    expect(reportLevel(undefined)).toBe('province')
  })

  it('lists the approved card applications of a kind and reports the ticked ones, or all', async () => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    const bodies: unknown[] = []
    const { fetch } = await cardTestEnv({
      me: cityMe,
      routes: {
        '/api/v1/applications': () => json({ items: [{ id: 5 }, { id: 6 }] }),
        '/api/v1/applications/count': () => json({ total: 2 }),
        '/api/v1/production/reports': async (_u, req) => {
          bodies.push(await req.json())
          return json({ count: 1, ids: [5] }, 201)
        },
      },
    })
    const r = useReport()
    expect(r.level.value).toBe('city')
    r.kind.value = 'replacement'
    await r.search()
    expect(Object.fromEntries(fetch.to('/api/v1/applications')[0]!.searchParams)).toMatchObject({ state: 'legal_approved', kind: 'replacement' })
    r.toggle(5, true)
    r.toggle(6, true)
    r.toggle(6, false)
    expect(await r.reportPicked()).toBe(1)
    expect(r.picked.value.size).toBe(0) // the list is reloaded
    await r.reportAll()
    expect(bodies).toEqual([{ application_ids: [5] }, { all: true }])

    fetch.on('/api/v1/production/reports', () => problem(422, { detail: '没有待报送的审核通过申请', code: 'rule_violated' }))
    await expect(r.reportAll()).rejects.toMatchObject({ status: 422 })
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '没有待报送的审核通过申请' }))
  })
})
