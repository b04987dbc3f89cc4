// Signing in and out, the session across reloads (refresh cookie), lockout, the forced password
// change, the idle timeout, and a unit user's view of 档案管理 — against the real server.
import { resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import {
  adminToken,
  apiGet,
  bearer,
  createUser,
  fillLogin,
  login,
  logBrowserErrors,
  screenshotDir,
  uniqueName,
} from './helpers'

const rows = (page: Page) => page.locator('.officer-table .el-table__body tr.el-table__row')

test.beforeEach(async ({ page }) => {
  logBrowserErrors(page)
})

test('login, session kept across a reload (Secure refresh cookie on http://127.0.0.1), logout', async ({ page }) => {
  await page.goto('/officers')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await expect(page.getByRole('heading', { name: '山东省行政执法证件管理信息系统' })).toBeVisible()
  await page.screenshot({ path: resolve(screenshotDir, 'login.png'), animations: 'disabled' })

  // Wrong password: the server's message, same text as for an unknown user.
  await fillLogin(page, 'sft_reviewer', 'not-the-password')
  await page.getByRole('button', { name: '登录' }).click()
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')

  await login(page, 'sft_reviewer')
  await expect(page).toHaveURL(/\/officers$/)
  await expect(page.getByTestId('user-name')).toHaveText('省司法厅审核员')
  await expect(rows(page).first()).toBeVisible()

  // The access token is in memory only: a reload restores the session from the httpOnly cookie.
  const cookies = await page.context().cookies()
  const refresh = cookies.find((c) => c.name === 'lecms_refresh')
  expect(refresh, 'refresh cookie stored').toBeDefined()
  expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth' })
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain('eyJ')
  await page.reload()
  await expect(page).toHaveURL(/\/officers$/)
  await expect(page.getByTestId('user-name')).toHaveText('省司法厅审核员')
  await expect(rows(page).first()).toBeVisible()

  // The user menu: name, role label and jurisdiction.
  await page.getByTestId('user-area').click()
  const card = page.getByTestId('user-card')
  await expect(card).toContainText('sft_reviewer')
  await expect(card).toContainText('法制机构审核人')
  await expect(card).toContainText('山东省')
  await page.screenshot({ path: resolve(screenshotDir, 'user-menu.png'), animations: 'disabled' })

  await page.getByRole('menuitem', { name: '退出登录' }).click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByTestId('login-notice')).toContainText('您已退出登录')

  // The session is gone on the server: a page load no longer restores it.
  await page.goto('/officers')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await expect(page.getByTestId('login-notice')).toHaveCount(0)
})

test('five wrong passwords lock the account; the administrator sees 已锁定 and unlocks it', async ({
  page,
  request,
}) => {
  // A dedicated account, so that no demo account is locked for the other tests.
  const username = uniqueName('lock')
  await createUser(request, {
    username,
    display_name: '锁定测试',
    role: 'legal_reviewer',
    scope: '370102',
    password: 'Init#2026ab',
  })

  await page.goto('/login')
  for (let i = 1; i <= 5; i++) {
    await fillLogin(page, username, `wrong-${i}`)
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
    await page.getByRole('button', { name: '登录' }).click()
    const res = await answer
    if (i < 5) {
      expect(res.status()).toBe(401)
      await expect(page.getByTestId('login-error')).toHaveText('用户名或密码错误')
    } else {
      expect(res.status()).toBe(423)
    }
  }
  const error = page.getByTestId('login-error')
  await expect(error).toContainText('登录失败次数过多，账户已锁定')
  await expect(error).toContainText(/请 \d+ 分钟后再试/)
  await page.screenshot({ path: resolve(screenshotDir, 'login-locked.png'), animations: 'disabled' })

  // Even the right password is refused while locked.
  await fillLogin(page, username, 'Init#2026ab')
  await page.getByRole('button', { name: '登录' }).click()
  await expect(error).toContainText('账户已锁定')

  // The administrator: 系统管理 → 用户管理 shows the lock and lifts it.
  await login(page, 'admin')
  await page.locator('.side-menu').getByText('系统管理').click()
  await page.locator('.side-menu').getByText('用户管理').click()
  await expect(page).toHaveURL(/\/admin\/users$/)
  await page.getByPlaceholder('用户名或姓名（前缀匹配）').fill(username)
  await page.getByRole('button', { name: '查询' }).click()
  const row = page.locator('.user-table .el-table__body tr.el-table__row').filter({ hasText: username })
  await expect(row).toHaveCount(1)
  await expect(row.locator('[data-status="locked"]')).toHaveText('已锁定')
  await expect(row.locator('[data-status="must_change"]')).toHaveText('待修改密码')
  await row.getByRole('button', { name: '解锁' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '解锁' }).click()
  await expect(page.locator('.el-message--success')).toContainText(`已解锁：${username}`)
  await expect(row.locator('[data-status="locked"]')).toHaveCount(0)
})

