// A fake card agent for unit tests: fake websockets (SocketFactory) answering the protocol like
// lecms-cardagent does — hello with a fresh nonce, pairing with a code, the HMAC challenge
// (checked with WebCrypto directly; the client's own HMAC is pinned by the documented test vector),
// card commands from per-test handlers, and events pushed by the test.
import { base64ToBytes, bytesToBase64, type SocketFactory, type WebSocketLike } from '@/card/agentClient'
import type { AgentEvent, CardInfo, ReadCardResult, ReaderInfo, WriteResult } from '@/card/protocol'

export class FakeSocket implements WebSocketLike {
  readyState = 0
  onopen: ((ev: unknown) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  /** Every message the client sent, parsed. */
  readonly sent: { id: string; type: string; params?: Record<string, unknown> }[] = []
  nonce: Uint8Array | undefined
  authenticated = false
  paired = false

  constructor(
    readonly agent: FakeAgent,
    readonly url: string,
  ) {}

  send(data: string): void {
    const msg = JSON.parse(data) as { id: string; type: string; params?: Record<string, unknown> }
    this.sent.push(msg)
    void this.agent.handle(this, msg)
  }

  close(): void {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({})
  }

  deliver(msg: unknown): void {
    if (this.readyState !== 1) return
    this.onmessage?.({ data: JSON.stringify(msg) })
  }
}

export interface AgentReply {
  result?: unknown
  error?: { code: string; message?: string }
  /** Never answer (the client's time limit). */
  silent?: boolean
}

type Handler = (params: Record<string, unknown>, socket: FakeSocket) => AgentReply | Promise<AgentReply>

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n))
}

/** HMAC-SHA256(secret, "LECMS card agent auth v1" 0x00 nonce), as the agent checks it. */
export async function agentResponse(secret: Uint8Array, nonce: Uint8Array): Promise<Uint8Array> {
  const label = new TextEncoder().encode('LECMS card agent auth v1')
  const msg = new Uint8Array([...label, 0, ...nonce])
  const key = await crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, msg as BufferSource))
}

export class FakeAgent {
  /** Whether connections open (false: the agent is not running). */
  reachable = true
  version = '1.0.0'
  protocol = 1
  build = 'dev'
  canWrite = true
  deviceKeyId = '80f893b4d97acb00'
  deviceKey = 'ed25519:SYOrsk88WcqcpFdkeAsobFwFOj62FzC4q2CRAg68pW8='
  /** The code the agent would print on pair_begin. */
  code = '483920'
  readonly pairings = new Map<string, Uint8Array>()
  readonly sockets: FakeSocket[] = []
  readers: ReaderInfo[] = [{ name: 'Virtual PCD 00 00', card: null, buzzer: true, virtual: true }]
  /** Per-type answers for card commands (read_card, issue_card, sync_inspection, beep, …). */
  readonly handlers: Partial<Record<string, Handler>> = {}

  readonly factory: SocketFactory = (url) => {
    const s = new FakeSocket(this, url)
    this.sockets.push(s)
    queueMicrotask(() => {
      if (this.reachable) {
        s.readyState = 1
        s.onopen?.({})
      } else {
        s.readyState = 3
        s.onerror?.({})
        s.onclose?.({})
      }
    })
    return s
  }

  get last(): FakeSocket {
    return this.sockets.at(-1)!
  }

  /** Messages of one type sent on any socket. */
  sent(type: string): { id: string; type: string; params?: Record<string, unknown> }[] {
    return this.sockets.flatMap((s) => s.sent.filter((m) => m.type === type))
  }

  /** Pushes an event to every authenticated connection. */
  emit(e: AgentEvent): void {
    for (const s of this.sockets) if (s.authenticated) s.deliver({ kind: 'event', type: e.type, data: e.data })
  }

  /** Puts a card on the first reader and tells the connections. */
  insert(card: CardInfo, reader = this.readers[0]!.name): void {
    this.readers = this.readers.map((r) => (r.name === reader ? { ...r, card } : r))
    this.emit({ type: 'card_present', data: { reader, card } })
  }

  remove(reader = this.readers[0]!.name): void {
    this.readers = this.readers.map((r) => (r.name === reader ? { ...r, card: null } : r))
    this.emit({ type: 'card_removed', data: { reader } })
  }

  /** The agent goes away: every connection closes. */
  crash(): void {
    this.reachable = false
    for (const s of this.sockets) s.close()
  }

