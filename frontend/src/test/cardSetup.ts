// Unit-test setup for the card screens: a signed-in card issuer (fake session and fetch routes) and
// a fake card agent this browser is already paired with (or not).
import { createPinia, setActivePinia } from 'pinia'
import { AgentClient, bytesToBase64 } from '@/card/agentClient'
import { keyPairings, memoryBackend, type PairingStore } from '@/card/pairingStore'
import { setAgentClientFactory, setPairingStoreFactory } from '@/stores/cardAgent'
import { useAuthStore } from '@/stores/auth'
import type { Me } from '@/api/types'
import { sessionServer, user, type SessionServer } from './auth'
import { FakeAgent } from './fakeAgent'
import { json, mockFetch, type FetchMock, type Handler } from './fetchMock'

export function issuerMe(over: Partial<Me> = {}): Me {
  return {
    user: user({ id: 10, username: 'card_issuer', display_name: '制证员', role: 'card_issuer', scope: '370000' }),
    role_label: '制证员',
    permissions: [
      'region:read',
      'unit:read',
      'officer:read',
      'application:read',
      'certificate:issue',
      'production:read',
      'certificate:sync',
      'certificate:manual_sync',
      'card_agent:read',
      'card_agent:write',
    ],
    idle_timeout_seconds: 1800,
    ...over,
  }
}

export const AGENT_VERSION = { minimum: '1.0.0', latest: '1.0.0', protocol: 1 }

export interface CardTestEnv {
  server: SessionServer
  fetch: FetchMock
  agent: FakeAgent
  /** This browser's pairings (in memory; IndexedDB in real browsers). */
  pairings: PairingStore
  backend: ReturnType<typeof memoryBackend>
}

/**
 * Signs a card issuer in (routes may add or replace API endpoints) and points the card agent store
 * at a fake agent; `paired` stores a pairing the agent knows, so the connection becomes ready.
 */
export async function cardTestEnv(opts: { routes?: Record<string, Handler>; paired?: boolean; me?: Me } = {}): Promise<CardTestEnv> {
  const agent = new FakeAgent()
  const backend = memoryBackend()
  const pairings = keyPairings(backend, localStorage)
  setPairingStoreFactory(() => pairings)
  if (opts.paired !== false) {
    const secret = crypto.getRandomValues(new Uint8Array(32))
    agent.pairings.set('p1', secret)
    await pairings.save(agent.deviceKeyId, { pairing_id: 'p1', secret: bytesToBase64(secret), label: 'test', paired_at: '' })
  }
  setAgentClientFactory((o) => new AgentClient({ ...o, socketFactory: agent.factory, reconnect: { initialMs: 10, maxMs: 20 } }))
  const server = sessionServer(opts.me ?? issuerMe())
  const fetch = mockFetch({
    ...server.routes,
    '/api/v1/card-agents/version': () => json(AGENT_VERSION),
    '/api/v1/card-agents': () =>
      json([
        {
          id: 1,
          name: '制证室 1 号机',
          key_id: agent.deviceKeyId,
          public_key: agent.deviceKey,
          alg: 'ed25519',
          region_code: '370000',
          registered_by: 'card_issuer',
          created_at: '2026-11-01T00:00:00Z',
        },
      ]),
    ...opts.routes,
  })
  setActivePinia(createPinia())
  await useAuthStore().ready()
  return { server, fetch, agent, pairings, backend }
}

/** Resolves once `ok` holds, letting sockets, promises and WebCrypto run (real timers). */
export async function until(ok: () => boolean, what = 'condition', ms = 2000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}
