// Certificate lifecycle leftovers through the browser against the real server and fresh demo data:
// 调动 of an officer between two 济南 units by the city's legal office (the record moves, a 换发
// application waits for the new unit's stamp, the timeline says from where to where), the printed
// fields read-only while an application is on its way to the card, and 年检年度 on a review queue,
// kept in the URL.
//
// Each role signs in once for the whole file (the server allows 20 logins per IP per minute);
// suitable officers are found through the API.
import { resolve } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { apiGet, bearer, screenshotDir, signedInSessions, tableRowOf, type Session } from './helpers'

test.describe.configure({ mode: 'serial', timeout: 180_000 })
// A step that cannot happen fails in 20 s instead of using up the whole test's time.
test.use({ actionTimeout: 20_000 })

const LEGAL_CITY = 'jinan_reviewer' // 济南市司法局: holds 历下区 and the city's own units
const OPERATOR = 'lixia_operator' // 济南市历下区城市管理局
const UNIT_REVIEWER = 'lixia_unit_reviewer'
const NEW_UNIT_REVIEWER = 'jinan_unit_reviewer' // 济南市市场监督管理局
const OLD_UNIT = '济南市历下区城市管理局'
const NEW_UNIT = '济南市市场监督管理局'

interface Officer {
  id: number
  code: string
  name: string
  unit_id: number
  unit_name: string
  cert_state: string
  due_state: string
  last_inspected_on: string | null
}

interface Application {
  id: number
  kind: string
  state: string
  unit_id: number
  officer_id: number
}

const { as, clear } = signedInSessions()
test.afterAll(clear)

const rowOf = tableRowOf

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(screenshotDir, name), animations: 'disabled' })
}

async function expectMessage(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.locator('.el-message--success').filter({ hasText: text })).toBeVisible()
}

async function officers(s: Session, query: string): Promise<Officer[]> {
  return (await apiGet<{ items: Officer[] }>(s.page.request, s.token, `/api/v1/officers?limit=200&${query}`)).items
}

async function applicationsOf(s: Session, officerId: number): Promise<Application[]> {
  return (await apiGet<{ items: Application[] }>(s.page.request, s.token, `/api/v1/applications?officer_id=${officerId}`)).items
}

async function unitId(s: Session, name: string): Promise<number> {
  const page = await apiGet<{ items: { id: number; name: string }[] }>(
    s.page.request,
    s.token,
    `/api/v1/units?q=${encodeURIComponent(name)}`,
  )
  const u = page.items.find((x) => x.name === name)
  expect(u, `unit ${name}`).toBeDefined()
  return u!.id
}

/** The first officer matching `query` without any application (so other tests never collide). */
async function untouched(s: Session, query: string, skip: (o: Officer) => boolean = () => false): Promise<Officer> {
  for (const o of await officers(s, query)) {
    if (!skip(o) && (await applicationsOf(s, o.id)).length === 0) return o
  }
  throw new Error(`no untouched officer for ${query}`)
}

async function post(s: Session, path: string, data: unknown, status: number): Promise<unknown> {
  const res = await s.page.request.post(path, { data, headers: bearer(s.token) })
  expect(res.status(), `POST ${path}: ${await res.text()}`).toBe(status)
  return res.json()
}

/** The el-select of the filter form item labelled `label`. */
function filterSelect(page: Page, label: string): Locator {
  return page.locator('.filters .el-form-item').filter({ has: page.getByText(label, { exact: true }) }).locator('.el-select')
}

