// The certificate workflow through the browser against the real server and fresh demo data:
// 申请办卡 → 单位审核 → 法制机构审核 (the officer is then 待制证 with a number), 年检申请 for a due-soon
// officer through both approvals, the refusal of an overdue officer (nothing created), and a
// returned 证件注销 resubmitted from 我的申请 with its printable 申请表.
//
// Each role signs in once for the whole file (the server allows 20 logins per IP per minute) in a
// browser context of its own; suitable officers are found through the API as the operator.
import { resolve } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { apiGet, bearer, screenshotDir, signedInSessions, tableRowOf, tableRows } from './helpers'

// Serial; and each test signs three roles in and walks a whole flow, which
// takes longer than the suite's default 60 s on a loaded 2-core CI machine.
test.describe.configure({ mode: 'serial', timeout: 180_000 })

const OPERATOR = 'lixia_operator'
const UNIT_REVIEWER = 'lixia_unit_reviewer'
const LEGAL_REVIEWER = 'lixia_reviewer'

const DUE_SOON_COLOR = 'rgb(139, 0, 0)' // #8B0000 暗红色
const OVERDUE_COLOR = 'rgb(255, 0, 0)' // #FF0000 鲜红色

interface Officer {
  id: number
  code: string
  name: string
  has_photo: boolean
  staffing: string
  cert_state: string
  cert_no: string | null
  due_state: string
  last_inspected_on: string | null
}

interface Application {
  id: number
  kind: string
  state: string
  officer_id: number
  round_year: number
  returned_comment: string
}

interface Problem {
  status: number
  errors?: { field: string; rule: string; message: string }[]
}

const { as, clear } = signedInSessions()
test.afterAll(clear)

const rows = tableRows
const rowOf = tableRowOf

/** The el-select of the filter form item labelled `label`. */
function filterSelect(page: Page, label: string): Locator {
  return page.locator('.filters .el-form-item').filter({ has: page.getByText(label, { exact: true }) }).locator('.el-select')
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await filterSelect(page, label).click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: option }).first().click()
}

async function tick(row: Locator): Promise<void> {
  await row.locator('td.col-pick .el-checkbox').click()
  await expect(row.locator('td.col-pick .el-checkbox')).toHaveClass(/is-checked/)
}

async function expectMessage(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.locator('.el-message--success').filter({ hasText: text })).toBeVisible()
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(screenshotDir, name), animations: 'disabled' })
}

async function officers(page: Page, token: string, query: string): Promise<Officer[]> {
  return (await apiGet<{ items: Officer[] }>(page.request, token, `/api/v1/officers?limit=200&${query}`)).items
}

async function applicationsOf(page: Page, token: string, officerId: number): Promise<Application[]> {
  return (await apiGet<{ items: Application[] }>(page.request, token, `/api/v1/applications?officer_id=${officerId}`)).items
}

/** Approves the application of `name` in a review queue by ticking its row. */
async function approveIn(page: Page, path: string, name: string, kindLabel: string, screenshot?: string): Promise<void> {
  await page.goto(path)
  await choose(page, '申请类型', kindLabel)
  await page.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(name)
  await page.getByRole('button', { name: '过滤' }).click()
  const row = rowOf(page, name)
  await expect(row).toHaveCount(1)
  await expect(row.locator('td.col-kind')).toHaveText(kindLabel)
  await tick(row)
  await expect(page.getByTestId('picked')).toHaveText('已选 1 人')
  if (screenshot) await shot(page, screenshot)
  await page.getByTestId('approve-button').click()
  await expectMessage(page, '本次共审核通过 1 人')
  await expect(rowOf(page, name)).toHaveCount(0)
}


