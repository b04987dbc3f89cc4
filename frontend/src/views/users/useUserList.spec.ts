import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ElMessage } from 'element-plus'
import { ApiProblem } from '@/api/problem'
import type { User } from '@/api/types'
import { useUnitNameStore } from '@/stores/unitNames'
import { user } from '@/test/auth'
import { json, mockFetch, problem, type FetchMock } from '@/test/fetchMock'
import { unit } from '@/test/fixtures'
import { useUserList } from './useUserList'

const USERS = '/api/v1/users'

/** 45 accounts; every fifth is a unit operator of unit 7 in 历下区. */
const accounts: User[] = Array.from({ length: 45 }, (_, i) =>
  user({
    id: i + 1,
    username: `user${String(i + 1).padStart(2, '0')}`,
    display_name: `用户${i + 1}`,
    role: i % 5 === 4 ? 'unit_operator' : 'legal_reviewer',
    scope: '370102',
    unit_id: i % 5 === 4 ? 7 : null,
  }),
)

function pagedUsers(rows: User[]) {
  return (url: URL) => {
    const q = url.searchParams.get('q') ?? ''
    const all = rows.filter((u) => u.username.startsWith(q) || u.display_name.startsWith(q))
    const limit = Number(url.searchParams.get('limit'))
    const start = Number(url.searchParams.get('cursor') ?? 0)
    const next = start + limit < all.length ? String(start + limit) : undefined
    return json({ items: all.slice(start, start + limit), ...(next ? { next_cursor: next } : {}) })
  }
}

