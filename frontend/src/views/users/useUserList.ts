// State of 用户管理: the search, keyset paging with a cursor stack, loading flags, the last problem,
// and the account actions (create, reset password, disable/enable, unlock), each reloading the page.
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { NewUser, User } from '@/api/types'
import { useUnitNameStore } from '@/stores/unitNames'

export const USER_PAGE_SIZES = [20, 50, 100] as const
export type UserPageSize = (typeof USER_PAGE_SIZES)[number]
export const DEFAULT_USER_PAGE_SIZE: UserPageSize = 20
/** The server's limit for `q`. */
export const MAX_QUERY_LENGTH = 64

export interface UserListInit {
  q?: string
  pageSize?: UserPageSize
}

export type UserAction = 'disable' | 'enable' | 'unlock'

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useUserList(init: UserListInit = {}) {
  const unitNames = useUnitNameStore()

  /** The search the shown page was (or is being) loaded with: username or name prefix. */
  const q = ref((init.q ?? '').trim())
  const pageSize = ref<UserPageSize>(init.pageSize ?? DEFAULT_USER_PAGE_SIZE)
  const cursorStack = ref<string[]>([])
  const items = shallowRef<User[]>([])
  const nextCursor = ref<string | undefined>()
  const loading = ref(false)
  const problem = shallowRef<ApiProblem | null>(null)
  /** Id of the account an action (disable, enable, unlock) is running on. */
  const busyId = ref<number | null>(null)

  let ctl: AbortController | undefined

  const page = computed(() => cursorStack.value.length + 1)
  const hasPrev = computed(() => cursorStack.value.length > 0)
  const hasNext = computed(() => nextCursor.value !== undefined)

  async function loadPage(stack: string[]): Promise<void> {
    ctl?.abort()
    const mine = new AbortController()
    ctl = mine
    cursorStack.value = stack
    loading.value = true
    problem.value = null
    const cursor = stack.at(-1)
    try {
      const data = await call(
        api.GET('/api/v1/users', {
          params: {
            query: {
              limit: pageSize.value,
              ...(q.value ? { q: q.value } : {}),
              ...(cursor !== undefined ? { cursor } : {}),
            },
          },
          signal: mine.signal,
        }),
      )
      if (mine !== ctl) return
      items.value = data.items
      nextCursor.value = data.next_cursor ? data.next_cursor : undefined
      void unitNames.resolve(
        data.items.flatMap((u) => (u.unit_id !== null ? [{ id: u.unit_id, region: u.scope }] : [])),
      )
    } catch (e) {
      if (mine !== ctl || isAbort(e)) return
      items.value = []
      nextCursor.value = undefined
      problem.value = asProblem(e)
    } finally {
      if (mine === ctl) loading.value = false
    }
  }

  /** New search: back to page 1. */
  function search(next: string): Promise<void> {
    q.value = next.trim().slice(0, MAX_QUERY_LENGTH)
    return loadPage([])
  }

  function reload(): Promise<void> {
    return loadPage(cursorStack.value)
  }

  function nextPage(): Promise<void> {
    const c = nextCursor.value
    if (c === undefined || loading.value) return Promise.resolve()
    return loadPage([...cursorStack.value, c])
  }

  function prevPage(): Promise<void> {
    if (cursorStack.value.length === 0 || loading.value) return Promise.resolve()
    return loadPage(cursorStack.value.slice(0, -1))
  }

  function firstPage(): Promise<void> {
    return loadPage([])
  }

  function setPageSize(size: UserPageSize): Promise<void> {
    pageSize.value = size
    return loadPage([])
  }

  /** Creates an account; throws the ApiProblem (field errors for the dialog) without showing it. */
  async function create(body: NewUser): Promise<User> {
    const user = await call(api.POST('/api/v1/users', { body }), { silent: true })
    await reload()
    return user
  }

  /** Sets a new initial password (the user must change it; their sessions end). Throws silently. */
  async function resetPassword(id: number, password: string): Promise<void> {
    await call(
      api.POST('/api/v1/users/{id}/password-reset', { params: { path: { id } }, body: { password } }),
      { silent: true },
    )
    await reload()
  }

  /** Disables, enables or unlocks an account; a refusal is shown to the user. Resolves to success. */
  async function act(user: User, action: UserAction): Promise<boolean> {
    if (busyId.value !== null) return false
    busyId.value = user.id
    const params = { params: { path: { id: user.id } } }
    try {
      if (action === 'disable') await call(api.POST('/api/v1/users/{id}/disable', params))
      else if (action === 'enable') await call(api.POST('/api/v1/users/{id}/enable', params))
      else await call(api.POST('/api/v1/users/{id}/unlock', params))
    } catch {
      return false
    } finally {
      busyId.value = null
    }
    await reload()
    return true
  }

  if (getCurrentScope()) onScopeDispose(() => ctl?.abort())

  return {
    q,
    pageSize,
    cursorStack,
    items,
    nextCursor,
    loading,
    problem,
    busyId,
    page,
    hasPrev,
    hasNext,
    search,
    reload,
    nextPage,
    prevPage,
    firstPage,
    setPageSize,
    create,
    resetPassword,
    act,
  }
}

export type UserList = ReturnType<typeof useUserList>