test('调动: the city office moves an officer to another unit; a 换发 waits for the new unit, the timeline records it', async ({
  browser,
}, testInfo) => {
  const legal = await as(browser, testInfo, LEGAL_CITY)
  const oldUnit = await unitId(legal, OLD_UNIT)
  const newUnit = await unitId(legal, NEW_UNIT)
  const o = await untouched(legal, `unit_id=${oldUnit}&cert_state=active&due_state=ok`)

  const page = legal.page
  await page.goto(`/officers?unit_id=${oldUnit}&officer_code=${o.code}`)
  await expect(rowOf(page, o.code)).toHaveCount(1)
  await rowOf(page, o.code).dblclick()
  const drawer = page.locator('.officer-drawer')
  await expect(drawer).toContainText(`${o.name} - 人员详情`)
  await drawer.getByTestId('officer-transfer').click()

  const dialog = page.getByTestId('transfer-dialog')
  await expect(dialog).toContainText(`现所在单位：${OLD_UNIT}`)
  await expect(dialog).toContainText('调动后将自动为其提交换发申请')
  // Unit and reason are required.
  await page.getByTestId('transfer-confirm').click()
  await expect(dialog).toContainText('请选择调入单位')
  await expect(dialog).toContainText('请填写调动原因')
  await dialog.getByTestId('transfer-unit').click()
  await page.keyboard.type('济南市市场监督') // units are searched by code or name prefix
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: NEW_UNIT }).first().click()
  await dialog.getByTestId('transfer-area').fill('济南市')
  await dialog.getByTestId('transfer-reason').fill('工作调动（济人社字〔2026〕12号）')
  await shot(page, 'transfer-dialog.png')
  await page.getByTestId('transfer-confirm').click()
  await expectMessage(page, `「${o.name}」已由「${OLD_UNIT}」调入「${NEW_UNIT}」；证件上的单位随之变更，已为其提交换发申请 1 项`)

  // The record moved (same person, same certificate), with the new printed area.
  const [moved] = await officers(legal, `officer_code=${o.code}`)
  expect(moved).toMatchObject({ id: o.id, unit_id: newUnit, unit_name: NEW_UNIT, cert_state: 'active' })
  const [renewal] = await applicationsOf(legal, o.id)
  expect(renewal).toMatchObject({ kind: 'renewal', state: 'submitted', unit_id: newUnit })

  // The new unit's row, and 办理记录 with the transfer on top of the renewal it opened.
  await page.goto(`/officers?unit_id=${newUnit}&officer_code=${o.code}`)
  await expect(rowOf(page, o.code)).toContainText(NEW_UNIT)
  await expect(rowOf(page, o.code)).toContainText('济南市')
  await rowOf(page, o.code).dblclick()
  const timeline = page.locator('.officer-drawer').getByTestId('officer-timeline')
  await expect(timeline.getByTestId('timeline-transfer')).toHaveText(`由「${OLD_UNIT}」调入「${NEW_UNIT}」`)
  await expect(timeline).toContainText('工作调动（济人社字〔2026〕12号）')
  await expect(timeline).toContainText('换发')
  await shot(page, 'transfer-timeline.png')

  // The new unit's reviewer finds the renewal in 单位审核 (filters in the URL).
  const nr = await as(browser, testInfo, NEW_UNIT_REVIEWER)
  await nr.page.goto(`/reviews/unit?kind=renewal&name=${encodeURIComponent(o.name)}`)
  await expect(filterSelect(nr.page, '申请类型')).toContainText('换发')
  await expect(rowOf(nr.page, o.name)).toHaveCount(1)
  await expect(rowOf(nr.page, o.name).locator('td.col-kind')).toHaveText('换发')
})

