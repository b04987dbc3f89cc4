// Idle timeout: the server ends a session that has not been refreshed for `idle_timeout_seconds`
// (GET /api/v1/me). This tracks the user's activity (in every tab of the session), keeps the session
// alive while they are active (the store refreshes now and then), and two minutes before the
// session would end shows a countdown 「您已长时间未操作，将在 N 秒后自动退出」 with 继续使用 (refreshes)
// and 退出. At zero the user is signed out.
//
// The deadline is the earlier of "idle since the last activity" and "idle since the server's last
// refresh", so the countdown never outlives the server's session.
import { getCurrentScope, h, onScopeDispose, ref, watch } from 'vue'
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/button/style/css'
import { useAuthStore, type AuthStore } from '@/stores/auth'

export const IDLE_WARNING_SECONDS = 120
const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'wheel', 'touchstart', 'scroll'] as const
/** Local activity is recorded at most this often. */
const ACTIVITY_THROTTLE_MS = 1000

export function idleMessage(seconds: number): string {
  return `您已长时间未操作，将在 ${seconds} 秒后自动退出`
}

export interface IdleTimeoutOptions {
  /** Seconds before the end at which the countdown appears (default 120). */
  warnSeconds?: number
  /** Timer period in ms (default 1000). */
  tickMs?: number
}

export function useIdleTimeout(auth: AuthStore = useAuthStore(), opts: IdleTimeoutOptions = {}) {
  const warnMs = (opts.warnSeconds ?? IDLE_WARNING_SECONDS) * 1000
  const tickMs = opts.tickMs ?? 1000
  /** Seconds left while the countdown shows; null otherwise. */
  const remaining = ref<number | null>(null)

  let timer: ReturnType<typeof setInterval> | undefined
  let lastLocal = 0
  let box: { seq: number; close?: () => void } | undefined
  let seq = 0

  function deadline(): number {
    return Math.min(auth.lastActivityAt, auth.sessionTouchedAt) + auth.idleTimeoutSeconds * 1000
  }

  function onActivity(): void {
    if (box) return // while the countdown shows only 继续使用 keeps the session
    const now = Date.now()
    if (now - lastLocal < ACTIVITY_THROTTLE_MS) return
    lastLocal = now
    auth.touch(now)
  }

  function closeBox(): void {
    const b = box
    box = undefined
    remaining.value = null
    b?.close?.()
  }

  function openBox(): void {
    const mine: { seq: number; close?: () => void } = { seq: ++seq }
    box = mine
    ElMessageBox.confirm(
      (actions: { close: () => void }) => {
        mine.close = actions.close
        return h('p', { class: 'idle-countdown', 'data-testid': 'idle-countdown' }, idleMessage(remaining.value ?? 0))
      },
      '登录即将超时',
      {
        type: 'warning',
        confirmButtonText: '继续使用',
        cancelButtonText: '退出',
        distinguishCancelAndClose: true,
        showClose: false,
        closeOnClickModal: false,
        closeOnPressEscape: false,
        closeOnHashChange: false,
        customClass: 'idle-timeout-box',
      },
    ).then(
      () => {
        if (box?.seq !== mine.seq) return
        box = undefined
        remaining.value = null
        void keepUsing()
      },
      (action: unknown) => {
        if (box?.seq !== mine.seq) return // closed by us
        box = undefined
        remaining.value = null
        if (action === 'cancel') void auth.logout()
      },
    )
  }

  async function keepUsing(): Promise<void> {
    auth.touch(Date.now())
    await auth.refresh() // restarts the server's idle clock; a refused refresh signs out
  }

  function tick(): void {
    if (!auth.signedIn) {
      closeBox()
      return
    }
    const left = deadline() - Date.now()
    if (left <= 0) {
      closeBox()
      void auth.logout('idle')
    } else if (left <= warnMs) {
      remaining.value = Math.ceil(left / 1000)
      if (!box) openBox()
    } else if (box) {
      closeBox() // activity in another tab, or a refresh there
    }
  }

  function start(): void {
    if (timer !== undefined) return
    lastLocal = 0
    for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { capture: true, passive: true })
    timer = setInterval(tick, tickMs)
  }

  function stop(): void {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
    for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity, { capture: true })
    closeBox()
  }

  watch(
    () => auth.signedIn,
    (on) => (on ? start() : stop()),
    { immediate: true },
  )
  if (getCurrentScope()) onScopeDispose(stop)

  return { remaining, tick, stop }
}
