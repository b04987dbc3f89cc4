// The real card stack for the browser tests of the card screens (card.spec.ts): pcscd with the
// vsmartcard-vpcd virtual reader (scripts/pcsc-env.sh), the real card agent binary built from
// ./cardagent/cmd/lecms-cardagent, virtual cards (./cardagent/cmd/lecms-vcard, and the test helper
// ./cardagent/e2e/legacycard for a card written before), and an LECMS server of its own on a
// distinct port whose provincial record key the test knows (LECMS_CARD_RECORD_KEY), so that a
// legacy card can hold a record the server accepts.
//
// Needs root (pcscd), the Debian packages pcscd, libpcsclite-dev and vsmartcard-vpcd, Go and gcc.
// Without them the suite skips with a loud message; LECMS_REQUIRE_PCSC=1 makes that a failure.
// Knobs: LECMS_E2E_CARD_ADDR (server, default 127.0.0.1:18380), LECMS_E2E_AGENT_PORT (default 17391),
// LECMS_E2E_KEEP=1 keeps the work directory (agent config and log, pcscd log, server data).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '../..')
const frontendDir = resolve(here, '..')

export const CARD_ADDR = process.env.LECMS_E2E_CARD_ADDR ?? '127.0.0.1:18380'
export const CARD_BASE_URL = `http://${CARD_ADDR}`
export const AGENT_PORT = Number(process.env.LECMS_E2E_AGENT_PORT ?? 17391)
export const AGENT_URL = `ws://127.0.0.1:${AGENT_PORT}/ws`
/** The reader vpcd's first slot appears as. */
export const VIRTUAL_READER = 'Virtual PCD 00 00'

const PCSCD_CANDIDATES = ['/usr/sbin/pcscd', '/usr/bin/pcscd']
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so'
const PCSC_HEADER = '/usr/include/PCSC/winscard.h'

function which(cmd: string, extra: string[] = []): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...extra]) {
    if (!dir) continue
    const p = join(dir, cmd)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      /* next */
    }
  }
  return undefined
}

const goBin = () => which('go', ['/usr/local/go/bin', '/usr/lib/go/bin'])

/** What is missing for the real card stack ('' when nothing). */
export function missingEnvironment(): string {
  const missing: string[] = []
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root (pcscd writes /run/pcscd)')
  if (!PCSCD_CANDIDATES.some((p) => existsSync(p)) && !which('pcscd')) missing.push('pcscd (apt-get install pcscd)')
  if (!existsSync(VPCD_DRIVER)) missing.push('vsmartcard-vpcd (apt-get install vsmartcard-vpcd)')
  if (!existsSync(PCSC_HEADER)) missing.push('libpcsclite-dev (apt-get install libpcsclite-dev)')
  if (!goBin()) missing.push('the go tool')
  if (!which('gcc') && !which('cc')) missing.push('gcc (cgo)')
  return missing.join(', ')
}

/** The box printed when the suite skips, so that a skip is never mistaken for a pass. */
export function skipBanner(missing: string): string {
  return [
    '',
    '********************************************************************',
    '* SKIPPED: card screens end-to-end (real card agent + pcscd + vpcd)',
    `* missing: ${missing}`,
    '* as root: apt-get install -y pcscd libpcsclite-dev vsmartcard-vpcd',
    '* set LECMS_REQUIRE_PCSC=1 to turn this skip into a failure',
    '********************************************************************',
    '',
  ].join('\n')
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

async function waitUntil(what: string, ms: number, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await ok()) return
    await sleep(100)
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`)
}

/** A child process with its output kept (for failure messages) and a clean stop. */
export class Proc {
  readonly name: string
  readonly child: ChildProcess
  private out = ''
  private readonly exited: Promise<number | null>
  private lineListeners = new Set<(line: string) => void>()
  private partial = ''
  exitCode: number | null | undefined

  constructor(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.name = name
    this.child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const onData = (b: Buffer) => {
      const s = b.toString('utf8')
      this.out += s
      if (this.out.length > 200_000) this.out = this.out.slice(-100_000)
      this.partial += s
      const lines = this.partial.split('\n')
      this.partial = lines.pop() ?? ''
      for (const l of lines) for (const fn of [...this.lineListeners]) fn(l)
    }
    this.child.stdout?.on('data', onData)
    this.child.stderr?.on('data', onData)
    this.exited = new Promise((res) => {
      this.child.on('exit', (code) => {
        this.exitCode = code
        res(code)
      })
      this.child.on('error', (err) => {
        this.out += `\n[spawn error] ${err.message}\n`
        this.exitCode = -1
        res(-1)
      })
    })
  }

  get output(): string {
    return this.out
  }

  get running(): boolean {
    return this.exitCode === undefined
  }

  onLine(fn: (line: string) => void): () => void {
    this.lineListeners.add(fn)
    return () => void this.lineListeners.delete(fn)
  }

  /** Resolves with the first output line matching `re` (also among lines already printed). */
  waitForLine(re: RegExp, ms: number): Promise<RegExpExecArray> {
    const seen = re.exec(this.out)
    if (seen) return Promise.resolve(seen)
    return new Promise((res, rej) => {
      const timer = setTimeout(() => {
        off()
        rej(new Error(`${this.name}: no line matching ${re} within ${ms} ms; output:\n${this.out.slice(-4000)}`))
      }, ms)
      const off = this.onLine((l) => {
        const m = re.exec(l)
        if (m) {
          clearTimeout(timer)
          off()
          res(m)
        }
      })
      void this.exited.then(() => {
        if (!this.running) {
          clearTimeout(timer)
          off()
          rej(new Error(`${this.name} exited (${this.exitCode}) before printing ${re}; output:\n${this.out.slice(-4000)}`))
        }
      })
    })
  }

  /** SIGTERM, then SIGKILL after `graceMs`; waits for the exit. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const t = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL')
    }, graceMs)
    await this.exited
    clearTimeout(t)
  }
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? repoRoot, env: opts.env ?? process.env, encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`)
  }
  return r.stdout
}