test('printed fields are read-only while an application is on its way to the card', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)
  const o = await untouched(op, 'cert_state=active&due_state=ok')
  await post(op, '/api/v1/applications', { kind: 'renewal', reason: '单位名称变更', officer_ids: [o.id] }, 201)

  const page = op.page
  await page.goto(`/officers?officer_code=${o.code}`)
  await rowOf(page, o.code).dblclick()
  await page.locator('.officer-drawer').getByTestId('officer-edit').click()
  const form = page.locator('.officer-form-dialog')
  await expect(form.getByTestId('printed-locked')).toContainText('该人员的换发申请正在办理（待单位审核）')
  const input = (label: string) => form.locator('.el-form-item').filter({ hasText: label }).locator('input').first()
  await expect(input('执法人员编码')).toBeDisabled()
  await expect(input('姓名')).toBeDisabled()
  await expect(input('执法区域')).toBeDisabled()
  await expect(input('职务')).toBeEnabled()
  await expect(form.getByTestId('photo-locked')).toBeVisible()
  await expect(form.getByTestId('photo-upload').getByRole('button', { name: '更换照片' }).last()).toBeDisabled()
  await expect(form.getByTestId('photo-upload').locator('.el-upload')).toHaveClass(/is-disabled/)
  await shot(page, 'printed-fields-locked.png')

  // The server refuses it too, naming the field.
  const profile = await apiGet<Record<string, unknown>>(page.request, op.token, `/api/v1/officers/${o.id}/profile`)
  const res = await page.request.put(`/api/v1/officers/${o.id}`, {
    headers: bearer(op.token),
    data: {
      version: profile.version,
      code: profile.code,
      name: `${String(profile.name)}改`,
      id_number: profile.id_number,
      area: profile.area,
      staffing: profile.staffing,
    },
  })
  expect(res.status()).toBe(422)
  const problem = (await res.json()) as { code: string; errors: { field: string; rule: string }[] }
  expect(problem.code).toBe('rule_violated')
  expect(problem.errors).toEqual([expect.objectContaining({ field: 'name', rule: 'locked_by_application' })])

  // Returned by the unit reviewer for a correction: the fields open again.
  const ur = await as(browser, testInfo, UNIT_REVIEWER)
  const [app] = await applicationsOf(ur, o.id)
  await post(ur, '/api/v1/applications/decisions', { action: 'reject', ids: [app!.id], comment: '请更正姓名' }, 200)
  await form.getByRole('button', { name: '关闭', exact: true }).click()
  await page.locator('.officer-drawer').getByTestId('officer-edit').click()
  await expect(form.getByTestId('printed-locked')).toBeHidden()
  await expect(input('姓名')).toBeEnabled()
})

test('年检年度 on 单位审核: only that round, kept in the URL across a reload', async ({ browser }, testInfo) => {
  const op = await as(browser, testInfo, OPERATOR)
  // An inspection of the current round and a renewal of an officer last inspected in another year.
  const due = await untouched(op, 'cert_state=active&due_state=due_soon')
  const year = Number(due.last_inspected_on!.slice(0, 4))
  const other = await untouched(op, 'cert_state=active&due_state=ok', (x) => x.last_inspected_on?.slice(0, 4) === String(year))
  await post(op, '/api/v1/applications', { kind: 'inspection', round: year, officer_ids: [due.id] }, 201)
  await post(op, '/api/v1/applications', { kind: 'renewal', reason: '证件损旧', officer_ids: [other.id] }, 201)

  const ur = await as(browser, testInfo, UNIT_REVIEWER)
  const page = ur.page
  await page.goto('/reviews/unit')
  await expect(rowOf(page, due.name)).toHaveCount(1)
  await expect(rowOf(page, other.name)).toHaveCount(1)

  await filterSelect(page, '年检年度').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: `${year} 年` }).first().click()
  await page.getByRole('button', { name: '过滤' }).click()
  await expect(page).toHaveURL(new RegExp(`/reviews/unit\\?year=${year}$`))
  await expect(rowOf(page, due.name)).toHaveCount(1)
  await expect(rowOf(page, other.name)).toHaveCount(0)
  await shot(page, 'review-queue-year.png')

  // A reload keeps the filter (select and rows); 全选 then covers this round only.
  await page.reload()
  await expect(filterSelect(page, '年检年度')).toContainText(`${year} 年`)
  await expect(rowOf(page, due.name)).toHaveCount(1)
  await expect(rowOf(page, other.name)).toHaveCount(0)
  const total = await page.getByTestId('queue-total').innerText()
  const n = Number(/(\d+)/.exec(total)?.[1])
  await page.getByTestId('select-all').click()
  await page.getByTestId('approve-button').click()
  await page.locator('.el-message-box').getByRole('button', { name: '审核通过' }).click()
  await expectMessage(page, `本次共审核通过 ${n} 人`)
  const [renewal] = await applicationsOf(ur, other.id)
  expect(renewal).toMatchObject({ kind: 'renewal', state: 'submitted' })

  // Back in the browser history: the unfiltered queue, with the other round's renewal.
  await page.goBack()
  await expect(page).toHaveURL(/\/reviews\/unit$/)
  await expect(filterSelect(page, '年检年度')).not.toContainText(`${year} 年`)
  await expect(rowOf(page, other.name)).toHaveCount(1)
})
