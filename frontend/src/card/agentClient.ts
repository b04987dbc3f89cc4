// A typed client of the card agent's websocket protocol (docs/card-agent.md): connect, hello,
// pairing with the six-digit code the agent shows, the challenge on every connection, card commands
// with request ids and time limits, events, and reconnection with backoff while started.
//
//   const c = new AgentClient({ url: 'ws://127.0.0.1:17321/ws' })
//   c.onState((s) => …)           // idle → connecting → unpaired | ready; unreachable between attempts
//   c.start()
//   await c.beginPairing(); await c.completePairing('483920')   // once per browser and agent
//   const card = await c.readCard()
//
// The pairing secret is a device-pairing secret (this browser ↔ this agent), not a user credential:
// it is kept per agent (by its device key id) as a non-extractable WebCrypto key in IndexedDB
// (pairingStore.ts) and only ever used to answer the agent's challenge; it never crosses the socket
// again after pairing.
import { base64ToBytes, bytesToBase64 } from './base64'
import { browserPairings, type PairingStore, type StoredPairing } from './pairingStore'
import {
  PROTOCOL_VERSION,
  type AgentEvent,
  type AgentEventMessage,
  type AgentResponse,
  type AuthenticateResult,
  type BeepPattern,
  type ErrorCode,
  type HelloResult,
  type ListReadersResult,
  type PairBeginResult,
  type PairCompleteResult,
  type ReadCardResult,
  type VersionResult,
  type WriteParams,
  type WriteResult,
} from './protocol'

/** What the client needs of a WebSocket (the browser's, or a fake in tests). */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export type SocketFactory = (url: string) => WebSocketLike

const OPEN = 1

/** An error answered by the agent (`code` from its stable list) or seen by the client (timeout, disconnected). */
export class AgentError extends Error {
  readonly code: ErrorCode
  /** The agent's English message, for logs and support (never shown as is). */
  readonly agentMessage: string
  readonly requestType: string

  constructor(code: ErrorCode, agentMessage: string, requestType = '') {
    super(`${requestType ? requestType + ': ' : ''}${code}: ${agentMessage}`)
    this.name = 'AgentError'
    this.code = code
    this.agentMessage = agentMessage
    this.requestType = requestType
  }
}

export function isAgentError(e: unknown, code?: ErrorCode): e is AgentError {
  return e instanceof AgentError && (code === undefined || e.code === code)
}

export { base64ToBytes, bytesToBase64 }
export type { PairingStore }

/** Connection state. */
export type AgentConnState =
  /** Not started (or stopped). */
  | 'idle'
  /** Opening the socket, saying hello, answering the challenge. */
  | 'connecting'
  /** The agent could not be reached (not running, port blocked, origin refused); retrying. */
  | 'unreachable'
  /** Connected, but this browser is not paired with the agent. */
  | 'unpaired'
  /** Connected and authenticated: card commands work. */
  | 'ready'
  /** The agent speaks another protocol version. */
  | 'incompatible'

export interface AgentClientOptions {
  url: string
  socketFactory?: SocketFactory
  pairings?: PairingStore
  /** Sent in hello (`client`). */
  clientName?: string
  /** Time limit of ordinary requests. */
  requestTimeoutMs?: number
  /** Time limit of card writes (the agent may wait up to 15 s for a busy reader). */
  writeTimeoutMs?: number
  /** Reconnection delays: doubled after every failed attempt, from initial up to max. */
  reconnect?: { initialMs: number; maxMs: number }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
export const DEFAULT_WRITE_TIMEOUT_MS = 45_000
export const DEFAULT_RECONNECT = { initialMs: 1000, maxMs: 30_000 }

/** The label the challenge answer is computed over: HMAC(secret, label || 0x00 || nonce). */
const AUTH_LABEL = 'LECMS card agent auth v1'

/** The challenge answer: HMAC-SHA256(key, "LECMS card agent auth v1" 0x00 nonce), with the stored key. */
export async function challengeResponse(key: CryptoKey, nonce: Uint8Array): Promise<Uint8Array> {
  const label = new TextEncoder().encode(AUTH_LABEL)
  const msg = new Uint8Array(label.length + 1 + nonce.length)
  msg.set(label, 0)
  msg[label.length] = 0
  msg.set(nonce, label.length + 1)
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, msg as BufferSource))
}