describe('useUserList', () => {
  let fetch: FetchMock
  let rows: User[]

  beforeEach(() => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    setActivePinia(createPinia())
    rows = accounts.map((u) => ({ ...u }))
    fetch = mockFetch({
      [USERS]: (url, req) => (req.method === 'GET' ? pagedUsers(rows)(url) : problem(405, {})),
      '/api/v1/units': () => json({ items: [{ ...unit, id: 7, name: '济南市历下区城市管理局', region_code: '370102' }] }),
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('searches and pages with a cursor stack', async () => {
    const list = useUserList()
    await list.search('  user1 ')
    expect(Object.fromEntries(fetch.to(USERS)[0]!.searchParams)).toEqual({ q: 'user1', limit: '20' })
    expect(list.items.value.map((u) => u.username)).toEqual(
      ['user10', 'user11', 'user12', 'user13', 'user14', 'user15', 'user16', 'user17', 'user18', 'user19'],
    )
    expect(list.hasNext.value).toBe(false)

    await list.search('')
    expect(fetch.to(USERS).at(-1)!.searchParams.has('q')).toBe(false)
    expect(list.items.value).toHaveLength(20)
    await list.nextPage()
    await list.nextPage()
    expect(list.page.value).toBe(3)
    expect(list.cursorStack.value).toEqual(['20', '40'])
    expect(list.items.value).toHaveLength(5)
    expect(list.hasNext.value).toBe(false)
    await list.prevPage()
    expect(list.page.value).toBe(2)
    expect(fetch.to(USERS).at(-1)!.searchParams.get('cursor')).toBe('20')

    await list.setPageSize(50)
    expect(list.page.value).toBe(1)
    expect(list.items.value).toHaveLength(45)
  })

  it('looks up the names of unit users’ units once per region', async () => {
    const list = useUserList()
    await list.search('')
    const names = useUnitNameStore()
    await vi.waitFor(() => expect(names.nameOf(7)).toBe('济南市历下区城市管理局'))
    expect(Object.fromEntries(fetch.to('/api/v1/units')[0]!.searchParams)).toEqual({ region: '370102', limit: '200' })
    await list.nextPage()
    await list.prevPage()
    expect(fetch.to('/api/v1/units')).toHaveLength(1)
  })

  it('creates an account and reloads; refusals come back as problems with field errors, unannounced', async () => {
    const created = user({ id: 99, username: 'shizhong_operator', role: 'unit_operator', unit_id: 7 })
    const bodies: unknown[] = []
    fetch.on(USERS, async (url, req) => {
      if (req.method === 'GET') return pagedUsers(rows)(url)
      const body = (await req.json()) as { password: string }
      bodies.push(body)
      if (body.password === 'abc') {
        return problem(400, {
          detail: '请求参数有误：密码至少 8 位；密码须包含大写字母、小写字母、数字、符号中的至少 3 类',
          code: 'invalid',
          errors: [
            { field: 'password', rule: 'min_length', message: '密码至少 8 位' },
            { field: 'password', rule: 'classes', message: '密码须包含大写字母、小写字母、数字、符号中的至少 3 类' },
          ],
        })
      }
      rows.push(created)
      return json(created, 201)
    })
    const list = useUserList()
    await list.search('')
    const body = { username: 'shizhong_operator', display_name: '市中区经办人', role: 'unit_operator' as const, unit_id: 7 }

    const err = (await list.create({ ...body, password: 'abc' }).catch((e: unknown) => e)) as ApiProblem
    expect(err).toBeInstanceOf(ApiProblem)
    expect(err.fieldErrors).toEqual({ password: '密码至少 8 位；密码须包含大写字母、小写字母、数字、符号中的至少 3 类' })
    expect(ElMessage.error).not.toHaveBeenCalled()

    const gets = fetch.requestsTo(USERS).filter((r) => r.method === 'GET').length
    expect(await list.create({ ...body, password: 'Init@2026x' })).toEqual(created)
    expect(bodies.at(-1)).toEqual({ ...body, password: 'Init@2026x' })
    expect(fetch.requestsTo(USERS).filter((r) => r.method === 'GET')).toHaveLength(gets + 1)
  })

  it('resets a password', async () => {
    const bodies: unknown[] = []
    fetch.on('/api/v1/users/5/password-reset', async (_u, req) => {
      bodies.push(await req.json())
      return new Response(null, { status: 204 })
    })
    const list = useUserList()
    await list.search('')
    await list.resetPassword(5, 'New#2026pass')
    expect(bodies).toEqual([{ password: 'New#2026pass' }])
  })

  it('disables, enables and unlocks, reloading the page; a refusal is shown and reported', async () => {
    for (const action of ['disable', 'enable', 'unlock'] as const) {
      fetch.on(`/api/v1/users/3/${action}`, () => {
        const u = rows[2]!
        if (action === 'disable') u.disabled = true
        if (action === 'enable') u.disabled = false
        if (action === 'unlock') u.locked = false
        return new Response(null, { status: 204 })
      })
    }
    rows[2]!.locked = true
    const list = useUserList()
    await list.search('')
    const target = list.items.value[2]!

    const pending = list.act(target, 'disable')
    expect(list.busyId.value).toBe(3)
    expect(await list.act(target, 'enable')).toBe(false) // one action at a time
    expect(await pending).toBe(true)
    expect(list.busyId.value).toBeNull()
    expect(list.items.value[2]!.disabled).toBe(true)
    expect(fetch.requestsTo('/api/v1/users/3/disable')[0]!.method).toBe('POST')

    expect(await list.act(list.items.value[2]!, 'unlock')).toBe(true)
    expect(list.items.value[2]!.locked).toBe(false)
    expect(await list.act(list.items.value[2]!, 'enable')).toBe(true)
    expect(list.items.value[2]!.disabled).toBe(false)

    fetch.on('/api/v1/users/1/disable', () =>
      problem(422, { detail: '不能停用自己的账户', code: 'rule_violated' }),
    )
    expect(await list.act(list.items.value[0]!, 'disable')).toBe(false)
    expect(ElMessage.error).toHaveBeenCalledWith(expect.objectContaining({ message: '不能停用自己的账户' }))
  })

  it('keeps the list’s problem for the retry view', async () => {
    fetch.on(USERS, () => problem(403, { detail: '您的角色无权执行该操作', code: 'forbidden' }))
    const list = useUserList()
    await list.search('')
    expect(list.problem.value).toMatchObject({ status: 403, detail: '您的角色无权执行该操作' })
    expect(list.items.value).toEqual([])
  })
})
