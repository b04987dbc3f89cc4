// The card reader as the pages see it: the connection to the local card agent (src/card/agentClient),
// its readers and the card on them (kept current by the agent's events), the agent's version against
// the server's expectation (GET /api/v1/card-agents/version) and whether its device key is registered
// (GET /api/v1/card-agents).
//
// The connection is made on demand (a card page, the header's 读卡器 button) or at start when this
// browser was paired before, so that users without a reader are never asked by the browser for
// permission to reach a local device.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { api, call } from '@/api/client'
import { AgentClient, AgentError, isAgentError, type AgentClientOptions, type AgentConnState } from '@/card/agentClient'
import { browserPairings, type PairingStore } from '@/card/pairingStore'
import { agentUrl } from '@/card/agentConfig'
import type {
  AgentEvent,
  BeepPattern,
  CardInfo,
  ErrorCode,
  HelloResult,
  PairBeginResult,
  ReadCardResult,
  ReaderInfo,
  WriteParams,
  WriteResult,
} from '@/card/protocol'
import { checkAgentVersion, type ServerAgentVersion, type VersionCheck } from '@/card/version'
import type { paths } from '@/api/schema'
import { useAuthStore } from './auth'

export type RegisteredAgent =
  paths['/api/v1/card-agents']['get']['responses'][200]['content']['application/json'][number]

/** What the header shows: 未连接 / 连接中 / 未配对 / 就绪 / 已放卡. */
export type ReaderStatus = 'offline' | 'connecting' | 'unpaired' | 'ready' | 'card'

export const READER_STATUS_LABELS: Record<ReaderStatus, string> = {
  offline: '未连接',
  connecting: '连接中',
  unpaired: '未配对',
  ready: '就绪',
  card: '已放卡',
}

/** Users who work with cards: card issuers (制证) and legal offices (同步年检). */
export const CARD_PERMS = ['certificate:issue', 'certificate:sync'] as const

/** A card on a reader, with the reader's name. */
export interface PresentCard extends CardInfo {
  reader: string
}

type ClientFactory = (opts: AgentClientOptions) => AgentClient
let clientFactory: ClientFactory = (opts) => new AgentClient(opts)

/** Tests replace the client (e.g. with a fake socket); undefined restores the default. */
export function setAgentClientFactory(f: ClientFactory | undefined): void {
  clientFactory = f ?? ((opts) => new AgentClient(opts))
}

let pairingStoreFactory: () => PairingStore = browserPairings

/** Tests keep pairings in memory; undefined restores IndexedDB. */
export function setPairingStoreFactory(f: (() => PairingStore) | undefined): void {
  pairingStoreFactory = f ?? browserPairings
}