test('forced password change: initial password → 修改密码 (policy errors on the input) → 档案管理', async ({
  page,
  request,
}) => {
  const username = uniqueName('newuser')
  const initial = 'Init#2026ab'
  await createUser(request, {
    username,
    display_name: '历下区新审核员',
    role: 'legal_reviewer',
    scope: '370102',
    password: initial,
  })

  await page.goto('/login')
  await login(page, username, initial)
  await expect(page).toHaveURL(/\/change-password/)
  await expect(page.getByTestId('password-policy')).toContainText('包含大写字母、小写字母、数字、符号中的至少 3 类')

  // Nothing else is reachable until the password is changed (and the API refuses too).
  await page.goto('/officers')
  await expect(page).toHaveURL(/\/change-password/)
  await expect(page.locator('.side-menu')).toHaveCount(0)

  const item = (label: string) => page.locator('.password-form .el-form-item').filter({ hasText: label })
  await page.getByPlaceholder('当前使用的密码（初始密码）').fill(initial)
  await page.getByPlaceholder('新密码', { exact: true }).fill('weakpass')
  await page.getByPlaceholder('再次输入新密码').fill('weakpass')
  await page.getByRole('button', { name: '确认修改' }).click()
  await expect(item('新密码').first().locator('.el-form-item__error')).toContainText('至少 3 类')
  await page.screenshot({ path: resolve(screenshotDir, 'password-forced.png'), animations: 'disabled' })

  // The username is not allowed inside the password either.
  await page.getByPlaceholder('新密码', { exact: true }).fill(`X#1${username}`)
  await page.getByPlaceholder('再次输入新密码').fill(`X#1${username}`)
  await page.getByRole('button', { name: '确认修改' }).click()
  await expect(item('新密码').first().locator('.el-form-item__error')).toContainText('不能包含用户名')

  await page.getByPlaceholder('新密码', { exact: true }).fill('Strong#2026xy')
  await page.getByPlaceholder('再次输入新密码').fill('Strong#2026xy')
  await page.getByRole('button', { name: '确认修改' }).click()
  await expect(page.locator('.el-message--success')).toContainText('密码修改成功')
  await expect(page).toHaveURL(/\/officers/)
  await expect(rows(page).first()).toBeVisible()
  await expect(page.getByTestId('user-name')).toHaveText('历下区新审核员')
})

