// 系统管理 → 审计日志 as the provincial administrator against the real server.
import { resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { createUser, login, logBrowserErrors, screenshotDir, uniqueName } from './helpers'

const eventRows = (page: Page) => page.locator('.audit-table .el-table__body tr.el-table__row')

async function chooseIn(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.locator('.filters .el-form-item').filter({ hasText: label }).locator('.el-select').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: option }).first().click()
}

test.beforeEach(async ({ page }) => {
  logBrowserErrors(page)
})

test('审计日志: newest first, filters by action family, actor, result and time, row details', async ({
  page,
  request,
}) => {
  // Something to find: an account created through the API (audited as user.create).
  const username = uniqueName('audited')
  const created = await createUser(request, {
    username,
    display_name: '审计测试',
    role: 'legal_reviewer',
    scope: '370100',
    password: 'Init#2026ab',
  })

  await page.goto('/admin/audit')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await login(page, 'admin')
  await expect(page).toHaveURL(/\/admin\/audit$/)
  await expect(eventRows(page).first()).toBeVisible()

  // Newest first.
  const times = (await page.locator('.audit-table td.col-time').allInnerTexts()).map((t) => t.trim())
  expect(times.length).toBeGreaterThan(1)
  expect([...times].sort().reverse()).toEqual(times)

  // The admin's own login (just now) is there.
  await page.getByPlaceholder('用户名（精确匹配）').fill('admin')
  await chooseIn(page, '操作类型', /^登录$/)
  await chooseIn(page, '结果', '成功')
  await page.getByRole('button', { name: '查询' }).click()
  await expect(eventRows(page).first().locator('td.col-action')).toContainText('登录')
  const actions = await page.locator('.audit-table td.col-action').allInnerTexts()
  expect(actions.every((a) => a.includes('auth.login'))).toBe(true)
  const results = await page.locator('.audit-table td.col-result').allInnerTexts()
  expect(results.every((r) => r.trim() === '成功')).toBe(true)
  const actors = await page.locator('.audit-table td.col-actor').allInnerTexts()
  expect(actors.every((a) => a.startsWith('admin'))).toBe(true)

  // The family 用户管理 within the last hour: the new account, with its details.
  await page.getByRole('button', { name: '重置' }).click()
  await chooseIn(page, '操作类型', '用户管理（全部）')
  await page.locator('.filters .el-date-editor').click()
  await page.locator('.el-picker-panel:visible').getByText('最近 1 小时').click()
  await page.getByRole('button', { name: '查询' }).click()
  const row = eventRows(page).filter({ hasText: `用户 ${created.id}` }).first()
  await expect(row.locator('td.col-action')).toContainText('新建用户')
  await expect(row.locator('td.col-actor')).toContainText('admin')
  await row.locator('.el-table__expand-icon').click()
  const detail = page.getByTestId('audit-detail').first()
  await expect(detail).toContainText(username)
  await expect(detail).toContainText('链式校验值')
  await page.locator('.layout-main').evaluate((el) => el.scrollTo(0, 0))
  await page.screenshot({ path: resolve(screenshotDir, 'audit-log.png'), animations: 'disabled' })

  // Keyset paging when there is more than a page (a fresh database may hold only a few events).
  await page.getByRole('button', { name: '重置' }).click()
  await page.locator('.keyset-pager .el-select').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: '20 条/页' }).click()
  await expect(page.locator('.audit-table .el-loading-mask')).toBeHidden()
  const shown = await eventRows(page).count()
  expect(shown).toBeGreaterThan(0)
  expect(shown).toBeLessThanOrEqual(20)
  const next = page.locator('.keyset-pager').getByRole('button', { name: '下一页' })
  if (shown === 20 && (await next.isEnabled())) {
    const last = (await page.locator('.audit-table td.col-time').last().innerText()).trim()
    await next.click()
    await expect(page.getByTestId('page-number')).toHaveText('第 2 页')
    const first = (await page.locator('.audit-table td.col-time').first().innerText()).trim()
    expect(first <= last).toBe(true)
  }
})
