// Where the SPA finds the card agent. Default ws://127.0.0.1:17321/ws; a build may set
// VITE_CARD_AGENT_URL, and one browser may be pointed elsewhere (another port, e.g. the browser
// tests) with localStorage `lecms.cardAgent.url`. Only loopback websocket addresses are accepted:
// the agent never listens on anything else.
import { DEFAULT_AGENT_URL } from './protocol'

export const AGENT_URL_KEY = 'lecms.cardAgent.url'

const LOOPBACK = /^ws:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}\/ws$/

export function isLoopbackAgentUrl(url: string): boolean {
  return LOOPBACK.test(url.trim())
}

export function agentUrl(storage: Storage | undefined = globalThis.localStorage): string {
  let local: string | null = null
  try {
    local = storage?.getItem(AGENT_URL_KEY) ?? null
  } catch {
    local = null
  }
  if (local && isLoopbackAgentUrl(local)) return local.trim()
  const built = import.meta.env.VITE_CARD_AGENT_URL as string | undefined
  if (built && isLoopbackAgentUrl(built)) return built.trim()
  return DEFAULT_AGENT_URL
}