interface Pending {
  type: string
  resolve: (v: unknown) => void
  reject: (e: AgentError) => void
  timer: ReturnType<typeof setTimeout>
}

type Listener<T> = (v: T) => void

export class AgentClient {
  readonly url: string
  private readonly factory: SocketFactory
  private readonly pairings: PairingStore
  private readonly clientName: string
  private readonly requestTimeoutMs: number
  private readonly writeTimeoutMs: number
  private readonly backoff: { initialMs: number; maxMs: number }

  private socket: WebSocketLike | undefined
  /** Bumped for every socket: callbacks of older sockets are ignored. */
  private generation = 0
  private nextId = 1
  private readonly pending = new Map<string, Pending>()
  private running = false
  private attempts = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined

  private _state: AgentConnState = 'idle'
  private _hello: HelloResult | undefined
  private _label = ''
  /** Why the agent could not be used, for the status panel (an error code). */
  private _lastError: ErrorCode | undefined

  private readonly stateListeners = new Set<Listener<AgentConnState>>()
  private readonly eventListeners = new Set<Listener<AgentEvent>>()

  constructor(opts: AgentClientOptions) {
    this.url = opts.url
    this.factory = opts.socketFactory ?? ((url) => new WebSocket(url) as unknown as WebSocketLike)
    this.pairings = opts.pairings ?? browserPairings()
    this.clientName = opts.clientName ?? 'lecms-spa'
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    this.writeTimeoutMs = opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS
    this.backoff = opts.reconnect ?? DEFAULT_RECONNECT
  }

  get state(): AgentConnState {
    return this._state
  }

  /** The last hello of the current connection (agent, version, device key, can_write). */
  get hello(): HelloResult | undefined {
    return this._hello
  }

  /** The label of the pairing in use (as stored by the agent). */
  get pairingLabel(): string {
    return this._label
  }

  get lastError(): ErrorCode | undefined {
    return this._lastError
  }

