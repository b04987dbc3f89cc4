// The card screens through the REAL card stack: the browser talks to the real card agent binary
// (websocket on 127.0.0.1), which talks through a real pcscd and vsmartcard-vpcd to Go virtual
// cards; the server is a real LECMS server of its own (cardStack.ts). The browser:
//   1. pairs with the agent (the six-digit code the agent prints; a wrong code first),
//   2. issues a card: a new-card application (applied and approved through the API), 报省制证 by
//      济南市司法局, 制证批次 from the city's queue, 写卡 on a blank MIFARE card, 校验, 发证 → the
//      officer's certificate is 有效,
//   3. syncs an inspection: a due-soon officer's inspection approved through the API; a blank card
//      first (refused in Chinese), then the officer's card (written before: it holds a record signed
//      with the provincial key) → 请更换有效期标签 → 已更换 → completed, valid until the previous
//      due date + 2 years,
//   4. 读卡设备: the agent is disabled (reason required) while a card is being written: the server
//      refuses its receipt in Chinese; enabled again, the same receipt is accepted,
//   5. 手工同步: an approved inspection recorded by hand with a reason (audited), then the sticker.
// The pairing secret is checked to live in IndexedDB as a non-extractable key, not in localStorage.
// Without root, pcscd, vpcd, Go or gcc the suite skips loudly; LECMS_REQUIRE_PCSC=1 fails instead.
// The tests run one after another in one browser context (serial): pcscd is one per machine.
import { resolve } from 'node:path'
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { AGENT_URL, CARD_BASE_URL, CardStack, VIRTUAL_READER, missingEnvironment, skipBanner } from './cardStack'
import { DEMO_PASSWORD, login, logBrowserErrors, screenshotDir } from './helpers'

test.describe.configure({ mode: 'serial' })
test.use({ baseURL: CARD_BASE_URL })

const ISSUER = 'card_issuer'
const OPERATOR = 'lixia_operator'
const UNIT_REVIEWER = 'lixia_unit_reviewer'
const LEGAL_REVIEWER = 'lixia_reviewer'
const CITY_REVIEWER = 'jinan_reviewer'
const AGENT_NAME = 'e2e 制证机'

interface Officer {
  id: number
  code: string
  name: string
  unit_id: number
  unit_name: string
  area: string
  category: string
  has_photo: boolean
  staffing: string
  cert_state: string
  cert_no: string | null
  due_state: string
  last_inspected_on: string | null
  next_due_on: string | null
}

interface Application {
  id: number
  kind: string
  state: string
  officer_id: number
  cert_no: string | null
  round_due_on: string | null
  chip: { uid: string; written_at: string | null; synced_at: string | null; sync_method: string; next_due_on: string | null }
}

interface Problem {
  status: number
  detail: string
  errors?: { field: string; rule: string; message: string }[]
}

let stack: CardStack | undefined
let api: APIRequestContext
let page: Page
/** The agent's device key id, as registered. */
let deviceKeyId = ''
const tokens = new Map<string, string>()

async function tokenOf(user: string): Promise<string> {
  let t = tokens.get(user)
  if (!t) {
    const res = await api.post('/api/v1/auth/login', { data: { username: user, password: DEMO_PASSWORD } })
    expect(res.status(), `API login as ${user}: ${await res.text()}`).toBe(200)
    t = ((await res.json()) as { access_token: string }).access_token
    tokens.set(user, t)
  }
  return t
}

async function get<T>(user: string, path: string): Promise<T> {
  const res = await api.get(path, { headers: { Authorization: `Bearer ${await tokenOf(user)}` } })
  expect(res.ok(), `GET ${path} as ${user}: ${res.status()} ${await res.text()}`).toBe(true)
  return (await res.json()) as T
}

async function post<T>(user: string, path: string, data: unknown, status: number): Promise<T> {
  const res = await api.post(path, { data, headers: { Authorization: `Bearer ${await tokenOf(user)}` } })
  expect(res.status(), `POST ${path} as ${user}: ${await res.text()}`).toBe(status)
  return (await res.json()) as T
}

