// Serialises token refreshes across the browser tabs of this origin. The refresh token is a single
// rotating cookie shared by all tabs: two tabs spending the same one would look like a stolen token
// to the server, which then revokes the whole session. The Web Locks API queues the refreshes so each
// one sends the cookie the previous one set. Without the API (old browsers) refreshes run unlocked.

export const REFRESH_LOCK = 'lecms-refresh'

export function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks || typeof locks.request !== 'function') return fn()
  // The callback's promise is awaited by the lock manager; request() resolves with its value.
  return locks.request(REFRESH_LOCK, { mode: 'exclusive' }, () => fn()) as unknown as Promise<T>
}