test('申请办卡 → 单位审核 → 法制机构审核: the officer is 待制证 with a certificate number', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)

  // Officers without a valid certificate who have a photo and are 在编; the exam record is not in
  // the list, so ask the server: a batch with one officer who already holds a card is refused as a
  // whole (nothing written) and names everyone else who would be refused too.
  const candidates = (
    await Promise.all(['none', 'cancelled', 'void'].map((s) => officers(op.page, op.token, `cert_state=${s}`)))
  )
    .flat()
    .filter((o) => o.has_photo && o.staffing === 'established')
  const holder = (await officers(op.page, op.token, 'cert_state=active'))[0]!
  const probe = await op.page.request.post('/api/v1/applications', {
    headers: bearer(op.token),
    data: { kind: 'new_card', officer_ids: [...candidates.map((o) => o.id), holder.id] },
  })
  expect(probe.status()).toBe(422)
  const refused = new Set(((await probe.json()) as Problem).errors!.map((e) => e.field))
  expect(refused.has(`officers/${holder.id}`)).toBe(true)
  const officer = candidates.find((o) => !refused.has(`officers/${o.id}`))
  expect(officer, 'an officer of the unit who may apply for a first card').toBeDefined()
  const o = officer!
  expect(await applicationsOf(op.page, op.token, o.id)).toEqual([])

  // 申请办卡: 过滤 by the officer code, tick, 申请, confirm the 证件类型.
  const page = op.page
  await page.locator('.side-menu').getByText('申请办卡').click()
  await expect(page).toHaveURL(/\/applications\/new-card$/)
  await expect(page.getByRole('heading', { name: '申请办卡' })).toBeVisible()
  if (o.cert_state !== 'none') await choose(page, '证件状态', { cancelled: '已注销', void: '已作废' }[o.cert_state]!)
  await page.locator('.filters').getByPlaceholder('执法人员编码').fill(o.code)
  await page.getByRole('button', { name: '过滤' }).click()
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('officer-total')).toHaveText('共 1 人')
  await expect(page.getByTestId('apply-button')).toBeDisabled()
  await tick(rowOf(page, o.name))
  await expect(page.getByTestId('picked')).toHaveText('已选 1 人')
  await page.getByTestId('apply-button').click()
  const dialog = page.getByTestId('apply-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('apply-count')).toContainText('1 人')
  await expect(dialog.locator('.el-form-item').filter({ hasText: '证件类型' })).toContainText('行政执法证')
  await shot(page, 'apply-new-card-dialog.png')
  await dialog.getByTestId('apply-confirm').click()
  await expectMessage(page, '申请成功：本次共提交办卡申请 1 人')
  await expect(dialog).toBeHidden()
  const [created] = await applicationsOf(page, op.token, o.id)
  expect(created).toMatchObject({ kind: 'new_card', state: 'submitted' })

  // 单位审核 by the unit's reviewer, 法制机构审核 by 历下区司法局.
  const ur = await as(browser, testInfo, UNIT_REVIEWER)
  await expect(ur.page.locator('.side-menu')).not.toContainText('申请办卡')
  await approveIn(ur.page, '/reviews/unit', o.name, '办卡', 'unit-review.png')
  const lr = await as(browser, testInfo, LEGAL_REVIEWER)
  await expect(lr.page.locator('.side-menu')).toContainText('法制机构审核')
  await expect(lr.page.locator('.side-menu')).not.toContainText('单位审核')
  await approveIn(lr.page, '/reviews/legal', o.name, '办卡', 'legal-review.png')

  // 档案管理: 待制证 with the number allocated at approval; the drawer shows the timeline.
  await page.goto(`/officers?officer_code=${o.code}`)
  const row = rowOf(page, o.name)
  await expect(row.locator('td.col-cert-state')).toHaveText('待制证')
  await expect(row).toContainText(/370102[A-Z]{2}\d{6}/)
  await row.dblclick()
  const drawer = page.locator('.officer-drawer')
  await expect(drawer).toContainText('待制证')
  const timeline = drawer.getByTestId('officer-timeline')
  await expect(timeline.locator('.el-timeline-item')).toHaveCount(3)
  await expect(timeline.locator('.el-timeline-item').first()).toContainText('法制机构审核通过')
  await expect(timeline).toContainText('单位审核通过')
  await expect(timeline).toContainText('提交申请')
  await expect(timeline).toContainText(LEGAL_REVIEWER)
  await shot(page, 'officer-timeline.png')
  await drawer.getByRole('button', { name: /关闭|Close/ }).click()
  await expect(drawer).toBeHidden()
  const [approved] = await applicationsOf(page, op.token, o.id)
  expect(approved).toMatchObject({ state: 'legal_approved' })
})