test('a unit user sees only their own unit; another unit’s officer is not found', async ({ page, request }) => {
  await page.goto('/login')
  const token = await login(page, 'lixia_operator')
  await expect(page).toHaveURL(/\/officers$/)

  const me = await apiGet<{ user: { unit_id: number; scope: string } }>(request, token, '/api/v1/me')
  const units = await apiGet<{ items: { id: number; name: string }[] }>(
    request,
    token,
    `/api/v1/units?region=${me.user.scope}&limit=200`,
  )
  const unitName = units.items.find((u) => u.id === me.user.unit_id)?.name
  expect(unitName).toBe('济南市历下区城市管理局')

  // Every row on every page is the user's unit, and the total is that unit's.
  const { total } = await apiGet<{ total: number }>(
    request,
    await adminToken(request),
    `/api/v1/officers/count?unit_id=${me.user.unit_id}`,
  )
  await expect(page.getByTestId('officer-total')).toHaveText(`共 ${total} 人`)
  const unitCells = page.locator('.officer-table .el-table__body tr.el-table__row td:nth-child(5)')
  await expect(unitCells.first()).toBeVisible()
  for (;;) {
    const names = (await unitCells.allInnerTexts()).map((t) => t.trim())
    expect(names.length).toBeGreaterThan(0)
    expect(new Set(names)).toEqual(new Set([unitName]))
    const next = page.locator('.keyset-pager').getByRole('button', { name: '下一页' })
    if (await next.isDisabled()) break
    const page1 = await page.getByTestId('page-number').innerText()
    await next.click()
    await expect(page.getByTestId('page-number')).not.toHaveText(page1)
    await expect(unitCells.first()).toBeVisible()
  }
  await page.screenshot({ path: resolve(screenshotDir, 'officers-unit-user.png'), animations: 'disabled' })

  // An officer of another unit: found for the admin, 404 for the unit user (existence does not leak).
  const admin = await adminToken(request)
  const other = await apiGet<{ items: { id: number; unit_id: number }[] }>(
    request,
    admin,
    `/api/v1/officers?unit_id=${me.user.unit_id + 1}&limit=1`,
  )
  const otherId = other.items[0]?.id
  expect(otherId, 'the next unit has officers').toBeDefined()
  const refused = await request.get(`/api/v1/officers/${otherId}`, { headers: bearer(token) })
  expect(refused.status()).toBe(404)
  expect(((await refused.json()) as { detail: string }).detail).toBe('执法人员不存在')
  // The user's own officers are there.
  const own = await apiGet<{ items: { id: number }[] }>(request, token, '/api/v1/officers?limit=1')
  const mine = await request.get(`/api/v1/officers/${own.items[0]!.id}`, { headers: bearer(token) })
  expect(mine.status()).toBe(200)
  // Asking the list for another unit is refused as well.
  const otherList = await request.get(`/api/v1/officers?unit_id=${me.user.unit_id + 1}`, { headers: bearer(token) })
  expect(otherList.status()).toBe(403)

  // The unit user has no 系统管理 entries.
  await expect(page.locator('.side-menu')).not.toContainText('系统管理')
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/forbidden/)
  await expect(page.getByText('无权访问').first()).toBeVisible()
})

test('idle timeout: countdown two minutes before the end, 继续使用 refreshes, then automatic logout', async ({
  page,
}) => {
  await page.clock.install()
  await page.goto('/login')
  await login(page, 'jinan_reviewer')
  await expect(rows(page).first()).toBeVisible()

  // 28 minutes without activity (idle_timeout_seconds is 1800): the countdown appears.
  await page.clock.fastForward('28:05')
  const box = page.locator('.idle-timeout-box')
  await expect(box).toBeVisible()
  await expect(box.getByTestId('idle-countdown')).toHaveText(/^您已长时间未操作，将在 \d+ 秒后自动退出$/)
  const first = Number((await box.getByTestId('idle-countdown').innerText()).match(/\d+/)?.[0])
  expect(first).toBeGreaterThan(60)
  expect(first).toBeLessThanOrEqual(120)
  await page.clock.fastForward('00:10')
  await expect(box.getByTestId('idle-countdown')).not.toHaveText(`您已长时间未操作，将在 ${first} 秒后自动退出`)
  await page.screenshot({ path: resolve(screenshotDir, 'idle-warning.png'), animations: 'disabled' })

  // 继续使用 refreshes the session (a real refresh on the server) and closes the countdown.
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'))
  await box.getByRole('button', { name: '继续使用' }).click()
  expect((await refreshed).status()).toBe(200)
  await expect(box).toBeHidden()

  // Then 31 minutes without activity: signed out, with the reason on the login page.
  await page.clock.fastForward('31:00')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByTestId('login-notice')).toContainText('长时间未操作，已自动退出')
  // The server session was ended too: a reload does not restore it.
  await page.reload()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByTestId('user-name')).toHaveCount(0)
})
