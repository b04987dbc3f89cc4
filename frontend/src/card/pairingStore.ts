// Where this browser keeps its pairings with card agents, one per agent (by device key id).
//
// The pairing secret is kept only as a non-extractable WebCrypto HMAC-SHA256 key: it is imported
// the moment `pair_complete` returns it, and the CryptoKey (not the bytes) is stored in IndexedDB,
// which can hold CryptoKeys as they are. Page script can then use the key to answer the agent's
// challenge, but nothing — not this code, not an injected script, not a browser extension reading
// the page's storage through script — can read the secret back out (`exportKey` is refused), and it
// is never in localStorage. The bytes are dropped as soon as the key is made.
//
// Pairings made by earlier versions were kept in localStorage (`lecms.cardAgent.pairing.<id>`,
// secret in base64): they are moved into IndexedDB on first use and removed from localStorage.
import { base64ToBytes } from './base64'

/** A stored pairing: the pairing id and the key that answers the agent's challenge. */
export interface StoredPairing {
  pairing_id: string
  /** HMAC-SHA256 key made from the secret, extractable: false, usages ['sign']. */
  key: CryptoKey
  label: string
  paired_at: string
}

/** What `pair_complete` returned, before it is stored. */
export interface NewPairing {
  pairing_id: string
  /** base64 of the 32-byte secret. */
  secret: string
  label: string
  paired_at: string
}

/** Where pairings are kept, per agent (device key id). */
export interface PairingStore {
  get(agentKeyId: string): Promise<StoredPairing | undefined>
  /** Stores a new pairing, its secret turned into a non-extractable key. */
  save(agentKeyId: string, p: NewPairing): Promise<StoredPairing>
  remove(agentKeyId: string): Promise<void>
  /** Whether this browser is paired with any agent (then it connects on its own at start). */
  any(): Promise<boolean>
}

/** The raw records: IndexedDB in the browser, a Map in unit tests. */
export interface PairingBackend {
  get(id: string): Promise<StoredPairing | undefined>
  put(id: string, p: StoredPairing): Promise<void>
  delete(id: string): Promise<void>
  count(): Promise<number>
}

/** localStorage prefix of the pairings of earlier versions (migrated, then removed). */
export const LEGACY_PAIRING_PREFIX = 'lecms.cardAgent.pairing.'

export const PAIRING_DB = 'lecms-card-agent'
const PAIRING_STORE = 'pairings'

/** Turns a pairing secret into the non-extractable HMAC key the challenge is answered with. */
export function importPairingKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

function isStoredPairing(v: unknown): v is StoredPairing {
  const p = v as Partial<StoredPairing> | undefined
  return !!p && typeof p.pairing_id === 'string' && typeof p.key === 'object' && p.key !== null
}

/** Pairings in an IndexedDB database of their own (object store `pairings`, keyed by device key id). */
export function indexedDbBackend(factory: IDBFactory = globalThis.indexedDB, name = PAIRING_DB): PairingBackend {
  let opening: Promise<IDBDatabase> | undefined
  function db(): Promise<IDBDatabase> {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name, 1)
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(PAIRING_STORE)) req.result.createObjectStore(PAIRING_STORE)
      }
      req.onsuccess = () => {
        const d = req.result
        // Another tab upgrading the database: let it, and reopen on next use.
        d.onversionchange = () => {
          d.close()
          opening = undefined
        }
        resolve(d)
      }
      req.onerror = () => {
        opening = undefined
        reject(req.error ?? new Error('IndexedDB open failed'))
      }
      req.onblocked = () => {
        opening = undefined
        reject(new Error('IndexedDB open blocked'))
      }
    })
    return opening
  }
  async function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const d = await db()
    return new Promise<T>((resolve, reject) => {
      const tx = d.transaction(PAIRING_STORE, mode)
      const req = op(tx.objectStore(PAIRING_STORE))
      tx.oncomplete = () => resolve(req.result)
      tx.onerror = () => reject(tx.error ?? req.error ?? new Error('IndexedDB request failed'))
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'))
    })
  }
  return {
    async get(id) {
      const v = await run('readonly', (s) => s.get(id))
      return isStoredPairing(v) ? v : undefined
    },
    async put(id, p) {
      await run('readwrite', (s) => s.put(p, id))
    },
    async delete(id) {
      await run('readwrite', (s) => s.delete(id))
    },
    count: () => run('readonly', (s) => s.count()),
  }
}

/** Pairings in memory (unit tests; browsers without IndexedDB, where pairing lasts one page). */
export function memoryBackend(): PairingBackend & { records: Map<string, StoredPairing> } {
  const records = new Map<string, StoredPairing>()
  return {
    records,
    get: async (id) => records.get(id),
    put: async (id, p) => void records.set(id, p),
    delete: async (id) => void records.delete(id),
    count: async () => records.size,
  }
}

/**
 * The pairing store over a backend; `legacy` (localStorage) is read once per agent to move a
 * pairing of an earlier version into the backend as a key.
 */
export function keyPairings(backend: PairingBackend, legacy: Storage | undefined = undefined): PairingStore {
  const legacyKey = (id: string) => LEGACY_PAIRING_PREFIX + id

  async function migrate(id: string): Promise<StoredPairing | undefined> {
    let raw: string | null = null
    try {
      raw = legacy?.getItem(legacyKey(id)) ?? null
    } catch {
      return undefined
    }
    if (!raw) return undefined
    try {
      const p = JSON.parse(raw) as Partial<NewPairing>
      if (typeof p.pairing_id !== 'string' || typeof p.secret !== 'string') return undefined
      return await save(id, { pairing_id: p.pairing_id, secret: p.secret, label: p.label ?? '', paired_at: p.paired_at ?? '' })
    } catch {
      return undefined
    } finally {
      legacy?.removeItem(legacyKey(id))
    }
  }

  async function save(id: string, p: NewPairing): Promise<StoredPairing> {
    const secret = base64ToBytes(p.secret)
    const key = await importPairingKey(secret)
    secret.fill(0)
    const stored: StoredPairing = { pairing_id: p.pairing_id, key, label: p.label, paired_at: p.paired_at }
    await backend.put(id, stored)
    return stored
  }

  function legacyAny(): boolean {
    if (!legacy) return false
    try {
      for (let i = 0; i < legacy.length; i++) {
        if (legacy.key(i)?.startsWith(LEGACY_PAIRING_PREFIX)) return true
      }
    } catch {
      /* storage unavailable */
    }
    return false
  }

  return {
    async get(id) {
      return (await backend.get(id)) ?? (await migrate(id))
    },
    save,
    async remove(id) {
      legacy?.removeItem(legacyKey(id))
      await backend.delete(id)
    },
    async any() {
      if (legacyAny()) return true
      try {
        return (await backend.count()) > 0
      } catch {
        return false
      }
    },
  }
}

/** This browser's pairings: IndexedDB when the browser has it, else memory (lost with the page). */
export function browserPairings(): PairingStore {
  let legacy: Storage | undefined
  try {
    legacy = globalThis.localStorage
  } catch {
    legacy = undefined
  }
  const backend = globalThis.indexedDB ? indexedDbBackend() : memoryBackend()
  return keyPairings(backend, legacy)
}