test('年检申请 for a due-soon officer (过滤-年检年度) through both approvals', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)
  const dueSoon = await officers(op.page, op.token, 'due_state=due_soon')
  const o = dueSoon.find((x) => x.last_inspected_on !== null)
  expect(o, 'a due-soon officer in the operator’s unit').toBeDefined()
  const year = Number(o!.last_inspected_on!.slice(0, 4))
  // The list the brief describes: due soon in that round.
  expect((await officers(op.page, op.token, `due_state=due_soon&year=${year}`)).map((x) => x.id)).toContain(o!.id)

  const page = op.page
  await page.locator('.side-menu').getByText('年检申请').click()
  await expect(page).toHaveURL(/\/applications\/inspection$/)
  // Without 年检年度 nothing can be applied for (the seed warns about touching other rounds).
  await expect(page.getByTestId('round-warning')).toBeVisible()
  await tick(rows(page).first())
  await expect(page.getByTestId('apply-button')).toBeDisabled()
  await page.getByRole('button', { name: '取消选择' }).click()

  await choose(page, '年检年度', `${year} 年`)
  await page.getByRole('button', { name: '过滤' }).click()
  await expect(page.getByTestId('round-warning')).toBeHidden()
  const row = rowOf(page, o!.code)
  await expect(row).toHaveClass(/due-soon/)
  await expect(row.locator('td.col-due-state')).toHaveText('即将到期')
  await expect(row.locator('td.col-name')).toHaveCSS('color', DUE_SOON_COLOR)
  for (const text of await rows(page).locator('td.col-last-inspected').allInnerTexts()) {
    expect(text.startsWith(String(year)), `上次年检日期 ${text} in ${year}`).toBe(true)
  }
  await tick(row)
  await shot(page, 'inspection-apply.png')
  await page.getByTestId('apply-button').click()
  const dialog = page.getByTestId('apply-dialog')
  await expect(dialog.getByTestId('apply-round')).toHaveText(`${year} 年（上次年检年份）`)
  await dialog.getByTestId('apply-confirm').click()
  await expectMessage(page, '申请成功：本次共提交年检申请 1 人')
  const [app] = await applicationsOf(page, op.token, o!.id)
  expect(app).toMatchObject({ kind: 'inspection', state: 'submitted', round_year: year })

  // 单位审核 with 全选 over the filtered queue (filter + the count shown), then 法制机构审核.
  const ur = await as(browser, testInfo, UNIT_REVIEWER)
  await ur.page.goto('/reviews/unit')
  await choose(ur.page, '申请类型', '年检')
  await ur.page.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(o!.name)
  await ur.page.getByRole('button', { name: '过滤' }).click()
  await expect(ur.page.getByTestId('queue-total')).toHaveText('待审核 1 人')
  await ur.page.getByTestId('select-all').click()
  await expect(ur.page.getByTestId('picked')).toHaveText('已全选符合条件的 1 人')
  await ur.page.getByTestId('approve-button').click()
  await ur.page.locator('.el-message-box').getByRole('button', { name: '审核通过' }).click()
  await expectMessage(ur.page, '本次共审核通过 1 人')

  const lr = await as(browser, testInfo, LEGAL_REVIEWER)
  await approveIn(lr.page, '/reviews/legal', o!.name, '年检')
  const [done] = await applicationsOf(page, op.token, o!.id)
  expect(done).toMatchObject({ kind: 'inspection', state: 'legal_approved', round_year: year })

  // 我的申请 shows it as 审核通过.
  await page.locator('.side-menu').getByText('我的申请').click()
  await choose(page, '状态', '审核通过')
  await page.getByRole('button', { name: '过滤' }).click()
  await expect(rowOf(page, o!.name).locator('td.col-state')).toHaveText('审核通过')
})

test('年检申请 for an overdue officer is refused, naming them, and nothing is created', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)
  const overdue = (await officers(op.page, op.token, 'due_state=overdue')).find((x) => x.last_inspected_on !== null)
  expect(overdue, 'an overdue officer in the operator’s unit').toBeDefined()
  const o = overdue!
  const year = Number(o.last_inspected_on!.slice(0, 4))
  const before = await apiGet<{ total: number }>(op.page.request, op.token, '/api/v1/applications/count')

  const page = op.page
  await page.goto('/applications/inspection')
  await choose(page, '年检年度', `${year} 年`)
  await page.getByRole('button', { name: '过滤' }).click()
  const row = rowOf(page, o.code)
  await expect(row).toHaveClass(/overdue/)
  await expect(row.locator('td.col-due-state')).toHaveText('已超期')
  await expect(row.locator('td.col-name')).toHaveCSS('color', OVERDUE_COLOR)
  await tick(row)
  await page.getByTestId('apply-button').click()
  await page.getByTestId('apply-dialog').getByTestId('apply-confirm').click()

  const refusal = page.getByTestId('refusal-dialog')
  await expect(refusal).toBeVisible()
  await expect(refusal).toContainText('申请未提交：1 项不符合条件，本批次未做任何更改')
  const line = refusal.locator('.el-table__body tr.el-table__row')
  await expect(line).toHaveCount(1)
  await expect(line).toContainText(o.name)
  await expect(line).toContainText('已超期')
  await expect(line).toContainText('已超过年检期限')
  await expect(line).toContainText('只能注销后重新申请')
  await shot(page, 'inspection-overdue-refusal.png')
  await refusal.getByTestId('refusal-deselect').click()
  await expect(refusal).toBeHidden()
  await expect(page.getByTestId('picked')).toHaveText('已选 0 人')

  expect(await apiGet<{ total: number }>(op.page.request, op.token, '/api/v1/applications/count')).toEqual(before)
  expect(await applicationsOf(page, op.token, o.id)).toEqual([])
})

