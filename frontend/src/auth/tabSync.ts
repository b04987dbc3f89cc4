// Messages between the tabs of one browser that share the session (one refresh cookie): activity
// keeps every tab's idle timer alive, a refresh resets the server's idle clock for all of them,
// and signing in or out in one tab is followed by the others.

export type TabMessage =
  | { type: 'activity'; at: number }
  | { type: 'refreshed'; at: number }
  | { type: 'signed-in' }
  | { type: 'signed-out'; reason: 'logout' | 'idle' }

export interface TabChannel {
  post(message: TabMessage): void
  close(): void
}

const CHANNEL = 'lecms-auth'

/** A BroadcastChannel to the other tabs; a no-op where the API is missing. */
export function openTabChannel(onMessage: (m: TabMessage) => void): TabChannel {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, close() {} }
  const ch = new BroadcastChannel(CHANNEL)
  // Node (unit tests) keeps the process alive for an open channel; browsers have no unref.
  ;(ch as BroadcastChannel & { unref?: () => void }).unref?.()
  ch.onmessage = (ev: MessageEvent<unknown>) => {
    const m = ev.data
    if (typeof m === 'object' && m !== null && 'type' in m) onMessage(m as TabMessage)
  }
  return {
    post(message) {
      try {
        ch.postMessage(message)
      } catch {
        // closed channel: nothing to tell
      }
    },
    close() {
      ch.close()
    },
  }
}
