// One chip write, step by step, for a new card (制证: 放卡 → 核对 → 写卡 → 校验) or an inspection
// (同步年检: 放卡 → 核对 → 同步 → 校验 → 更换有效期标签):
//
//   place      waiting for the card on the reader
//   reading    read_card, local checks, the server's write ticket
//   confirm    the operator compares the server's data (name, number, new date) with the card
//   writing    issue_card / sync_inspection under the ticket (the agent writes and reads back)
//   receipt    the agent's receipt to the server (the certificate counts as written only then)
//   verifying  read_card again: the card holds exactly what the ticket says
//   sticker    inspections: replace the validity sticker, then 已更换 (step 5)
//   done
//   failed     with a Chinese reason and what may be retried
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef, watch } from 'vue'
import { ApiProblem, networkProblem } from '@/api/problem'
import type { ChipWriteResult, WriteTicket } from '@/api/production'
import { useCardAgentStore } from '@/stores/cardAgent'
import { AgentError, isAgentError } from './agentClient'
import { agentErrorText } from './agentErrors'
import type { ChipApi } from './chipApi'
import type { ReadCardResult, WriteResult } from './protocol'

export type ChipStep =
  | 'idle'
  | 'place'
  | 'reading'
  | 'confirm'
  | 'writing'
  | 'receipt'
  | 'verifying'
  | 'sticker'
  | 'done'
  | 'failed'

/** The certificate to write, as the page knows it (from the batch item or the application). */
export interface ChipTarget {
  applicationId: number
  officerId: number
  officerName: string
  certNo: string
  unitName?: string
  /** Inspections: step 4 is already recorded (the row's `chip.synced_at`): only the sticker is left. */
  synced?: boolean
  /** Inspections synced before: the validity date recorded (the row's `chip.next_due_on`), for the sticker. */
  syncedNextDue?: string | null
}

export type FailureStage = 'read' | 'ticket' | 'write' | 'receipt' | 'verify' | 'sticker'

export interface ChipFailure {
  stage: FailureStage
  title: string
  detail: string
  /** The agent's error code or the server's rule. */
  code?: string
  /** `same`: try the step again; `new`: read the card and get a new ticket; `none`: cannot continue here. */
  retry: 'same' | 'new' | 'none'
}

export interface VerifyRow {
  label: string
  expected: string
  actual: string
  ok: boolean
}

/** A ticket this close to its expiry is renewed before writing. */
const TICKET_MARGIN_MS = 20_000