async function officersOf(user: string, query: string): Promise<Officer[]> {
  return (await get<{ items: Officer[] }>(user, `/api/v1/officers?limit=200&${query}`)).items
}

async function applicationsOf(officerId: number): Promise<Application[]> {
  return (await get<{ items: Application[] }>(ISSUER, `/api/v1/applications?officer_id=${officerId}`)).items
}

/** YYYY-MM-DD plus n years; 29 February becomes the 28th like the server's dates. */
function addYears(date: string, n: number): string {
  const [y, m, d] = date.split('-')
  const year = Number(y) + n
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  return `${year}-${m}-${m === '02' && d === '29' && !leap ? '28' : d}`
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: resolve(screenshotDir, name), animations: 'disabled' })
}

/** Someone at another PC: a browser context of their own, signed in as user. */
async function pageAs(user: string): Promise<Page> {
  const context = await page.context().browser()!.newContext({
    baseURL: CARD_BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: page.viewportSize() ?? undefined,
  })
  const p = await context.newPage()
  logBrowserErrors(p)
  await p.goto('/')
  await login(p, user)
  return p
}

/** 济南市司法局's reviewer, signed in in a browser context of their own. */
function cityReviewerPage(): Promise<Page> {
  return pageAs(CITY_REVIEWER)
}

interface AuditEvent {
  action: string
  result: string
  actor_name?: string
  detail?: Record<string, unknown>
}

async function auditOf(action: string, targetType: string, targetId: number): Promise<AuditEvent[]> {
  return (await get<{ items: AuditEvent[] }>('admin', `/api/v1/audit-events?action=${action}&target_type=${targetType}&target_id=${targetId}`))
    .items
}

/**
 * A first card for an officer of 历下区城市管理局, applied for and approved through the API.
 * Candidates hold no valid certificate, have a photo and are 在编; the server names anyone else it
 * would refuse when one holder is added to the batch (all or none: nothing is created).
 */
async function approvedNewCard(): Promise<{ officer: Officer; appId: number; certNo: string }> {
  const candidates = (await Promise.all(['none', 'cancelled', 'void'].map((c) => officersOf(OPERATOR, `cert_state=${c}`))))
    .flat()
    .filter((o) => o.has_photo && o.staffing === 'established')
  const holder = (await officersOf(OPERATOR, 'cert_state=active'))[0]!
  const probe = await api.post('/api/v1/applications', {
    headers: { Authorization: `Bearer ${await tokenOf(OPERATOR)}` },
    data: { kind: 'new_card', officer_ids: [...candidates.map((o) => o.id), holder.id] },
  })
  expect(probe.status()).toBe(422)
  const refused = new Set(((await probe.json()) as Problem).errors!.map((e) => e.field))
  const o = candidates.find((x) => !refused.has(`officers/${x.id}`))
  expect(o, 'an officer of the unit who may apply for a first card').toBeDefined()
  const officer = o!
  const created = await post<{ ids: number[] }>(OPERATOR, '/api/v1/applications', { kind: 'new_card', officer_ids: [officer.id] }, 201)
  const appId = created.ids[0]!
  await post(UNIT_REVIEWER, '/api/v1/applications/decisions', { action: 'approve_unit', ids: [appId] }, 200)
  await post(LEGAL_REVIEWER, '/api/v1/applications/decisions', { action: 'approve_legal', ids: [appId] }, 200)
  const approved = (await applicationsOf(officer.id)).find((a) => a.id === appId)!
  return { officer, appId, certNo: approved.cert_no! }
}

