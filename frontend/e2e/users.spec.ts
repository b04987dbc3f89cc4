// 系统管理 → 用户管理 as the provincial administrator against the real server.
import { resolve } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { login, logBrowserErrors, screenshotDir, uniqueName } from './helpers'

const userRows = (page: Page) => page.locator('.user-table .el-table__body tr.el-table__row')

test.beforeEach(async ({ page }) => {
  logBrowserErrors(page)
})

test('用户管理: list, create a unit user, reset password, disable and enable', async ({ page }) => {
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/login\?redirect=/)
  await login(page, 'admin')
  await expect(page).toHaveURL(/\/admin\/users$/)
  await expect(page.locator('.side-menu .el-menu-item.is-active')).toContainText('用户管理')

  // The demo accounts with Chinese role labels and jurisdictions.
  await expect(userRows(page).first()).toBeVisible()
  const reviewer = userRows(page).filter({ hasText: 'sft_reviewer' })
  await expect(reviewer).toContainText('法制机构审核人')
  await expect(reviewer).toContainText('山东省')
  const operator = userRows(page).filter({ hasText: 'lixia_operator' })
  await expect(operator).toContainText('单位经办人')
  await expect(operator).toContainText('济南市历下区城市管理局')
  await page.locator('.layout-main').evaluate((el) => el.scrollTo(0, 0))
  await page.screenshot({ path: resolve(screenshotDir, 'users-list.png'), animations: 'disabled' })

  // 新建用户: a unit operator of 济南市历下区市场监督管理局.
  const username = uniqueName('lixia_op')
  await page.getByRole('button', { name: '新建用户' }).click()
  const dialog = page.locator('.user-create-dialog')
  await expect(dialog).toBeVisible()
  // The form checks come first: an empty form is refused before any request.
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog).toContainText('请输入用户名')
  await expect(dialog).toContainText('请选择角色')

  await dialog.getByPlaceholder('登录用的用户名，如 shizhong_operator').fill(username)
  await dialog.getByPlaceholder('显示的姓名或岗位，如 市中区经办人').fill('历下市场监管经办人')
  await dialog.locator('.el-form-item').filter({ hasText: '角色' }).locator('.el-select').click()
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').filter({ hasText: '单位经办人' }).click()
  await expect(dialog.locator('.el-form-item').filter({ hasText: '所属单位' })).toBeVisible()
  const unitSelect = dialog.locator('.el-form-item').filter({ hasText: '所属单位' }).locator('.el-select')
  await unitSelect.click()
  await unitSelect.locator('input').fill('济南市历下区市场')
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item')
    .filter({ hasText: '济南市历下区市场监督管理局' })
    .click()

  // A weak initial password is refused by the server, on the input.
  await dialog.getByPlaceholder('用户首次登录后须修改').fill('abc')
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(dialog.locator('.el-form-item').filter({ hasText: '初始密码' })).toContainText('密码至少 8 位')
  await page.screenshot({ path: resolve(screenshotDir, 'user-create.png'), animations: 'disabled' })

  await dialog.getByRole('button', { name: '随机生成' }).click()
  await expect(dialog.getByPlaceholder('用户首次登录后须修改')).toHaveValue(/^.{12}$/)
  await dialog.getByRole('button', { name: '创建' }).click()
  await expect(page.locator('.el-message--success')).toContainText(`已创建用户 ${username}`)
  await expect(dialog).toBeHidden()

  await page.getByPlaceholder('用户名或姓名（前缀匹配）').fill(username)
  await page.getByRole('button', { name: '查询' }).click()
  await expect(userRows(page)).toHaveCount(1)
  const row = userRows(page).first()
  await expect(row).toContainText('单位经办人')
  await expect(row).toContainText('济南市历下区市场监督管理局')
  await expect(row.locator('[data-status="must_change"]')).toHaveText('待修改密码')

  // 重置密码.
  await row.getByRole('button', { name: '重置密码' }).click()
  const reset = page.locator('.password-reset-dialog')
  await expect(reset).toContainText(username)
  await reset.getByRole('button', { name: '随机生成' }).click()
  await reset.getByRole('button', { name: '重置' }).click()
  await expect(page.locator('.el-message--success').filter({ hasText: '已重置' })).toContainText(username)
  await expect(reset).toBeHidden()

  // 停用 and 启用.
  await row.getByRole('button', { name: '停用' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
  await expect(row.locator('[data-status="disabled"]')).toHaveText('已停用')
  await row.getByRole('button', { name: '启用' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '启用' }).click()
  await expect(row.locator('[data-status="disabled"]')).toHaveCount(0)
  await expect(row.getByRole('button', { name: '停用' })).toBeVisible()

  // The administrator cannot disable themself: no 停用 on their own row.
  await page.getByPlaceholder('用户名或姓名（前缀匹配）').fill('admin')
  await page.getByRole('button', { name: '查询' }).click()
  const self = userRows(page).filter({ has: page.locator('td.col-username', { hasText: /^admin$/ }) })
  await expect(self).toHaveCount(1)
  await expect(self.getByRole('button', { name: '停用' })).toHaveCount(0)
})