function problemOf(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

function ruleOf(p: ApiProblem): string | undefined {
  return p.errors?.find((x) => x.rule)?.rule
}

/** The card's first letters, for messages: 王小明（37010200000321）. */
function whoOnCard(card: ReadCardResult): string {
  const r = card.record
  return r ? `${r.name}（${r.cert_no}）` : '其他证件'
}

/** Compares what the card holds after the write with what the ticket authorised. */
export function verifyRows(ticket: WriteTicket, card: ReadCardResult): VerifyRow[] {
  const r = card.record
  const row = (label: string, expected: string, actual: string | undefined): VerifyRow => ({
    label,
    expected,
    actual: actual ?? '—',
    ok: actual === expected,
  })
  return [
    row('执法证号', ticket.cert_no, r?.cert_no),
    row('姓名', ticket.officer_name, r?.name),
    row('有效期至', ticket.valid_until, r?.valid_until),
    row('年审日期', ticket.last_inspection, r?.last_inspection),
    row('记录序号', String(ticket.seq), r ? String(r.seq) : undefined),
    row('芯片 UID', ticket.card_uid, r?.card_uid),
    {
      label: '签名',
      expected: '有效',
      actual: card.signature === 'valid' ? '有效' : card.signature === 'unchecked' ? '未校验' : card.signature === 'invalid' ? '无效' : '—',
      ok: card.signature === 'valid' || card.signature === 'unchecked',
    },
    {
      label: '卡片绑定',
      expected: '本卡',
      actual: card.uid_matches === false ? '不是本卡（疑似复制）' : '本卡',
      ok: card.uid_matches !== false,
    },
  ]
}

export function useChipWrite(chipApi: ChipApi) {
  const agent = useCardAgentStore()

  const step = ref<ChipStep>('idle')
  const target = shallowRef<ChipTarget | null>(null)
  const card = shallowRef<ReadCardResult | null>(null)
  const ticket = shallowRef<WriteTicket | null>(null)
  const written = shallowRef<WriteResult | null>(null)
  const result = shallowRef<ChipWriteResult | null>(null)
  const verify = shallowRef<VerifyRow[] | null>(null)
  const failure = shallowRef<ChipFailure | null>(null)
  /** Set when the server had already confirmed this write (a repeated receipt, a sync done before). */
  const notice = ref('')
  const stickerDone = shallowRef<ChipWriteResult | null>(null)

  let waiting: AbortController | undefined
  /** Bumped by start/stop: answers of an abandoned run are ignored. */
  let run = 0

  const busy = computed(() => ['reading', 'writing', 'receipt', 'verifying'].includes(step.value))
  const isSync = chipApi.purpose === 'sync'

  function fail(f: ChipFailure, beep = true): void {
    failure.value = f
    step.value = 'failed'
    if (beep && agent.card) void agent.beep('error')
  }

  function agentFailure(stage: FailureStage, e: unknown): ChipFailure {
    if (e instanceof AgentError) {
      const t = agentErrorText(e.code)
      return { stage, title: t.title, detail: t.hint, code: e.code, retry: t.retry }
    }
    return { stage, title: '操作失败', detail: e instanceof Error ? e.message : String(e), retry: 'same' }
  }

  function serverFailure(stage: FailureStage, e: unknown): ChipFailure {
    const p = problemOf(e)
    const rule = ruleOf(p)
    const title = stage === 'ticket' ? '服务器未签发写卡凭据' : stage === 'receipt' ? '服务器未接受写卡回执' : '操作未完成'
    let retry: ChipFailure['retry'] = p.status === 0 || p.status >= 500 ? 'same' : 'none'
    switch (rule) {
      case 'wrong_card':
      case 'card_in_use':
      case 'card_not_blank':
      case 'record_invalid':
      case 'ticket_expired':
      case 'readback_mismatch':
        retry = 'new'
        break
      case 'agent_not_registered':
        // Registered meanwhile (读卡器 dialog): read the card and ask again.
        retry = 'new'
        break
      case 'agent_disabled':
        // Enabled again meanwhile (读卡设备): the same receipt counts; a ticket is asked for anew.
        retry = stage === 'receipt' ? 'same' : 'new'
        break
      case 'stale':
      case 'state':
        retry = 'none'
        break
    }
    if (stage === 'receipt' && (p.status === 0 || p.status >= 500)) retry = 'same'
    return { stage, title, detail: p.summary, code: rule ?? p.code, retry }
  }

  function reset(): void {
    card.value = null
    ticket.value = null
    written.value = null
    result.value = null
    verify.value = null
    failure.value = null
    notice.value = ''
    stickerDone.value = null
  }

  /** Opens the write for a certificate: waits for the card (or, for a synced inspection, the sticker). */
  async function start(t: ChipTarget): Promise<void> {
    stop()
    const my = ++run
    target.value = t
    reset()
    if (isSync && t.synced) {
      // The server said so with the row; no card is needed for step 5.
      notice.value = '芯片已同步（第四步已完成），请更换有效期标签'
      step.value = 'sticker'
      return
    }
    agent.ensureStarted()
    void awaitCard(my)
  }

  /** Abandons the run (dialog closed). */
  function stop(): void {
    run++
    waiting?.abort()
    waiting = undefined
    step.value = 'idle'
  }

  async function awaitCard(my: number): Promise<void> {
    step.value = 'place'
    waiting?.abort()
    const ctl = new AbortController()
    waiting = ctl
    try {
      await agent.waitForCard(ctl.signal)
    } catch {
      return
    }
    if (my !== run || ctl.signal.aborted) return
    await prepare(my)
  }

  /** Reads the card, checks it, and gets the server's ticket for it. */
  async function prepare(my = run): Promise<void> {
    const t = target.value
    if (!t) return
    step.value = 'reading'
    failure.value = null
    ticket.value = null
    let c: ReadCardResult
    try {
      c = await agent.readCard(agent.card?.reader)
    } catch (e) {
      if (my !== run) return
      if (isAgentError(e, 'no_card')) {
        void awaitCard(my)
        return
      }
      fail(agentFailure('read', e))
      return
    }
    if (my !== run) return
    card.value = c
    const local = checkCard(t, c)
    if (local) {
      fail(local)
      return
    }
    const hello = agent.hello
    try {
      ticket.value = await chipApi.ticket(t.applicationId, {
        card_uid: c.uid,
        device_key_id: hello?.device_key_id ?? '',
        ...(c.record_bytes ? { card_record: c.record_bytes } : {}),
      })
    } catch (e) {
      if (my !== run) return
      const p = problemOf(e)
      if (isSync && p.status === 409 && ruleOf(p) === 'synced') {
        notice.value = p.detail
        step.value = 'sticker'
        return
      }
      fail(serverFailure('ticket', e))
      return
    }
    if (my !== run) return
    step.value = 'confirm'
  }

  /** What the card itself shows to be wrong, before asking the server. */
  function checkCard(t: ChipTarget, c: ReadCardResult): ChipFailure | null {
    if (isSync) {
      if (c.state !== 'valid' || !c.record) {
        const x = agentErrorText('record_missing')
        return { stage: 'read', title: x.title, detail: x.hint, code: 'record_missing', retry: 'new' }
      }
      if (c.record.cert_no !== t.certNo) {
        return {
          stage: 'read',
          title: '读卡器上的卡片不是该证件的卡片',
          detail: `卡内是 ${whoOnCard(c)} 的记录，不是 ${t.officerName}（${t.certNo}）：请放上正确的卡片`,
          code: 'wrong_card',
          retry: 'new',
        }
      }
    } else if (c.state === 'valid' && c.record && c.record.cert_no !== t.certNo) {
      return {
        stage: 'read',
        title: '该卡片已写有其他证件的记录',
        detail: `卡内是 ${whoOnCard(c)} 的记录：请换一张新卡片`,
        code: 'card_not_blank',
        retry: 'new',
      }
    }
    if (c.uid_matches === false) {
      return {
        stage: 'read',
        title: '卡内记录不属于这张卡片（疑似复制卡）',
        detail: '请核实卡片来源，并换用该证件的原卡片',
        code: 'uid_mismatch',
        retry: 'new',
      }
    }
    return null
  }

  /** Writes under the ticket (renewed first if about to expire), then sends the receipt and verifies. */
  async function write(): Promise<void> {
    const my = run
    const t = target.value
    let tk = ticket.value
    const c = card.value
    if (!t || !tk || !c) return
    failure.value = null
    step.value = 'writing'
    if (Date.parse(tk.expires_at) - Date.now() < TICKET_MARGIN_MS) {
      try {
        tk = ticket.value = await chipApi.ticket(t.applicationId, {
          card_uid: c.uid,
          device_key_id: agent.hello?.device_key_id ?? '',
          ...(c.record_bytes ? { card_record: c.record_bytes } : {}),
        })
      } catch (e) {
        if (my === run) fail(serverFailure('ticket', e))
        return
      }
    }
    let w: WriteResult
    try {
      const params = { ticket: tk.ticket, record: tk.record, reader: c.reader }
      w = isSync ? await agent.syncInspection(params) : await agent.issueCard(params)
    } catch (e) {
      if (my !== run) return
      fail(agentFailure('write', e))
      return
    }
    if (my !== run) return
    written.value = w
    await sendReceipt(my)
  }

  async function sendReceipt(my = run): Promise<void> {
    const t = target.value
    const w = written.value
    if (!t || !w) return
    step.value = 'receipt'
    failure.value = null
    try {
      result.value = await chipApi.receipt(t.applicationId, w.receipt)
    } catch (e) {
      if (my !== run) return
      const p = problemOf(e)
      if (p.status === 409 && ruleOf(p) === 'replayed') {
        // Confirmed before (the first answer was lost): nothing more to do on the server.
        notice.value = '服务器已确认过该回执（重复提交）'
      } else {
        fail(serverFailure('receipt', e))
        return
      }
    }
    if (my !== run) return
    void agent.beep('ok', w.reader)
    await verifyCard(my)
  }

  /** Reads the card back and compares it with the ticket. */
  async function verifyCard(my = run): Promise<void> {
    const tk = ticket.value
    if (!tk) return
    step.value = 'verifying'
    failure.value = null
    let c: ReadCardResult
    try {
      c = await agent.readCard(written.value?.reader ?? card.value?.reader)
    } catch (e) {
      if (my !== run) return
      fail(agentFailure('verify', e), false)
      return
    }
    if (my !== run) return
    card.value = c
    const rows = verifyRows(tk, c)
    verify.value = rows
    if (rows.some((r) => !r.ok)) {
      fail({
        stage: 'verify',
        title: '回读校验不一致',
        detail: '卡内记录与服务器签发的记录不一致：请重新读卡核对；如反复出现，请更换卡片',
        code: 'verify_mismatch',
        retry: 'same',
      })
      return
    }
    step.value = isSync ? 'sticker' : 'done'
  }

  /** Step 5 of an inspection: the operator replaced the validity sticker. */
  async function confirmSticker(): Promise<void> {
    const t = target.value
    if (!t || !chipApi.sticker) return
    const my = run
    failure.value = null
    try {
      stickerDone.value = await chipApi.sticker(t.applicationId)
    } catch (e) {
      if (my !== run) return
      const p = problemOf(e)
      if (p.status === 409 && /已确认更换|已完成/.test(p.detail)) {
        notice.value = p.detail
      } else {
        fail(serverFailure('sticker', e), false)
        return
      }
    }
    if (my !== run) return
    step.value = 'done'
  }

  /** Retries what failed: the same step, or from reading the card with a new ticket. */
  async function retry(): Promise<void> {
    const f = failure.value
    if (!f) return
    const my = run
    if (f.stage === 'sticker') {
      step.value = 'sticker'
      failure.value = null
      return
    }
    if (f.stage === 'receipt' && f.retry === 'same') return sendReceipt(my)
    if (f.stage === 'verify') return verifyCard(my)
    if (f.stage === 'write' && f.retry === 'same') {
      if (!agent.card) {
        // Put the card back first (card_removed), then write with the same ticket.
        step.value = 'place'
        try {
          await agent.waitForCard((waiting = new AbortController()).signal)
        } catch {
          return
        }
        if (my !== run) return
      }
      return write()
    }
    // Read the card again (another card, or a new ticket).
    failure.value = null
    if (agent.card) return prepare(my)
    return awaitCard(my)
  }

  // A card taken off while the operator compares: start over when one is put back.
  watch(
    () => agent.card?.uid,
    (uid, old) => {
      if (uid === old) return
      if (step.value === 'confirm' && uid !== card.value?.uid) {
        ticket.value = null
        void awaitCard(run)
      } else if (step.value === 'failed' && uid && (failure.value?.retry === 'new' || failure.value?.stage === 'read')) {
        // Another card was put on after a wrong (or unreadable) one: try it.
        failure.value = null
        void prepare(run)
      }
    },
  )

  if (getCurrentScope()) onScopeDispose(stop)

  return {
    step,
    target,
    card,
    ticket,
    written,
    result,
    verify,
    failure,
    notice,
    stickerDone,
    busy,
    start,
    stop,
    prepare,
    write,
    retry,
    confirmSticker,
  }
}

export type ChipWrite = ReturnType<typeof useChipWrite>