/** A new provincial record key in the server's text form (ed25519-private:BASE64 of the 32-byte seed). */
function newRecordKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwk = privateKey.export({ format: 'jwk' }) as { d?: string }
  return `ed25519-private:${Buffer.from(jwk.d!, 'base64url').toString('base64')}`
}

export interface LegacyRecord {
  uid: string
  certNo: string
  name: string
  unitCode: string
  area: string
  category: string
  validUntil: string
  lastInspection: string
}

/** A virtual card in the reader (a running emulator process); remove() takes it off. */
export class VirtualCard {
  constructor(
    readonly uid: string,
    private readonly proc: Proc,
  ) {}

  get output(): string {
    return this.proc.output
  }

  async remove(): Promise<void> {
    await this.proc.stop()
  }
}

export class CardStack {
  readonly workDir: string
  readonly recordKey = newRecordKey()
  private server: Proc | undefined
  private agent: Proc | undefined
  private cards = new Set<VirtualCard>()
  private pcscdStartedHere = false
  private bins = { agent: '', vcard: '', legacy: '' }
  /** The agent's device key (`ed25519:…`), as -print-device-key prints it. */
  deviceKey = ''
  private codes: string[] = []
  private codeWaiters: ((c: string) => void)[] = []

  private constructor() {
    this.workDir = mkdtempSync(join(tmpdir(), 'lecms-card-e2e-'))
  }

  static create(): CardStack {
    return new CardStack()
  }

  /** pcscd (unless one is running), the binaries and the LECMS server; the agent comes later (it needs the server's keys). */
  async startBase(): Promise<void> {
    const script = join(repoRoot, 'scripts', 'pcsc-env.sh')
    const env = { ...process.env, PCSC_LOG: join(this.workDir, 'pcscd.log') }
    const status = spawnSync('bash', [script, 'status'], { env, encoding: 'utf8' })
    if (status.status !== 0) {
      run('bash', [script, 'start'], { env })
      this.pcscdStartedHere = true
    }
    // The server first (its first start seeds the demo data) while the binaries build.
    this.startServer()
    this.build()
    await waitUntil('the LECMS server at ' + CARD_BASE_URL, 120_000, async () => {
      if (this.server && !this.server.running) {
        throw new Error(`the LECMS server exited (${this.server.exitCode}):\n${this.server.output.slice(-4000)}`)
      }
      try {
        return (await fetch(`${CARD_BASE_URL}/readyz`)).ok
      } catch {
        return false
      }
    })
  }

  private startServer(): void {
    const bin = process.env.LECMS_BIN ?? resolve(repoRoot, 'bin/lecms')
    if (!existsSync(bin)) throw new Error(`${bin} missing: run \`make build\` at the repository root`)
    this.server = new Proc('lecms serve', bin, ['serve'], {
      cwd: frontendDir,
      env: {
        ...process.env,
        LECMS_ENV: 'development',
        LECMS_ADDR: CARD_ADDR,
        LECMS_DATABASE_URL: '',
        LECMS_DATA_DIR: join(this.workDir, 'server-data'),
        LECMS_SPA_DIR: resolve(frontendDir, 'dist'),
        LECMS_LOG_FORMAT: 'text',
        LECMS_LOG_LEVEL: 'warn',
        LECMS_CARD_RECORD_KEY: this.recordKey,
      },
    })
  }

  private build(): void {
    const go = goBin()!
    const out = join(this.workDir, 'bin')
    const env = { ...process.env, CGO_ENABLED: '1' }
    this.bins.agent = join(out, 'lecms-cardagent')
    this.bins.vcard = join(out, 'lecms-vcard')
    this.bins.legacy = join(out, 'legacycard')
    // The agent as a release would be versioned (the server expects 1.0.0 by default), but a dev
    // build: release builds refuse the virtual reader.
    const version = process.env.LECMS_E2E_AGENT_VERSION ?? '1.0.0'
    run(go, ['build', '-o', this.bins.agent, '-ldflags', `-X github.com/lecms/lecms/cardagent/buildinfo.version=${version}`, './cardagent/cmd/lecms-cardagent'], { env })
    run(go, ['build', '-o', this.bins.vcard, './cardagent/cmd/lecms-vcard'], { env })
    run(go, ['build', '-o', this.bins.legacy, './cardagent/e2e/legacycard'], { env })
  }