test('证件注销 returned by the unit reviewer, resubmitted from 我的申请, printed for stamping', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)
  // An active holder not touched by the other tests and without an open application.
  const active = await officers(op.page, op.token, 'cert_state=active&due_state=ok')
  let o: Officer | undefined
  for (const x of active) {
    if ((await applicationsOf(op.page, op.token, x.id)).length === 0) {
      o = x
      break
    }
  }
  expect(o, 'an active holder without applications').toBeDefined()

  const page = op.page
  await page.locator('.side-menu').getByText('证件注销').click()
  await page.locator('.filters').getByPlaceholder('执法人员编码').fill(o!.code)
  await page.getByRole('button', { name: '过滤' }).click()
  await tick(rowOf(page, o!.name))
  await page.getByTestId('apply-button').click()
  const dialog = page.getByTestId('apply-dialog')
  // The reason is required and comes from the configured list.
  await dialog.getByTestId('apply-confirm').click()
  await expect(dialog).toContainText('请选择注销原因')
  await dialog.locator('.el-form-item').filter({ hasText: '注销原因' }).locator('.el-select').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: '调离执法岗位' }).click()
  await dialog.getByTestId('apply-confirm').click()
  await expectMessage(page, '申请成功：本次共提交注销申请 1 人')

  // 退回 with a reason.
  const ur = await as(browser, testInfo, UNIT_REVIEWER)
  await ur.page.goto('/reviews/unit')
  await choose(ur.page, '申请类型', '注销')
  await ur.page.locator('.filters').getByPlaceholder('姓名（前缀匹配）').fill(o!.name)
  await ur.page.getByRole('button', { name: '过滤' }).click()
  await tick(rowOf(ur.page, o!.name))
  await ur.page.getByTestId('reject-button').click()
  const reject = ur.page.getByTestId('reject-dialog')
  await reject.getByTestId('reject-confirm').click()
  await expect(reject).toContainText('请填写退回理由')
  await reject.getByRole('textbox').fill('请附调令复印件')
  await reject.getByTestId('reject-confirm').click()
  await expectMessage(ur.page, '本次共退回 1 人')

  // 我的申请: the returned application with the comment; print the 申请表, then 重新提交.
  await page.locator('.side-menu').getByText('我的申请').click()
  await expect(page).toHaveURL(/\/applications\/mine$/)
  const row = rowOf(page, o!.name)
  await expect(row.locator('td.col-state')).toHaveText('已退回')
  await expect(row.locator('td.col-comment')).toHaveText('请附调令复印件')
  await tick(row)
  await shot(page, 'my-applications.png')
  await page.getByRole('button', { name: '打印申请表' }).click()
  await expect(page).toHaveURL(/\/print\/applications$/)
  const sheet = page.getByTestId('print-sheet')
  await expect(sheet).toHaveCount(1)
  await expect(sheet).toContainText('山东省行政执法证件注销申请表')
  await expect(sheet.getByTestId('print-unit')).toHaveText('济南市历下区城市管理局')
  await expect(sheet).toContainText(o!.name)
  await expect(sheet).toContainText('调离执法岗位')
  await expect(sheet).toContainText('（单位盖章）')
  await expect(sheet).toContainText('法制机构审核意见')
  await shot(page, 'print-application-form.png')
  await page.emulateMedia({ media: 'print' })
  await expect(page.getByTestId('print-button')).toBeHidden()
  await shot(page, 'print-application-form-paper.png')
  await page.emulateMedia({ media: 'screen' })
  await page.getByRole('button', { name: '返回' }).click()
  await expect(page).toHaveURL(/\/applications\/mine$/)

  await tick(rowOf(page, o!.name))
  await page.getByTestId('resubmit-button').click()
  await expectMessage(page, '本次共重新提交 1 项申请')
  const [app] = await applicationsOf(page, op.token, o!.id)
  expect(app).toMatchObject({ kind: 'cancellation', state: 'submitted' })
})
