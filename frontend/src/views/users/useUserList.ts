// State of 用户管理: the search, keyset paging with a cursor stack, loading flags, the last problem,
// and the account actions (create, reset password, disable/enable, unlock), each reloading the page.
import { ref } from 'vue'
import { api, call } from '@/api/client'
import type { NewUser, User } from '@/api/types'
import { cursorParam, useKeysetPages } from '@/composables/useKeysetPages'
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

export function useUserList(init: UserListInit = {}) {
  const unitNames = useUnitNameStore()

  /** The search the shown page was (or is being) loaded with: username or name prefix. */
  const q = ref((init.q ?? '').trim())
  const pages = useKeysetPages<User, UserPageSize>(
    (cursor, limit, signal) =>
      call(
        api.GET('/api/v1/users', {
          params: { query: { limit, ...(q.value ? { q: q.value } : {}), ...cursorParam(cursor) } },
          signal,
        }),
      ),
    {
      pageSize: init.pageSize ?? DEFAULT_USER_PAGE_SIZE,
      onPage: (users) =>
        void unitNames.resolve(users.flatMap((u) => (u.unit_id !== null ? [{ id: u.unit_id, region: u.scope }] : []))),
    },
  )
  const { reload } = pages
  /** Id of the account an action (disable, enable, unlock) is running on. */
  const busyId = ref<number | null>(null)

  /** New search: back to page 1. */
  function search(next: string): Promise<void> {
    q.value = next.trim().slice(0, MAX_QUERY_LENGTH)
    return pages.firstPage()
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

  return { q, ...pages, busyId, search, create, resetPassword, act }
}

export type UserList = ReturnType<typeof useUserList>