export const useCardAgentStore = defineStore('cardAgent', () => {
  const auth = useAuthStore()

  const conn = ref<AgentConnState>('idle')
  const hello = shallowRef<HelloResult | null>(null)
  const pairingLabel = ref('')
  const lastError = ref<ErrorCode | undefined>()
  const pcscAvailable = ref(true)
  const readers = shallowRef<ReaderInfo[]>([])
  const serverVersion = shallowRef<ServerAgentVersion | null>(null)
  /** The server's record of this agent: undefined = not checked, null = not registered (or not visible). */
  const registration = shallowRef<RegisteredAgent | null | undefined>(undefined)
  const url = ref('')

  let client: AgentClient | undefined
  let versionLoading: Promise<void> | undefined
  let pairingStore: PairingStore | undefined
  const pairings = (): PairingStore => (pairingStore ??= pairingStoreFactory())

  const cards = computed<PresentCard[]>(() =>
    readers.value.filter((r) => r.card !== null).map((r) => ({ reader: r.name, ...(r.card as CardInfo) })),
  )
  /** The one card on the readers; null with none or several. */
  const card = computed<PresentCard | null>(() => (cards.value.length === 1 ? cards.value[0]! : null))

  const status = computed<ReaderStatus>(() => {
    switch (conn.value) {
      case 'ready':
        return cards.value.length > 0 ? 'card' : 'ready'
      case 'unpaired':
        return 'unpaired'
      case 'connecting':
        return 'connecting'
      default:
        return 'offline'
    }
  })
  const statusLabel = computed(() => READER_STATUS_LABELS[status.value])
  const ready = computed(() => conn.value === 'ready')
  const versionCheck = computed<VersionCheck>(() => checkAgentVersion(hello.value?.version, serverVersion.value))
  /** Whether writes may be attempted: ready, write keys configured, version not below the minimum. */
  const canWrite = computed(() => ready.value && !!hello.value?.can_write && versionCheck.value.level !== 'unsupported')
  /** Why writing is impossible right now ('' when it is possible). */
  const writeBlocker = computed(() => {
    if (conn.value === 'unpaired') return '本浏览器尚未与读卡客户端配对'
    if (!ready.value) return '未连接读卡客户端：请启动读卡客户端（lecms-cardagent）'
    if (!hello.value?.can_write) return '读卡客户端未配置服务器公钥（ticket_keys），只能读卡不能写卡：请联系系统管理员'
    if (versionCheck.value.level === 'unsupported') return versionCheck.value.message
    if (!pcscAvailable.value) return '智能卡服务未运行：请插好读卡器'
    return ''
  })

  function syncFromClient(): void {
    if (!client) return
    conn.value = client.state
    hello.value = client.hello ?? null
    pairingLabel.value = client.pairingLabel
    lastError.value = client.lastError
  }

  function onState(s: AgentConnState): void {
    syncFromClient()
    if (s === 'ready') {
      void refreshReaders()
      void loadRegistration()
    } else {
      readers.value = []
      pcscAvailable.value = true
    }
  }

  function setReader(name: string, change: (r: ReaderInfo) => ReaderInfo | null): void {
    const list = [...readers.value]
    const i = list.findIndex((r) => r.name === name)
    const base: ReaderInfo = i >= 0 ? list[i]! : { name, card: null, buzzer: false, virtual: false }
    const next = change(base)
    if (i >= 0) {
      if (next) list[i] = next
      else list.splice(i, 1)
    } else if (next) {
      list.push(next)
    }
    readers.value = list
  }

  function onEvent(e: AgentEvent): void {
    switch (e.type) {
      case 'card_present':
        setReader(e.data.reader, (r) => ({ ...r, card: e.data.card }))
        break
      case 'card_removed':
        setReader(e.data.reader, (r) => ({ ...r, card: null }))
        break
      case 'reader_attached':
        setReader(e.data.reader, (r) => r)
        void refreshReaders()
        break
      case 'reader_removed':
        setReader(e.data.reader, () => null)
        break
      case 'pcsc_status':
        pcscAvailable.value = e.data.available
        if (!e.data.available) readers.value = []
        else void refreshReaders()
        break
    }
  }

  /** Connects to the agent (once; it then reconnects by itself) and loads the expected version. */
  function ensureStarted(): void {
    if (!auth.signedIn) return
    if (!client) {
      url.value = agentUrl()
      client = clientFactory({ url: url.value, pairings: pairings() })
      client.onState(onState)
      client.onEvent(onEvent)
    }
    client.start()
    syncFromClient()
    void loadServerVersion()
  }

  /** Connects at start only if this browser was paired before (no permission prompt otherwise). */
  async function autoStart(): Promise<void> {
    if (await pairings().any().catch(() => false)) ensureStarted()
  }

  function stop(): void {
    client?.stop()
    syncFromClient()
    readers.value = []
  }

  /** Tries again now (after the operator started the agent). */
  function reconnect(): void {
    if (!client) ensureStarted()
    else client.reconnectNow()
    syncFromClient()
  }

  async function loadServerVersion(): Promise<void> {
    if (serverVersion.value) return
    versionLoading ??= (async () => {
      try {
        serverVersion.value = await call(api.GET('/api/v1/card-agents/version'), { silent: true })
      } catch {
        serverVersion.value = null
      } finally {
        versionLoading = undefined
      }
    })()
    return versionLoading
  }

  /** Looks the agent's device key up among the registered agents (if the user may list them). */
  async function loadRegistration(): Promise<void> {
    const keyId = hello.value?.device_key_id
    if (!keyId || !auth.hasPerm('card_agent:read')) {
      registration.value = undefined
      return
    }
    try {
      const list = await call(api.GET('/api/v1/card-agents'), { silent: true })
      registration.value = list.find((a) => a.key_id === keyId) ?? null
    } catch {
      registration.value = undefined
    }
  }

  /** Registers this agent's device key with the server (card issuers, administrators). */
  async function register(name: string): Promise<RegisteredAgent> {
    const key = hello.value?.device_key
    if (!key) throw new Error('读卡客户端未连接')
    const a = await call(api.POST('/api/v1/card-agents', { body: { name: name.trim(), public_key: key } }))
    registration.value = a
    return a
  }

  async function refreshReaders(): Promise<void> {
    if (!client || client.state !== 'ready') return
    try {
      const res = await client.listReaders()
      pcscAvailable.value = res.pcsc_available
      readers.value = res.readers ?? []
    } catch {
      /* the next event or reconnection brings the state back */
    }
  }

  function need(): AgentClient {
    if (!client) ensureStarted()
    if (!client) throw new AgentError('disconnected', 'not signed in: the card agent is not started')
    return client
  }

  async function beginPairing(): Promise<PairBeginResult> {
    return need().beginPairing()
  }

  async function completePairing(code: string): Promise<void> {
    const c = need()
    await c.completePairing(code)
    syncFromClient()
  }

  async function unpair(): Promise<void> {
    const c = need()
    await c.unpair()
    syncFromClient()
    registration.value = undefined
  }

  function readCard(reader?: string): Promise<ReadCardResult> {
    return need().readCard(reader)
  }

  function issueCard(p: WriteParams): Promise<WriteResult> {
    return need().issueCard(p)
  }

  function syncInspection(p: WriteParams): Promise<WriteResult> {
    return need().syncInspection(p)
  }

  /** Beeps where the reader can; readers without a buzzer (not_supported) and other failures are ignored. */
  async function beep(pattern: BeepPattern = 'ok', reader?: string): Promise<boolean> {
    try {
      await need().beep(pattern, reader)
      return true
    } catch (e) {
      if (!isAgentError(e)) throw e
      return false
    }
  }

  /** Resolves with the card once exactly one card is on the readers; rejects with an AbortError on abort. */
  function waitForCard(signal?: AbortSignal): Promise<PresentCard> {
    return new Promise((resolve, reject) => {
      if (card.value) {
        resolve(card.value)
        return
      }
      const stopWatch = watch(card, (c) => {
        if (c) {
          cleanup()
          resolve(c)
        }
      })
      const onAbort = () => {
        cleanup()
        reject(new DOMException('aborted', 'AbortError'))
      }
      function cleanup() {
        stopWatch()
        signal?.removeEventListener('abort', onAbort)
      }
      if (signal?.aborted) onAbort()
      else signal?.addEventListener('abort', onAbort)
    })
  }

  watch(
    () => auth.signedIn,
    (signedIn) => {
      if (!signedIn) {
        stop()
        serverVersion.value = null
        registration.value = undefined
      }
    },
  )

  return {
    conn,
    hello,
    pairingLabel,
    lastError,
    pcscAvailable,
    readers,
    serverVersion,
    registration,
    url,
    cards,
    card,
    status,
    statusLabel,
    ready,
    versionCheck,
    canWrite,
    writeBlocker,
    ensureStarted,
    autoStart,
    stop,
    reconnect,
    loadServerVersion,
    loadRegistration,
    register,
    refreshReaders,
    beginPairing,
    completePairing,
    unpair,
    readCard,
    issueCard,
    syncInspection,
    beep,
    waitForCard,
  }
})
