// Wire types of the card agent's websocket protocol (docs/card-agent.md, protocol version 1).
// Binary values: UIDs and ATRs are upper-case hex; nonce, secret, response and record are standard
// base64; tickets and receipts are opaque base64url tokens passed on unchanged. Fields the SPA does
// not know are ignored (new optional fields do not bump the protocol).

/** The protocol version this client speaks (`hello.protocol`). */
export const PROTOCOL_VERSION = 1

/** Default address of the agent: always 127.0.0.1 (localhost may resolve to ::1). */
export const DEFAULT_AGENT_URL = 'ws://127.0.0.1:17321/ws'

/** Stable error codes the agent answers with (`error.code`). */
export const AGENT_ERROR_CODES = [
  'bad_request',
  'unknown_type',
  'origin_forbidden',
  'not_paired',
  'pairing_failed',
  'auth_failed',
  'busy',
  'internal',
  'pcsc_unavailable',
  'reader_unavailable',
  'reader_forbidden',
  'no_card',
  'multiple_cards',
  'not_supported',
  'card_removed',
  'card_unsupported',
  'card_error',
  'card_bad_response',
  'card_auth_failed',
  'wrong_card',
  'card_not_blank',
  'record_missing',
  'stale_record',
  'readback_mismatch',
  'ticket_expired',
  'ticket_invalid',
  'ticket_replayed',
  'record_invalid',
  'record_mismatch',
  'record_too_large',
] as const

export type AgentErrorCode = (typeof AGENT_ERROR_CODES)[number]

/** Failures seen by the client itself, not answered by the agent. */
export type ClientErrorCode =
  /** No answer within the request's time limit (the outcome of a write is then unknown). */
  | 'timeout'
  /** The connection closed (or was never open) while the request was pending. */
  | 'disconnected'
  /** The agent speaks another protocol version. */
  | 'protocol_mismatch'

export type ErrorCode = AgentErrorCode | ClientErrorCode | (string & {})

export interface HelloResult {
  agent: string
  version: string
  protocol: number
  /** `release` or `dev` (dev builds accept virtual readers). */
  build: string
  /** Challenge for `authenticate` (base64); every hello makes a new one. */
  nonce: string
  authenticated: boolean
  /** `ed25519:BASE64` / `sm2:BASE64`: what the server registers (POST /api/v1/card-agents). */
  device_key: string
  device_key_id: string
  /** False while no ticket key is configured: the agent then refuses every write. */
  can_write: boolean
}

export interface VersionResult {
  agent: string
  version: string
  protocol: number
  build: string
}

export interface PairBeginResult {
  expires_at: string
  code_length: number
}

export interface PairCompleteResult {
  pairing_id: string
  /** base64 of 32 bytes. */
  secret: string
}

export interface AuthenticateResult {
  authenticated: boolean
  label: string
}

export type CardProfile = 'iso7816' | 'mifare-classic-1k' | (string & {})

/** A card seen on a reader: `error` (an error code) replaces uid/profile when it could not be identified. */
export interface CardInfo {
  atr: string
  uid?: string
  profile?: CardProfile
  error?: ErrorCode
}

export interface ReaderInfo {
  name: string
  card: CardInfo | null
  buzzer: boolean
  virtual: boolean
}

export interface ListReadersResult {
  pcsc_available: boolean
  readers: ReaderInfo[]
}

export interface SlotInfo {
  slot: 'A' | 'B' | (string & {})
  state: 'empty' | 'valid' | 'corrupt' | (string & {})
  seq?: number
}

/** The newest valid record on a card. Dates are YYYY-MM-DD; last_inspection is "" if never inspected. */
export interface RecordView {
  seq: number
  cert_no: string
  name: string
  unit_code: string
  area: string
  category: string
  valid_until: string
  last_inspection: string
  card_uid: string
  sig_alg: string
  key_id: string
}

export interface ReadCardResult {
  reader: string
  atr: string
  uid: string
  profile: CardProfile
  /** `blank`, `valid` or `corrupt` (only damaged slots). */
  state: 'blank' | 'valid' | 'corrupt' | (string & {})
  slots: SlotInfo[]
  record?: RecordView
  /** The record's exact encoding (base64): the server verifies it itself. */
  record_bytes?: string
  /** Against the agent's configured provincial keys; `unchecked` when none is configured. */
  signature?: 'valid' | 'invalid' | 'unchecked' | (string & {})
  /** Whether the record was signed for this chip (false: copied from another card). */
  uid_matches?: boolean
}

export interface WriteParams {
  ticket: string
  /** base64 of the signed chip record, as the server gave it. */
  record: string
  reader?: string
}

export interface WriteResult {
  reader: string
  uid: string
  profile: CardProfile
  slot: string
  seq: number
  /** The device-signed receipt: forward it to the server unchanged. */
  receipt: string
  /** The card already held exactly this record (an earlier answer was lost): nothing was written. */
  already_written: boolean
  elapsed_ms: number
}

export type BeepPattern = 'ok' | 'error'

export type AgentEvent =
  | { type: 'pcsc_status'; data: { available: boolean } }
  | { type: 'reader_attached'; data: { reader: string } }
  | { type: 'reader_removed'; data: { reader: string } }
  | { type: 'card_present'; data: { reader: string; card: CardInfo } }
  | { type: 'card_removed'; data: { reader: string } }

export interface AgentRequest {
  id: string
  type: string
  params?: unknown
}

export interface AgentResponse {
  kind: 'response'
  id: string
  type: string
  ok: boolean
  result?: unknown
  error?: { code: string; message: string }
}

export interface AgentEventMessage {
  kind: 'event'
  type: string
  data: Record<string, unknown>
}