/** A due-soon officer of the unit without applications, with an inspection through both approvals. */
async function approvedInspection(): Promise<{ officer: Officer; appId: number }> {
  const dueSoon = (await officersOf(OPERATOR, 'due_state=due_soon')).filter((x) => x.last_inspected_on && x.next_due_on && x.cert_no)
  let officer: Officer | undefined
  for (const x of dueSoon) {
    if ((await applicationsOf(x.id)).length === 0) {
      officer = x
      break
    }
  }
  expect(officer, 'a due-soon officer without applications').toBeDefined()
  const o = officer!
  const round = Number(o.last_inspected_on!.slice(0, 4))
  const created = await post<{ ids: number[] }>(OPERATOR, '/api/v1/applications', { kind: 'inspection', round, officer_ids: [o.id] }, 201)
  const appId = created.ids[0]!
  await post(UNIT_REVIEWER, '/api/v1/applications/decisions', { action: 'approve_unit', ids: [appId] }, 200)
  await post(LEGAL_REVIEWER, '/api/v1/applications/decisions', { action: 'approve_legal', ids: [appId] }, 200)
  return { officer: o, appId }
}

const readerText = () => page.getByTestId('reader-status-text')
const visible = (testId: string): Locator => page.locator(`[data-testid="${testId}"]:visible`)

test.beforeAll(async ({ browser, playwright }, testInfo) => {
  testInfo.setTimeout(300_000)
  const missing = missingEnvironment()
  if (missing) {
    if (process.env.LECMS_REQUIRE_PCSC === '1') {
      throw new Error(`LECMS_REQUIRE_PCSC=1 but the PC/SC test environment is missing: ${missing}`)
    }
    console.log(skipBanner(missing))
    test.skip(true, `card stack missing: ${missing}`)
    return
  }
  stack = CardStack.create()
  await stack.startBase()
  api = await playwright.request.newContext({ baseURL: CARD_BASE_URL })

  // The agent trusts the server's ticket and record keys; the server trusts the agent's device key.
  const keys = await get<{ ticket_keys: string[]; record_keys: string[] }>(ISSUER, '/api/v1/card-agents/server-keys')
  const deviceKey = await stack.startAgent(keys)
  deviceKeyId = (await post<{ key_id: string }>(ISSUER, '/api/v1/card-agents', { name: AGENT_NAME, public_key: deviceKey }, 201)).key_id

  const use = testInfo.project.use
  const context = await browser.newContext({
    baseURL: CARD_BASE_URL,
    locale: use.locale,
    timezoneId: use.timezoneId,
    viewport: use.viewport,
  })
  // This browser reaches the test's agent (another port than an agent someone may run here).
  await context.addInitScript((url) => window.localStorage.setItem('lecms.cardAgent.url', url), AGENT_URL)
  page = await context.newPage()
  logBrowserErrors(page)
})

test.afterAll(async () => {
  // Leave the SPA first: it would keep reconnecting to the stopped agent while the other files run.
  await page?.goto('about:blank').catch(() => undefined)
  await api?.dispose()
  await stack?.stop()
})

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus && stack) {
    console.log(`--- card agent output ---\n${stack.agentLog()}`)
  }
})