  async handle(s: FakeSocket, msg: { id: string; type: string; params?: Record<string, unknown> }): Promise<void> {
    const reply = await this.answer(s, msg.type, msg.params ?? {})
    if (reply.silent) return
    s.deliver({
      kind: 'response',
      id: msg.id,
      type: msg.type,
      ok: !reply.error,
      ...(reply.error ? { error: { code: reply.error.code, message: reply.error.message ?? reply.error.code } } : { result: reply.result ?? {} }),
    })
  }

  private async answer(s: FakeSocket, type: string, params: Record<string, unknown>): Promise<AgentReply> {
    switch (type) {
      case 'hello':
        s.nonce = randomBytes(32)
        return {
          result: {
            agent: 'lecms-cardagent',
            version: this.version,
            protocol: this.protocol,
            build: this.build,
            nonce: bytesToBase64(s.nonce),
            authenticated: s.authenticated,
            device_key: this.deviceKey,
            device_key_id: this.deviceKeyId,
            can_write: this.canWrite,
          },
        }
      case 'pair_begin':
        s.paired = true
        return { result: { expires_at: '2026-11-27T01:42:10Z', code_length: 6 } }
      case 'pair_complete': {
        if (!s.paired || params.code !== this.code) {
          return { error: { code: 'pairing_failed', message: 'pairing: wrong code (4 attempts left)' } }
        }
        const id = `pairing-${this.pairings.size + 1}`
        const secret = randomBytes(32)
        this.pairings.set(id, secret)
        s.authenticated = true
        return { result: { pairing_id: id, secret: bytesToBase64(secret) } }
      }
      case 'authenticate': {
        const nonce = s.nonce
        s.nonce = undefined
        if (!nonce) return { error: { code: 'auth_failed', message: 'no challenge pending; send hello first' } }
        const secret = this.pairings.get(String(params.pairing_id))
        if (!secret) return { error: { code: 'not_paired' } }
        const got = base64ToBytes(String(params.response ?? ''))
        const want = await agentResponse(secret, nonce)
        if (got.length !== want.length || got.some((b, i) => b !== want[i])) return { error: { code: 'auth_failed' } }
        s.authenticated = true
        return { result: { authenticated: true, label: 'LECMS Chrome' } }
      }
    }
    if (!s.authenticated) return { error: { code: 'not_paired' } }
    if (type === 'unpair') {
      s.authenticated = false
      return { result: {} }
    }
    const h = this.handlers[type]
    if (h) return h(params, s)
    if (type === 'list_readers') return { result: { pcsc_available: true, readers: this.readers } }
    return { error: { code: 'unknown_type' } }
  }
}

/** A read_card answer for a blank card. */
export function blankRead(uid = '5C1D2E3F', reader = 'Virtual PCD 00 00'): ReadCardResult {
  return {
    reader,
    atr: '3B8F8001804F0CA000000306030001000000006A',
    uid,
    profile: 'mifare-classic-1k',
    state: 'blank',
    slots: [
      { slot: 'A', state: 'empty' },
      { slot: 'B', state: 'empty' },
    ],
  }
}

/** A read_card answer for a card holding a record. */
export function writtenRead(rec: {
  uid?: string
  seq?: number
  certNo: string
  name: string
  validUntil: string
  lastInspection: string
}): ReadCardResult {
  const uid = rec.uid ?? '5C1D2E3F'
  return {
    ...blankRead(uid),
    state: 'valid',
    slots: [
      { slot: 'A', state: 'valid', seq: rec.seq ?? 1 },
      { slot: 'B', state: 'empty' },
    ],
    record: {
      seq: rec.seq ?? 1,
      cert_no: rec.certNo,
      name: rec.name,
      unit_code: 'A00012',
      area: '济南市历下区',
      category: '城市管理',
      valid_until: rec.validUntil,
      last_inspection: rec.lastInspection,
      card_uid: uid,
      sig_alg: 'ed25519',
      key_id: 'b01b8f2a7ed18d93',
    },
    record_bytes: 'TEMBAQCq',
    signature: 'valid',
    uid_matches: true,
  }
}

export function writeOk(uid = '5C1D2E3F', seq = 1): WriteResult {
  return {
    reader: 'Virtual PCD 00 00',
    uid,
    profile: 'mifare-classic-1k',
    slot: seq % 2 === 1 ? 'A' : 'B',
    seq,
    receipt: `receipt-${seq}`,
    already_written: false,
    elapsed_ms: 12,
  }
}
