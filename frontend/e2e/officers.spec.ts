// 档案管理 against the real server and its demo data, signed in as the provincial legal office
// (sft_reviewer: the whole province, like the read-only view before login existed).
import { resolve } from 'node:path'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { bearer, login, logBrowserErrors, screenshotDir } from './helpers'

const DUE = {
  due_soon: { label: '即将到期', color: 'rgb(139, 0, 0)' }, // #8B0000 暗红色
  overdue: { label: '已超期', color: 'rgb(255, 0, 0)' }, // #FF0000 鲜红色
} as const

const rows = (page: Page) => page.locator('.officer-table .el-table__body tr.el-table__row')
const pageNumber = (page: Page) => page.getByTestId('page-number')
const pager = (page: Page) => page.locator('.keyset-pager')

/** The el-select inside the filter form item with the given label. */
function filterSelect(page: Page, label: string): Locator {
  return page.locator('.filters .el-form-item').filter({ has: page.getByText(label, { exact: true }) }).locator('.el-select')
}

async function choose(page: Page, label: string, option: string): Promise<void> {
  await filterSelect(page, label).click()
  // Poppers are teleported to <body> and every select has one: pick the visible dropdown.
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: option }).click()
}

async function firstRowCode(page: Page): Promise<string> {
  return (await rows(page).first().locator('td').first().innerText()).trim()
}

let token = ''

test.beforeEach(async ({ page }) => {
  logBrowserErrors(page)
  // Not '/': the server answers GET / with a 404 problem instead of the SPA (Echo group catch-all).
  await page.goto('/officers')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)officers$/)
  token = await login(page, 'sft_reviewer')
})

test('档案管理: rows, due-state filter and colours, keyset paging, details drawer', async ({ page, request }) => {
  await expect(page).toHaveURL(/\/officers/)
  await expect(page.getByRole('heading', { name: '山东省行政执法证件管理信息系统' })).toBeVisible()
  await page.locator('.side-menu').getByText('档案管理').click()
  await expect(page.getByTestId('due-legend')).toHaveText(
    '距年检期限不足两个月以暗红色标示，已超过年检期限以鲜红色标示',
  )

  // Rows render and the total arrives.
  await expect(rows(page).first()).toBeVisible()
  await expect(page.getByTestId('officer-total')).toHaveText(/^共 \d+ 人$/)

  // Filter by each due state the demo data has; every row shows it in its colour.
  let filtered = 0
  for (const [state, { label, color }] of Object.entries(DUE)) {
    const count = await request.get(`/api/v1/officers/count?due_state=${state}`, { headers: bearer(token) })
    expect(count.ok()).toBe(true)
    const { total } = (await count.json()) as { total: number }
    if (total === 0) continue
    filtered++

    await choose(page, '年检状态', label)
    await page.getByRole('button', { name: '查询' }).click()
    await expect(page).toHaveURL(new RegExp(`due_state=${state}`))
    await expect(page.getByTestId('officer-total')).toHaveText(`共 ${total} 人`)
    await expect(rows(page).first()).toBeVisible()
    const n = await rows(page).count()
    expect(n).toBe(Math.min(total, 20))
    for (let i = 0; i < n; i++) {
      const cell = rows(page).nth(i).locator('td.col-due-state')
      await expect(cell).toHaveText(label)
      await expect(cell).toHaveCSS('color', color)
      await expect(rows(page).nth(i).locator('td').first()).toHaveCSS('color', color)
    }

    // The filter is in the URL: a reload shows the same list and form.
    await page.reload()
    await expect(filterSelect(page, '年检状态')).toContainText(label)
    await expect(rows(page)).toHaveCount(n)
    await expect(rows(page).first().locator('td.col-due-state')).toHaveText(label)
  }
  expect(filtered, 'demo data should have officers due soon or overdue').toBeGreaterThan(0)

  // Back to all officers: page forward and back.
  await page.getByRole('button', { name: '重置' }).click()
  await expect(page).toHaveURL(/\/officers$/)
  await expect(rows(page)).toHaveCount(20)
  const first = await firstRowCode(page)
  const next = pager(page).getByRole('button', { name: '下一页' })
  const prev = pager(page).getByRole('button', { name: '上一页' })
  await expect(prev).toBeDisabled()
  await expect(next).toBeEnabled()
  await next.click()
  await expect(pageNumber(page)).toHaveText('第 2 页')
  await expect(prev).toBeEnabled()
  await expect.poll(() => firstRowCode(page)).not.toBe(first)
  await prev.click()
  await expect(pageNumber(page)).toHaveText('第 1 页')
  await expect.poll(() => firstRowCode(page)).toBe(first)

  // Page size 50.
  await pager(page).locator('.el-select').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: '50 条/页' }).click()
  await expect(page).toHaveURL(/size=50/)
  const total = Number((await page.getByTestId('officer-total').innerText()).match(/\d+/)?.[0])
  await expect(rows(page)).toHaveCount(Math.min(total, 50))

  // Double-click opens the details drawer.
  const name = (await rows(page).nth(1).locator('td').nth(1).innerText()).trim()
  await rows(page).nth(1).dblclick()
  const drawer = page.locator('.officer-drawer')
  await expect(drawer).toBeVisible()
  await expect(drawer).toContainText(`${name} - 人员详情`)
  await expect(drawer.getByTestId('officer-details')).toContainText('执法人员编码')

  await page.screenshot({ path: resolve(screenshotDir, 'officer-drawer.png'), animations: 'disabled' })
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await page.locator('.layout-main').evaluate((el) => el.scrollTo(0, 0))
  await page.screenshot({ path: resolve(screenshotDir, 'officer-list.png'), animations: 'disabled' })
})

test('an invalid ID number is refused before the request', async ({ page }) => {
  await page.goto('/officers')
  await expect(rows(page).first()).toBeVisible()
  await page.getByPlaceholder('18位身份证号').fill('12345')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(page.locator('.filters')).toContainText('身份证号应为18位')
  await expect(page).not.toHaveURL(/id_number=/)
})

test('unknown paths show the not-found page inside the layout', async ({ page }) => {
  await page.goto('/no-such-page')
  await expect(page.getByText('页面不存在').first()).toBeVisible()
  await expect(page.locator('.side-menu')).toContainText('档案管理')
})