test('读卡器: the card issuer pairs this browser with the agent using the code it prints', async () => {
  const s = stack!
  await page.goto('/')
  await login(page, ISSUER)

  // Never paired in this browser: no connection is attempted until the operator asks.
  const status = page.getByTestId('reader-status')
  await expect(status).toContainText('读卡器：')
  await expect(readerText()).toHaveText('未连接')
  await status.click()
  const dialog = visible('pairing-dialog')
  await expect(dialog).toContainText('本浏览器尚未与读卡客户端配对')
  await expect(readerText()).toHaveText('未配对')

  await dialog.getByTestId('pair-begin').click()
  const code = await s.nextPairingCode()
  await expect(dialog.getByTestId('pair-code-hint')).toBeVisible()
  const input = dialog.getByPlaceholder('6 位配对码')

  // A wrong code is refused with the attempts left; the right one pairs.
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
  await input.fill(wrong)
  await dialog.getByTestId('pair-confirm').click()
  await expect(dialog.getByTestId('pair-error')).toContainText('配对码错误或已过期（还可尝试 4 次）')
  await shot('card-pairing.png')
  await input.fill(code)
  await dialog.getByTestId('pair-confirm').click()
  await expect(readerText()).toHaveText('就绪')
  const info = dialog.getByTestId('agent-info')
  await expect(info).toContainText(`已登记：${AGENT_NAME}`)
  await expect(info).toContainText(VIRTUAL_READER)
  await expect(info).toContainText('lecms-cardagent 1.0.0')
  await expect(dialog.getByTestId('agent-version-warning')).toHaveCount(0)
  await shot('card-reader-ready.png')
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()

  // The secret stays in this browser, as a key that cannot be read back: IndexedDB holds a
  // non-extractable HMAC key, localStorage no secret.
  const kept = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('lecms-card-agent')
      r.onsuccess = () => ok(r.result)
      r.onerror = () => fail(r.error)
    })
    const all = await new Promise<unknown[]>((ok, fail) => {
      const r = db.transaction('pairings').objectStore('pairings').getAll()
      r.onsuccess = () => ok(r.result)
      r.onerror = () => fail(r.error)
    })
    db.close()
    const p = all[0] as { pairing_id: string; key: CryptoKey }
    let exported = 'refused'
    try {
      await crypto.subtle.exportKey('raw', p.key)
      exported = 'exported'
    } catch {
      /* non-extractable */
    }
    return {
      count: all.length,
      pairingId: p.pairing_id,
      type: p.key.constructor.name,
      extractable: p.key.extractable,
      algorithm: p.key.algorithm.name,
      exported,
      local: JSON.stringify(Object.entries(localStorage)),
    }
  })
  expect(kept).toMatchObject({ count: 1, type: 'CryptoKey', extractable: false, algorithm: 'HMAC', exported: 'refused' })
  expect(kept.pairingId).not.toBe('')
  expect(kept.local).not.toContain('lecms.cardAgent.pairing')
  expect(kept.local).not.toContain('secret')

  // A new page answers the agent's challenge with the stored key by itself.
  await page.reload()
  await expect(readerText()).toHaveText('就绪')
  expect(s.agentLog()).toContain('paired')
})

