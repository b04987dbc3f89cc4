import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeAgent } from '@/test/fakeAgent'
import { AgentClient, AgentError, base64ToBytes, bytesToBase64, challengeResponse, type AgentConnState } from './agentClient'
import { importPairingKey, keyPairings, memoryBackend, type PairingStore } from './pairingStore'
import type { AgentEvent } from './protocol'

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')

/** Lets the fake sockets open and the promise chains of the handshake run. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0))
}

let backend = memoryBackend()
let pairings: PairingStore = keyPairings(backend, localStorage)

function client(agent: FakeAgent, over: Partial<ConstructorParameters<typeof AgentClient>[0]> = {}): AgentClient {
  return new AgentClient({ url: 'ws://127.0.0.1:17321/ws', socketFactory: agent.factory, pairings, ...over })
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await settle(1)
  expect(ok()).toBe(true)
}

async function waitState(c: AgentClient, s: AgentConnState): Promise<void> {
  for (let i = 0; i < 200 && c.state !== s; i++) await settle(1)
  expect(c.state).toBe(s)
}

beforeEach(() => {
  localStorage.clear()
  backend = memoryBackend()
  pairings = keyPairings(backend, localStorage)
})
afterEach(() => vi.useRealTimers())

describe('challengeResponse', () => {
  it('matches the documented test vector', async () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i)
    const nonce = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i)
    expect(hex(await challengeResponse(await importPairingKey(secret), nonce))).toBe('7c8eba38880deb18eb135705b5461322a5bb1a47576170a039eec7d628e0c355')
  })

  it('round-trips base64', () => {
    const b = Uint8Array.from([0, 1, 254, 255, 128])
    expect(base64ToBytes(bytesToBase64(b))).toEqual(b)
  })
})

describe('AgentClient', () => {
  it('says hello and is unpaired without a stored pairing', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    const states: AgentConnState[] = []
    c.onState((s) => states.push(s))
    c.start()
    await waitState(c, 'unpaired')
    expect(states).toEqual(['connecting', 'unpaired'])
    expect(c.hello).toMatchObject({ version: '1.0.0', device_key_id: agent.deviceKeyId, can_write: true })
    expect(agent.sent('hello')[0]!.params).toEqual({ client: 'lecms-spa', protocol: 1 })
    // Card commands need a pairing first: the agent says not_paired.
    await expect(c.listReaders()).rejects.toMatchObject({ code: 'not_paired' })
  })

  it('pairs with the code, stores the secret per agent, and answers the challenge on the next connection', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await expect(c.completePairing('000000', 'desk 1')).rejects.toMatchObject({ code: 'pairing_failed' })
    expect(c.state).toBe('unpaired')
    await c.completePairing(` ${agent.code} `, 'desk 1')
    expect(c.state).toBe('ready')
    expect(agent.sent('pair_complete').at(-1)!.params).toEqual({ code: agent.code, label: 'desk 1' })
    // Kept as a key that cannot be read back, never as the secret itself.
    const stored = backend.records.get(agent.deviceKeyId)!
    expect(stored).toMatchObject({ pairing_id: 'pairing-1', label: 'desk 1' })
    expect(stored.key.extractable).toBe(false)
    expect(stored.key.usages).toEqual(['sign'])
    await expect(crypto.subtle.exportKey('raw', stored.key)).rejects.toThrow()
    expect(JSON.stringify(stored)).not.toContain('secret')
    expect(localStorage.length).toBe(0)
    expect(await pairings.any()).toBe(true)
    const secret = bytesToBase64(agent.pairings.get('pairing-1')!)
    c.stop()

    // A new page: hello, then authenticate with HMAC(secret, nonce) — the secret is not sent again.
    const again = client(agent)
    again.start()
    await waitState(again, 'ready')
    const auth = agent.last.sent.find((m) => m.type === 'authenticate')!
    expect(auth.params!.pairing_id).toBe('pairing-1')
    expect(JSON.stringify(agent.last.sent)).not.toContain(secret)
    expect(again.pairingLabel).toBe('LECMS Chrome')
    await expect(again.listReaders()).resolves.toMatchObject({ pcsc_available: true })
  })

  it('forgets a pairing the agent no longer knows (not_paired) and asks to pair again', async () => {
    const agent = new FakeAgent()
    await pairings.save(agent.deviceKeyId, { pairing_id: 'gone', secret: bytesToBase64(new Uint8Array(32)), label: 'x', paired_at: '' })
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    expect(c.lastError).toBe('not_paired')
    await until(() => !backend.records.has(agent.deviceKeyId))
    expect(await pairings.any()).toBe(false)
  })

  it('retries a failed challenge once with a fresh hello, then asks to pair again', async () => {
    const agent = new FakeAgent()
    agent.pairings.set('p1', new Uint8Array(32).fill(7))
    // The browser holds another secret for the same pairing id: every answer is wrong.
    await pairings.save(agent.deviceKeyId, { pairing_id: 'p1', secret: bytesToBase64(new Uint8Array(32)), label: 'x', paired_at: '' })
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    expect(agent.sent('hello')).toHaveLength(2)
    expect(agent.sent('authenticate')).toHaveLength(2)
    expect(c.lastError).toBe('auth_failed')
  })

  it('matches answers to requests by id, whatever their order', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    let release: () => void = () => {}
    agent.handlers.read_card = () => new Promise((r) => (release = () => r({ result: { uid: 'SLOW' } })))
    agent.handlers.beep = () => ({ result: {} })
    const slow = c.readCard()
    await c.beep('ok')
    release()
    await expect(slow).resolves.toMatchObject({ uid: 'SLOW' })
    const ids = agent.last.sent.map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('turns agent errors into AgentError with the stable code', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    agent.handlers.issue_card = (p) => {
      expect(p).toEqual({ ticket: 'T', record: 'UkVD', reader: 'R1' })
      return { error: { code: 'wrong_card', message: 'card UID differs' } }
    }
    const err = await c.issueCard({ ticket: 'T', record: 'UkVD', reader: 'R1' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AgentError)
    expect(err).toMatchObject({ code: 'wrong_card', agentMessage: 'card UID differs', requestType: 'issue_card' })
  })

  it('gives up on a request after its time limit', async () => {
    const agent = new FakeAgent()
    const c = client(agent, { requestTimeoutMs: 50, writeTimeoutMs: 80 })
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    agent.handlers.read_card = () => ({ silent: true })
    agent.handlers.sync_inspection = () => ({ silent: true })
    await expect(c.readCard()).rejects.toMatchObject({ code: 'timeout', requestType: 'read_card' })
    await expect(c.syncInspection({ ticket: 'T', record: 'R' })).rejects.toMatchObject({ code: 'timeout' })
  })

  it('delivers the agent’s events', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    const events: AgentEvent[] = []
    c.onEvent((e) => events.push(e))
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    agent.insert({ atr: '3B', uid: 'AABBCCDD', profile: 'mifare-classic-1k' })
    agent.remove()
    await settle()
    expect(events).toEqual([
      { type: 'card_present', data: { reader: 'Virtual PCD 00 00', card: { atr: '3B', uid: 'AABBCCDD', profile: 'mifare-classic-1k' } } },
      { type: 'card_removed', data: { reader: 'Virtual PCD 00 00' } },
    ])
  })

  it('reconnects with growing delays while the agent is away, and fails pending requests at once', async () => {
    vi.useFakeTimers()
    const agent = new FakeAgent()
    agent.reachable = false
    const c = client(agent, { reconnect: { initialMs: 1000, maxMs: 4000 } })
    c.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(c.state).toBe('unreachable')
    expect(agent.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(999)
    expect(agent.sockets).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(agent.sockets).toHaveLength(2) // after 1 s
    await vi.advanceTimersByTimeAsync(2000)
    expect(agent.sockets).toHaveLength(3) // after 2 s more
    await vi.advanceTimersByTimeAsync(4000)
    expect(agent.sockets).toHaveLength(4) // 4 s
    await vi.advanceTimersByTimeAsync(4000)
    expect(agent.sockets).toHaveLength(5) // capped at 4 s

    // The agent starts: connected at the next attempt, the delay starts over.
    agent.reachable = true
    await vi.advanceTimersByTimeAsync(4000)
    expect(c.state).toBe('unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    agent.handlers.read_card = () => ({ silent: true })
    const pending = c.readCard()
    agent.crash()
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' })
    expect(c.state).toBe('unreachable')
    agent.reachable = true
    const before = agent.sockets.length
    await vi.advanceTimersByTimeAsync(1000)
    expect(agent.sockets.length).toBe(before + 1)
    // The stored pairing answers the new challenge (WebCrypto runs outside the fake clock).
    vi.useRealTimers()
    await waitState(c, 'ready')
    c.stop()
  })

  it('stops reconnecting when stopped, and reconnects at once on request', async () => {
    vi.useFakeTimers()
    const agent = new FakeAgent()
    agent.reachable = false
    const c = client(agent)
    c.start()
    await vi.advanceTimersByTimeAsync(0)
    c.stop()
    expect(c.state).toBe('idle')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(agent.sockets).toHaveLength(1)
    agent.reachable = true
    c.reconnectNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(c.state).toBe('unpaired')
    expect(agent.sockets).toHaveLength(2)
    c.stop()
  })

  it('refuses an agent speaking another protocol', async () => {
    const agent = new FakeAgent()
    agent.protocol = 2
    const c = client(agent)
    c.start()
    await waitState(c, 'incompatible')
    expect(c.lastError).toBe('protocol_mismatch')
    c.stop()
  })

  it('unpairs on the agent and here', async () => {
    const agent = new FakeAgent()
    const c = client(agent)
    c.start()
    await waitState(c, 'unpaired')
    await c.beginPairing()
    await c.completePairing(agent.code)
    await c.unpair()
    expect(c.state).toBe('unpaired')
    expect(agent.sent('unpair')).toHaveLength(1)
    expect(await pairings.any()).toBe(false)
  })

  it('moves a pairing an earlier version kept in localStorage into a key, and forgets the stored secret', async () => {
    const agent = new FakeAgent()
    const secret = crypto.getRandomValues(new Uint8Array(32))
    agent.pairings.set('p1', secret)
    localStorage.setItem(
      `lecms.cardAgent.pairing.${agent.deviceKeyId}`,
      JSON.stringify({ pairing_id: 'p1', secret: bytesToBase64(secret), label: 'old', paired_at: '2026-01-01T00:00:00Z' }),
    )
    expect(await pairings.any()).toBe(true)
    const c = client(agent)
    c.start()
    await waitState(c, 'ready')
    expect(localStorage.length).toBe(0)
    const stored = backend.records.get(agent.deviceKeyId)!
    expect(stored).toMatchObject({ pairing_id: 'p1', label: 'old', paired_at: '2026-01-01T00:00:00Z' })
    expect(stored.key.extractable).toBe(false)
    c.stop()
  })
})