  /**
   * Configures and starts the agent: the e2e server's origin on the allow-list, the server's
   * public keys (GET /api/v1/card-agents/server-keys), a buzzer on the virtual reader. Returns the
   * device key to register.
   */
  async startAgent(keys: { ticket_keys: string[]; record_keys: string[] }): Promise<string> {
    const dir = join(this.workDir, 'agent')
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify(
        {
          port: AGENT_PORT,
          allowed_origins: [CARD_BASE_URL],
          ticket_keys: keys.ticket_keys,
          record_keys: keys.record_keys,
          buzzer_readers: ['Virtual PCD'],
          log_file: join(dir, 'agent.log'),
        },
        null,
        2,
      ),
      { mode: 0o600 },
    )
    // The device key is made on first use; read it the way an administrator registering the agent would.
    this.deviceKey = run(this.bins.agent, ['-config-dir', dir, '-print-device-key']).split('\n')[0]!.trim()
    const agent = new Proc('lecms-cardagent', this.bins.agent, ['-config-dir', dir])
    this.agent = agent
    agent.onLine((l) => {
      const m = /PAIRING CODE (\d{6})/.exec(l)
      if (!m) return
      const w = this.codeWaiters.shift()
      if (w) w(m[1]!)
      else this.codes.push(m[1]!)
    })
    await agent.waitForLine(/card agent listening/, 15_000)
    return this.deviceKey
  }

  /** The next pairing code the agent prints (for the operator's eyes only). */
  nextPairingCode(ms = 10_000): Promise<string> {
    const c = this.codes.shift()
    if (c) return Promise.resolve(c)
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`the agent printed no pairing code within ${ms} ms:\n${this.agentLog()}`)), ms)
      this.codeWaiters.push((code) => {
        clearTimeout(t)
        res(code)
      })
    })
  }

  agentLog(): string {
    return this.agent?.output.slice(-6000) ?? ''
  }

  /**
   * A blank card (MIFARE Classic 1K on an ACR122U-like reader, or an ISO CPU card) in the reader.
   * `pullAfterUpdates`: the card leaves the reader by itself at that write command (+1), mid-write.
   */
  async insertCard(profile: 'mifare' | 'iso', uid = randomUid(profile), opts: { pullAfterUpdates?: number } = {}): Promise<VirtualCard> {
    const args = ['-profile', profile, '-uid', uid]
    if (opts.pullAfterUpdates !== undefined) args.push('-pull-after-updates', String(opts.pullAfterUpdates))
    const p = new Proc(`lecms-vcard ${uid}`, this.bins.vcard, args)
    await p.waitForLine(/card inserted/, 10_000)
    const card = new VirtualCard(uid, p)
    this.cards.add(card)
    return card
  }

  /** A card written before this system (demo officers' cards): holds a record signed with the record key. */
  async insertLegacyCard(r: LegacyRecord): Promise<VirtualCard> {
    const args = ['-uid', r.uid, '-cert-no', r.certNo, '-name', r.name, '-unit-code', r.unitCode, '-area', r.area,
      '-category', r.category, '-valid-until', r.validUntil, '-last-inspection', r.lastInspection]
    const p = new Proc(`legacycard ${r.uid}`, this.bins.legacy, args, {
      env: { ...process.env, LECMS_CARD_RECORD_KEY: this.recordKey },
    })
    await p.waitForLine(/legacy card inserted/, 10_000)
    const card = new VirtualCard(r.uid, p)
    this.cards.add(card)
    return card
  }

  async stop(): Promise<void> {
    for (const c of this.cards) await c.remove().catch(() => undefined)
    this.cards.clear()
    await this.agent?.stop().catch(() => undefined)
    await this.server?.stop(10_000).catch(() => undefined)
    if (this.pcscdStartedHere) {
      spawnSync('bash', [join(repoRoot, 'scripts', 'pcsc-env.sh'), 'stop'], { encoding: 'utf8' })
    }
    if (process.env.LECMS_E2E_KEEP) {
      console.log(`card e2e work directory kept: ${this.workDir}`)
    } else {
      rmSync(this.workDir, { recursive: true, force: true })
    }
  }

  /** The agent's log file (config log_file), for failure messages. */
  agentLogFile(): string {
    try {
      return readFileSync(join(this.workDir, 'agent', 'agent.log'), 'utf8').slice(-6000)
    } catch {
      return ''
    }
  }
}

/** A random UID: 4 bytes for MIFARE Classic, 7 for ISO 14443-4 cards. */
export function randomUid(profile: 'mifare' | 'iso'): string {
  return randomBytes(profile === 'mifare' ? 4 : 7).toString('hex').toUpperCase()
}