test('制证: batch from the city queue, 写卡 on a blank card, 校验, 发证 → the certificate is 有效', async () => {
  const s = stack!
  const { officer, appId, certNo } = await approvedNewCard()
  expect(certNo).toMatch(/^370102/)

  // 报省制证: 济南市司法局 reports its city's approvals (历下区 included) to the province.
  const city = await cityReviewerPage()
  await city.locator('.side-menu').getByText('报省制证').click()
  await expect(city).toHaveURL(/\/production\/reports$/)
  await city.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(officer.name)
  await city.getByRole('button', { name: '过滤' }).click()
  const reportRow = city.locator('.report-row').filter({ hasText: certNo })
  await expect(reportRow).toHaveCount(1)
  await reportRow.locator('td.col-pick .el-checkbox').click()
  await city.screenshot({ path: resolve(screenshotDir, 'card-report.png'), animations: 'disabled' })
  await city.getByTestId('report-picked').click()
  await expect(city.locator('.el-message--success').filter({ hasText: '已报送 1 份申请' })).toBeVisible()

  // 制证批次: the city's queue, a batch of it.
  await page.locator('.side-menu').getByText('制证批次').click()
  await expect(page).toHaveURL(/\/production$/)
  const queue = page.locator('.queue-row').filter({ hasText: '济南市' })
  await expect(queue.locator('td.col-count')).toHaveText('1 份')
  await shot('card-production-queue.png')
  await queue.getByTestId('create-batch').click()
  await page.locator('.el-message-box').getByRole('button', { name: '创建批次' }).click()
  await expect(page).toHaveURL(/\/production\/batches\/\d+$/)
  await expect(page.getByTestId('batch-title')).toContainText('济南市')
  const row = page.locator('.item-row').filter({ hasText: officer.name })
  await expect(row.locator('td.col-card-state')).toHaveText('待写卡')
  await expect(row.locator('td.col-cert-no')).toHaveText(certNo)

  // 写卡: 放卡 → 核对 → 写卡 → 校验. This card slips off the reader in the middle of the write.
  await row.getByTestId('write-card').click()
  const chip = visible('chip-dialog')
  await expect(chip.getByTestId('chip-place')).toContainText('请将一张新卡放在读卡器上')
  const slipping = await s.insertCard('mifare', undefined, { pullAfterUpdates: 3 })
  await expect(readerText()).toHaveText(`已放卡 ${slipping.uid}`)
  await expect(chip.getByTestId('chip-confirm')).toBeVisible()
  await expect(chip.getByTestId('confirm-name')).toHaveText(officer.name)
  await expect(chip.getByTestId('confirm-cert-no')).toHaveText(certNo)
  const validUntil = (await chip.getByTestId('confirm-valid-until').innerText()).trim()
  expect(validUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  await expect(chip).toContainText('空白卡')
  await shot('card-write-confirm.png')
  await chip.getByTestId('chip-write').click()
  await expect(chip.getByTestId('chip-error')).toContainText('读写过程中卡片被移开', { timeout: 30_000 })
  await expect(chip.getByTestId('chip-error-detail')).toContainText('可用同一凭据重试')
  await expect(readerText()).toHaveText('就绪')
  await shot('card-write-card-removed.png')

  // Put the card back (the emulator starts blank again) and retry with the same ticket.
  const card = await s.insertCard('mifare', slipping.uid)
  await expect(readerText()).toHaveText(`已放卡 ${card.uid}`)
  await chip.getByTestId('chip-retry').click()
  await expect(chip.getByTestId('chip-done')).toContainText('写卡成功，校验通过', { timeout: 30_000 })
  const checks = chip.getByTestId('chip-verify').locator('.el-table__body tr')
  await expect(checks).toHaveCount(8)
  await expect(chip.getByTestId('chip-verify').locator('.bad')).toHaveCount(0)
  await expect(chip.getByTestId('chip-verify')).toContainText(card.uid)
  await shot('card-write-verified.png')
  await chip.getByTestId('chip-close').click()

  await expect(row.locator('td.col-card-state')).toHaveText('已写卡')
  await expect(row.locator('td.col-uid')).toHaveText(card.uid)
  // One ticket for both attempts: the card's removal did not use it up.
  const tickets = await get<{ items: { action: string }[] }>(
    'admin',
    `/api/v1/audit-events?action=card.ticket&target_type=application&target_id=${appId}`,
  )
  expect(tickets.items.map((e) => e.action)).toEqual(['card.ticket'])

  // 发证: the written cards of the batch are handed out.
  await page.getByTestId('dispatch-button').click()
  await page.locator('.el-message-box').getByRole('button', { name: '发证' }).click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已发放 1 张证件' })).toBeVisible()
  await expect(row.locator('td.col-card-state')).toHaveText('已发放')
  await shot('card-batch-dispatched.png')

  // The officer's certificate is 有效, valid until the date the card holds.
  const [after] = await officersOf(ISSUER, `officer_code=${officer.code}`)
  expect(after).toMatchObject({ cert_state: 'active', cert_no: certNo, next_due_on: validUntil })
  expect((await applicationsOf(officer.id)).find((a) => a.id === appId)).toMatchObject({ state: 'completed' })
  await page.goto(`/officers?officer_code=${officer.code}`)
  const listed = page.locator('.el-table__body tr.el-table__row').filter({ hasText: officer.name })
  await expect(listed.locator('td.col-cert-state')).toHaveText('有效')

  await card.remove()
  await expect(readerText()).toHaveText('就绪')
})

test('同步年检: the due-soon officer’s card is synced, the sticker replaced → 年审完成, due + 2 years', async () => {
  const s = stack!
  // A due-soon officer of the unit without open applications: 年检申请 through both approvals.
  const { officer: o, appId } = await approvedInspection()
  const prevDue = o.next_due_on!
  const newDue = addYears(prevDue, 2)

  // The officer's card was written before this system's records: the application row says which
  // chip the certificate has (nothing synced yet), and the test makes that card.
  const approvedRow = (await applicationsOf(o.id)).find((a) => a.id === appId)!
  expect(approvedRow.chip).toMatchObject({ synced_at: null, sync_method: '', written_at: null })
  const chipUid = approvedRow.chip.uid
  expect(chipUid).toMatch(/^[0-9A-F]+$/)
  const unit = await get<{ code: string }>(ISSUER, `/api/v1/units/${o.unit_id}`)

  // 同步年检: the approved inspection is listed with its round.
  await page.locator('.side-menu').getByText('同步年检').click()
  await expect(page).toHaveURL(/\/inspections\/sync$/)
  await page.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(o.name)
  await page.getByRole('button', { name: '过滤' }).click()
  const row = page.locator('.sync-row').filter({ hasText: o.cert_no! })
  await expect(row).toHaveCount(1)
  await expect(row.locator('td.col-round-due')).toHaveText(prevDue)
  await expect(row.locator('td.col-state')).toHaveText('待同步芯片')
  await expect(row.locator('td.col-chip-uid')).toHaveText(chipUid)
  await shot('card-sync-list.png')
  await row.getByTestId('sync-button').click()
  const chip = visible('chip-dialog')
  await expect(chip.getByTestId('chip-place')).toContainText(`请将 ${o.name} 的执法证放在读卡器上`)

  // A blank card is not this officer's card: refused in Chinese before anything is asked of the server.
  const blank = await s.insertCard('iso')
  await expect(chip.getByTestId('chip-error')).toContainText('卡内没有有效记录，无法同步年检')
  await shot('card-sync-wrong-card.png')
  await blank.remove()
  await expect(readerText()).toHaveText('就绪')

  // The officer's card: 姓名、执法证号、新有效期 to compare with the card face.
  const legacy = await s.insertLegacyCard({
    uid: chipUid!,
    certNo: o.cert_no!,
    name: o.name,
    unitCode: unit.code,
    area: o.area,
    category: o.category,
    validUntil: prevDue,
    lastInspection: o.last_inspected_on!,
  })
  await expect(chip.getByTestId('chip-confirm')).toBeVisible()
  await expect(chip.getByTestId('confirm-name')).toHaveText(o.name)
  await expect(chip.getByTestId('confirm-cert-no')).toHaveText(o.cert_no!)
  await expect(chip.getByTestId('confirm-valid-until')).toHaveText(newDue)
  await expect(chip).toContainText(`有效期至 ${prevDue}`) // what the card holds now
  await shot('card-sync-confirm.png')
  await chip.getByTestId('chip-write').click()

  // Synced: 请更换有效期标签; 已更换 completes the inspection.
  const sticker = chip.getByTestId('chip-sticker')
  await expect(sticker).toContainText('请更换有效期标签', { timeout: 30_000 })
  await expect(sticker.getByTestId('sticker-date')).toHaveText(newDue)
  await expect(chip.getByTestId('chip-verify').locator('.bad')).toHaveCount(0)
  await shot('card-sync-sticker.png')
  expect((await applicationsOf(o.id)).find((a) => a.id === appId)).toMatchObject({ state: 'legal_approved' })
  // The row now says so from the server: synced through the chip, the receipt accepted.
  expect((await applicationsOf(o.id)).find((a) => a.id === appId)!.chip).toMatchObject({
    uid: chipUid,
    sync_method: 'chip',
    next_due_on: newDue,
  })
  await sticker.getByTestId('sticker-confirm').click()
  await expect(chip.getByTestId('chip-done')).toContainText('年审完成：五个步骤已全部完成')
  await expect(chip.getByTestId('done-next-due')).toHaveText(newDue)
  await shot('card-sync-done.png')
  await chip.getByTestId('chip-close').click()
  await expect(row).toHaveCount(0)

  expect((await applicationsOf(o.id)).find((a) => a.id === appId)).toMatchObject({ state: 'completed' })
  const [after] = await officersOf(ISSUER, `officer_code=${o.code}`)
  expect(after).toMatchObject({ cert_state: 'active', last_inspected_on: prevDue, next_due_on: newDue })
  await legacy.remove()
})

test('读卡设备: the agent is disabled mid-write, its receipt is refused; enabled again, the same receipt counts', async () => {
  test.setTimeout(180_000)
  const s = stack!
  const { officer, appId, certNo } = await approvedNewCard()
  await post(CITY_REVIEWER, '/api/v1/production/reports', { application_ids: [appId] }, 201)
  const batch = await post<{ id: number }>(ISSUER, '/api/v1/production/batches', { application_ids: [appId] }, 201)

  // The device list: this PC's agent, enabled, used by the writes before.
  await page.locator('.side-menu').getByText('读卡设备').click()
  await expect(page).toHaveURL(/\/card-agents$/)
  const mine = page.locator('.agent-row').filter({ hasText: AGENT_NAME })
  await expect(mine.locator('td.col-state')).toHaveText('启用')
  await expect(mine.locator('td.col-name')).toContainText('本机')
  await expect(mine.locator('td.col-key-id')).toHaveText(deviceKeyId)
  await expect(mine.locator('td.col-last-used')).not.toHaveText('从未使用')
  await shot('card-agents.png')

  // 写卡 on the issuer's PC: the ticket is signed while the agent is enabled…
  await page.goto(`/production/batches/${batch.id}`)
  const row = page.locator('.item-row').filter({ hasText: certNo })
  await row.getByTestId('write-card').click()
  const chip = visible('chip-dialog')
  const card = await s.insertCard('mifare')
  await expect(chip.getByTestId('chip-confirm')).toBeVisible()
  await expect(chip.getByTestId('confirm-name')).toHaveText(officer.name)

  // …and the administrator disables it from another PC (reported lost): a reason is required.
  const admin = await pageAs('admin')
  await admin.locator('.side-menu').getByText('读卡设备').click()
  const adminRow = admin.locator('.agent-row').filter({ hasText: AGENT_NAME })
  await adminRow.getByTestId('agent-disable').click()
  const dialog = admin.locator('[data-testid="agent-action-dialog"]:visible')
  await expect(dialog).toContainText('拒绝它提交的写卡回执')
  await dialog.getByTestId('agent-action-confirm').click()
  await expect(dialog).toContainText('请填写停用原因')
  await dialog.getByTestId('agent-reason').fill('设备丢失')
  await dialog.getByTestId('agent-action-confirm').click()
  await expect(admin.locator('.el-message--success').filter({ hasText: `已停用读卡客户端“${AGENT_NAME}”` })).toBeVisible()
  await expect(adminRow.locator('td.col-state')).toContainText('已停用')
  await expect(adminRow.getByTestId('disabled-detail')).toContainText('admin 于')
  await expect(adminRow.getByTestId('disabled-detail')).toContainText('停用：设备丢失')
  await admin.screenshot({ path: resolve(screenshotDir, 'card-agent-disabled.png'), animations: 'disabled' })

  // The agent writes the card, but the server refuses the disabled agent's receipt, in Chinese.
  await chip.getByTestId('chip-write').click()
  await expect(chip.getByTestId('chip-error')).toContainText('服务器未接受写卡回执', { timeout: 30_000 })
  await expect(chip.getByTestId('chip-error-detail')).toContainText(`读卡客户端“${AGENT_NAME}”已于`)
  await expect(chip.getByTestId('chip-error-detail')).toContainText('停用（原因：设备丢失），其写卡回执不予接受')
  await shot('card-agent-receipt-refused.png')
  expect((await applicationsOf(officer.id)).find((a) => a.id === appId)).toMatchObject({
    state: 'in_production',
    chip: { written_at: null },
  })
  expect((await auditOf('card.receipt', 'application', appId)).map((e) => [e.result, e.detail?.rule])).toEqual([
    ['failure', 'agent_disabled'],
  ])
  // A new ticket for it is refused too.
  const ticket = await api.post(`/api/v1/production/items/${appId}/ticket`, {
    headers: { Authorization: `Bearer ${await tokenOf(ISSUER)}` },
    data: { card_uid: card.uid, device_key_id: deviceKeyId },
  })
  expect(ticket.status()).toBe(422)
  expect(((await ticket.json()) as Problem).errors?.[0]?.rule).toBe('agent_disabled')

  // Enabled again: 重试 sends the same receipt, which now counts.
  await adminRow.getByTestId('agent-enable').click()
  await dialog.getByTestId('agent-action-confirm').click()
  await expect(adminRow.locator('td.col-state')).toHaveText('启用')
  await admin.context().close()
  const audited = await get<{ items: AuditEvent[] }>('admin', '/api/v1/audit-events?target_type=card_agent')
  expect(audited.items.map((e) => [e.action, e.actor_name, e.detail?.reason ?? ''])).toEqual([
    ['card_agent.enable', 'admin', ''],
    ['card_agent.disable', 'admin', '设备丢失'],
    ['card_agent.register', ISSUER, ''],
  ])
  await chip.getByTestId('chip-retry').click()
  await expect(chip.getByTestId('chip-done')).toContainText('写卡成功，校验通过', { timeout: 30_000 })
  await chip.getByTestId('chip-close').click()
  await expect(row.locator('td.col-card-state')).toHaveText('已写卡')
  await expect(row.locator('td.col-uid')).toHaveText(card.uid)
  const written = (await applicationsOf(officer.id)).find((a) => a.id === appId)!
  expect(written).toMatchObject({ state: 'completed', chip: { uid: card.uid } })
  expect(written.chip.written_at).not.toBeNull()
  await card.remove()
  await expect(readerText()).toHaveText('就绪')
})

test('手工同步: an approved inspection whose chip is broken is recorded by hand with a reason, then the sticker', async () => {
  test.setTimeout(120_000)
  const { officer: o, appId } = await approvedInspection()
  const newDue = addYears(o.next_due_on!, 2)

  await page.locator('.side-menu').getByText('同步年检').click()
  await expect(page).toHaveURL(/\/inspections\/sync$/)
  await page.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(o.name)
  await page.getByRole('button', { name: '过滤' }).click()
  const row = page.locator('.sync-row').filter({ hasText: o.cert_no! })
  await expect(row.locator('td.col-state')).toHaveText('待同步芯片')
  await row.getByTestId('manual-sync-button').click()

  // The dialog says it is audited and allowed only where the province permits it; a reason is required.
  const dialog = visible('manual-sync-dialog')
  await expect(dialog.getByTestId('manual-sync-notice')).toContainText('将记入审计日志')
  await expect(dialog.getByTestId('manual-sync-notice')).toContainText('仅在本省允许手工同步时可用')
  await expect(dialog).toContainText(o.cert_no!)
  await dialog.getByTestId('manual-sync-confirm').click()
  await expect(dialog).toContainText('请填写手工同步原因')
  const reason = '芯片损坏无法读写，已核对卡面信息'
  await dialog.getByTestId('manual-sync-reason').fill(reason)
  await shot('card-manual-sync.png')
  await dialog.getByTestId('manual-sync-confirm').click()

  // Step 4 recorded by hand: the sticker follows as after a chip sync.
  await expect(dialog.getByTestId('manual-sync-sticker')).toContainText('请为该证件更换有效期标签')
  await expect(dialog.getByTestId('manual-sticker-date')).toHaveText(newDue)
  const synced = (await applicationsOf(o.id)).find((a) => a.id === appId)!
  expect(synced).toMatchObject({ state: 'legal_approved', chip: { sync_method: 'manual', written_at: null, next_due_on: newDue } })
  expect(synced.chip.synced_at).not.toBeNull()
  await shot('card-manual-sync-sticker.png')
  await dialog.getByTestId('manual-sticker-confirm').click()
  await expect(dialog.getByTestId('manual-sync-done')).toContainText('年审完成：五个步骤已全部完成')
  await dialog.getByTestId('manual-sync-close').click()
  await expect(row).toHaveCount(0)

  expect((await applicationsOf(o.id)).find((a) => a.id === appId)).toMatchObject({ state: 'completed' })
  const [after] = await officersOf(ISSUER, `officer_code=${o.code}`)
  expect(after).toMatchObject({ cert_state: 'active', next_due_on: newDue })
  const events = (await get<{ items: AuditEvent[] }>('admin', '/api/v1/audit-events?action=inspection.manual_sync')).items
  expect(events.map((e) => [e.actor_name, e.detail?.reason, e.detail?.application_id])).toEqual([[ISSUER, reason, appId]])
})