  /** Milliseconds until the next connection attempt after `attempts` failures. */
  retryDelay(attempts: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.max(0, attempts))
  }

  onState(fn: Listener<AgentConnState>): () => void {
    this.stateListeners.add(fn)
    return () => void this.stateListeners.delete(fn)
  }

  onEvent(fn: Listener<AgentEvent>): () => void {
    this.eventListeners.add(fn)
    return () => void this.eventListeners.delete(fn)
  }

  /** Connects and stays connected (reconnecting with backoff) until stop(). */
  start(): void {
    if (this.running) return
    this.running = true
    this.attempts = 0
    this.open()
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    this.running = false
    this.clearRetry()
    this.drop()
    this.setState('idle')
  }

  /** Tries again at once (after the operator started the agent), with the backoff reset. */
  reconnectNow(): void {
    this.running = true
    this.attempts = 0
    this.clearRetry()
    if (this._state === 'connecting') return
    this.drop()
    this.open()
  }

  // --- pairing -----------------------------------------------------------------------------

  /** Asks the agent to show a pairing code to the operator (the code is not in the answer). */
  beginPairing(): Promise<PairBeginResult> {
    return this.request<PairBeginResult>('pair_begin')
  }

  /**
   * Completes the pairing with the code the operator typed: the secret is stored for this agent and
   * the connection is authenticated at once.
   */
  async completePairing(code: string, label = browserLabel()): Promise<void> {
    const hello = this._hello
    if (!hello) throw new AgentError('disconnected', 'not connected', 'pair_complete')
    const res = await this.request<PairCompleteResult>('pair_complete', { code: code.trim(), label })
    await this.pairings.save(hello.device_key_id, {
      pairing_id: res.pairing_id,
      secret: res.secret,
      label,
      paired_at: new Date().toISOString(),
    })
    this._label = label
    this._lastError = undefined
    this.setState('ready')
  }

  /** Removes this browser's pairing on the agent and here. */
  async unpair(): Promise<void> {
    const id = this._hello?.device_key_id
    try {
      if (this._state === 'ready') await this.request('unpair')
    } finally {
      if (id) await this.pairings.remove(id)
      if (this._state === 'ready') this.setState('unpaired')
    }
  }

  // --- commands ----------------------------------------------------------------------------

  version(): Promise<VersionResult> {
    return this.request<VersionResult>('version')
  }

  listReaders(): Promise<ListReadersResult> {
    return this.request<ListReadersResult>('list_readers')
  }

  /** Reads the card on `reader`, or the only card present on any reader. */
  readCard(reader?: string): Promise<ReadCardResult> {
    return this.request<ReadCardResult>('read_card', reader ? { reader } : {})
  }

  /** Writes a new card's first record under the server's `issue` ticket. */
  issueCard(p: WriteParams): Promise<WriteResult> {
    return this.request<WriteResult>('issue_card', writeParams(p), this.writeTimeoutMs)
  }

  /** Writes an inspection's new record under the server's `sync` ticket. */
  syncInspection(p: WriteParams): Promise<WriteResult> {
    return this.request<WriteResult>('sync_inspection', writeParams(p), this.writeTimeoutMs)
  }

  /** Beeps (and lights) on readers with an ACR122U-style buzzer; others answer not_supported. */
  async beep(pattern: BeepPattern = 'ok', reader?: string): Promise<void> {
    await this.request('beep', { pattern, ...(reader ? { reader } : {}) })
  }

  /** Sends one request and waits for its answer (or the time limit). */
  request<T>(type: string, params?: unknown, timeoutMs = this.requestTimeoutMs): Promise<T> {
    const socket = this.socket
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new AgentError('disconnected', 'the card agent is not connected', type))
    }
    const id = String(this.nextId++)
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) reject(new AgentError('timeout', `no answer within ${timeoutMs} ms`, type))
      }, timeoutMs)
      this.pending.set(id, { type, resolve: resolve as (v: unknown) => void, reject, timer })
      try {
        socket.send(JSON.stringify(params === undefined ? { id, type } : { id, type, params }))
      } catch (e) {
        clearTimeout(timer)
        this.pending.delete(id)
        reject(new AgentError('disconnected', String(e), type))
      }
    })
  }

  // --- connection --------------------------------------------------------------------------

  private setState(s: AgentConnState): void {
    if (s === this._state) return
    this._state = s
    for (const fn of [...this.stateListeners]) fn(s)
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer)
    this.retryTimer = undefined
  }

  private open(): void {
    const gen = ++this.generation
    this.setState('connecting')
    let socket: WebSocketLike
    try {
      socket = this.factory(this.url)
    } catch {
      this.failed(gen)
      return
    }
    this.socket = socket
    let opened = false
    socket.onopen = () => {
      if (gen !== this.generation) return
      opened = true
      void this.handshake(gen)
    }
    socket.onmessage = (ev) => {
      if (gen === this.generation) this.receive(ev.data)
    }
    socket.onerror = () => {
      /* onclose follows */
    }
    socket.onclose = () => {
      if (gen !== this.generation) return
      this.socket = undefined
      this.rejectAll(new AgentError('disconnected', 'the connection to the card agent closed'))
      this._hello = undefined
      if (!opened) this._lastError = 'unreachable'
      this.failed(gen)
    }
  }

  /** A connection ended or could not be made: unreachable, and retry later if still running. */
  private failed(gen: number): void {
    if (gen !== this.generation) return
    if (this._state !== 'incompatible') this.setState(this.running ? 'unreachable' : 'idle')
    if (!this.running) return
    const delay = this.retryDelay(this.attempts)
    this.attempts++
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (this.running && gen === this.generation) this.open()
    }, delay)
  }

  /** Closes the current socket without reconnecting from its close event. */
  private drop(): void {
    this.generation++
    const s = this.socket
    this.socket = undefined
    this._hello = undefined
    this.rejectAll(new AgentError('disconnected', 'the connection to the card agent was closed'))
    if (s) {
      s.onopen = s.onclose = s.onerror = null
      s.onmessage = null
      try {
        s.close(1000, 'closed by the page')
      } catch {
        /* already closed */
      }
    }
  }

  private rejectAll(err: AgentError): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer)
      this.pending.delete(id)
      p.reject(new AgentError(err.code, err.agentMessage, p.type))
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return
    let msg: AgentResponse | AgentEventMessage
    try {
      msg = JSON.parse(data) as AgentResponse | AgentEventMessage
    } catch {
      return
    }
    if (msg.kind === 'response') {
      const p = this.pending.get(msg.id)
      if (!p) return
      this.pending.delete(msg.id)
      clearTimeout(p.timer)
      if (msg.ok) p.resolve(msg.result ?? {})
      else p.reject(new AgentError(msg.error?.code ?? 'internal', msg.error?.message ?? '', p.type))
    } else if (msg.kind === 'event') {
      const ev = { type: msg.type, data: msg.data ?? {} } as AgentEvent
      for (const fn of [...this.eventListeners]) fn(ev)
    }
  }

  /** hello, then the challenge if this browser holds a pairing for the agent. */
  private async handshake(gen: number): Promise<void> {
    try {
      let hello = await this.sayHello()
      if (gen !== this.generation) return
      if (hello.protocol !== PROTOCOL_VERSION) {
        this._lastError = 'protocol_mismatch'
        this.setState('incompatible')
        return
      }
      this.attempts = 0
      if (hello.authenticated) {
        this._lastError = undefined
        this.setState('ready')
        return
      }
      let stored: StoredPairing | undefined
      try {
        stored = await this.pairings.get(hello.device_key_id)
      } catch {
        stored = undefined // storage unavailable: pair again
      }
      if (gen !== this.generation) return
      if (!stored) {
        this.setState('unpaired')
        return
      }
      // One retry with a fresh nonce after auth_failed (docs: "hello again; if it persists, pair again").
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await this.authenticate(stored, hello)
          if (gen !== this.generation) return
          this._label = res.label || stored.label
          this._lastError = undefined
          this.setState('ready')
          return
        } catch (e) {
          if (gen !== this.generation) return
          if (isAgentError(e, 'auth_failed') && attempt === 0) {
            hello = await this.sayHello()
            continue
          }
          if (isAgentError(e, 'not_paired') || isAgentError(e, 'auth_failed')) {
            // The pairing is gone on the agent (reinstalled, unpaired): pair again.
            await this.pairings.remove(hello.device_key_id).catch(() => undefined)
            this._lastError = e.code
            this.setState('unpaired')
            return
          }
          throw e
        }
      }
    } catch (e) {
      if (gen !== this.generation) return
      // The handshake failed (time limit, closed): start over on a new connection.
      this._lastError = isAgentError(e) ? e.code : 'internal'
      this.drop()
      this.failed(this.generation)
    }
  }

  private async sayHello(): Promise<HelloResult> {
    const hello = await this.request<HelloResult>('hello', { client: this.clientName, protocol: PROTOCOL_VERSION })
    this._hello = hello
    return hello
  }

  private async authenticate(p: StoredPairing, hello: HelloResult): Promise<AuthenticateResult> {
    const response = await challengeResponse(p.key, base64ToBytes(hello.nonce))
    return this.request<AuthenticateResult>('authenticate', {
      pairing_id: p.pairing_id,
      response: bytesToBase64(response),
    })
  }
}

function writeParams(p: WriteParams): WriteParams {
  return { ticket: p.ticket, record: p.record, ...(p.reader ? { reader: p.reader } : {}) }
}

/** A label for the pairing, shown in the agent's log: browser and time (no user data). */
export function browserLabel(): string {
  const ua = globalThis.navigator?.userAgent ?? ''
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : 'Browser'
  const d = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `LECMS ${browser} ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
