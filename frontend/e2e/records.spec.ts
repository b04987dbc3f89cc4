// 档案管理 through the browser against the real server: a unit operator creates an officer (the ID
// number check fills 性别 / 出生日期), a too-small photo is refused with the server's rule, a proper
// portrait is uploaded and its thumbnail shown (fetched with the bearer token as a blob: URL).
import { resolve } from 'node:path'
import { deflateSync } from 'node:zlib'
import { expect, test } from '@playwright/test'
import { login, logBrowserErrors, screenshotDir } from './helpers'

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** A valid GB 11643 ID number (历下区, given birth date, a random sequence). */
function idNumber(birth: string, female: boolean): string {
  let seq = 100 + Math.floor(Math.random() * 800)
  if ((seq % 2 === 0) !== female) seq += 1
  const first17 = `370102${birth}${seq}`
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * W[i]!, 0)
  return first17 + '10X98765432'[sum % 11]!
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

/** An RGB PNG of the given size: a light background with a darker "head and shoulders" shape. */
function portraitPng(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0
    for (let x = 0; x < width; x++) {
      const dx = (x - width / 2) / (width * 0.22)
      const dy = (y - height * 0.38) / (height * 0.2)
      const head = dx * dx + dy * dy < 1
      const body = y > height * 0.62 && Math.abs(x - width / 2) < width * (0.2 + (y / height - 0.62))
      const v = head || body ? [60, 70, 90] : [225, 235, 250]
      raw.set(v, row + 1 + x * 3)
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

test('a unit operator creates an officer, and uploads a photo after a too-small one is refused', async ({ page }) => {
  logBrowserErrors(page)
  await page.goto('/officers')
  await login(page, 'lixia_operator')

  await page.getByTestId('officer-create').click()
  const dialog = page.locator('.officer-form-dialog')
  await expect(dialog.getByText('新增执法人员')).toBeVisible()

  const code = `E2E-${Date.now().toString(36).toUpperCase()}`
  const id = idNumber('19900215', true)
  await dialog.getByLabel('执法人员编码').fill(code)
  await dialog.getByLabel('姓名').fill('照片测试')
  await dialog.getByLabel('身份证号').fill(id.toLowerCase())
  // The server check normalises the number and fills 性别 / 出生日期.
  await expect(dialog.getByTestId('id-autofill-hint')).toContainText('已识别')
  await expect(dialog.getByLabel('身份证号')).toHaveValue(id)
  await expect(dialog.getByLabel('出生日期')).toHaveValue('1990-02-15')
  await expect(dialog.getByTestId('officer-sex').locator('.is-active')).toHaveText('女')
  await dialog.getByLabel('执法区域').fill('济南市历下区')
  await dialog.getByLabel('执法类别').fill('城市管理')
  await dialog.getByTestId('officer-staffing').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '在编' }).click()

  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/officers') && r.request().method() === 'POST')
  await dialog.getByTestId('officer-save').click()
  expect((await created).status()).toBe(201)
  await expect(dialog.getByText('编辑执法人员 - 照片测试')).toBeVisible()
  await expect(dialog.getByText('未上传照片')).toBeVisible()
  await expect(dialog.getByLabel('身份证号')).toHaveValue(id) // kept for the next save

  const input = dialog.locator('input[type=file]')
  // Too small: the server names the rule; the requirements are spelled out beside it.
  const refused = page.waitForResponse((r) => r.url().endsWith('/photo') && r.request().method() === 'PUT')
  await input.setInputFiles({ name: 'small.png', mimeType: 'image/png', buffer: portraitPng(100, 140) })
  expect((await refused).status()).toBe(400)
  await expect(dialog.getByTestId('photo-error')).toContainText('要求：一寸证件照，不小于 295×413 像素，竖版')
  const ruleText = await dialog.getByTestId('photo-error').innerText()
  expect(ruleText.length).toBeGreaterThan('要求：'.length + 30)
  await page.screenshot({ path: resolve(screenshotDir, 'records-photo-refused.png') })

  const stored = page.waitForResponse((r) => r.url().endsWith('/photo') && r.request().method() === 'PUT')
  await input.setInputFiles({ name: 'portrait.png', mimeType: 'image/png', buffer: portraitPng(330, 460) })
  expect((await stored).status()).toBe(200)
  await expect(dialog.getByTestId('photo-error')).toHaveCount(0)
  const thumb = dialog.getByTestId('officer-thumbnail')
  await expect(thumb).toBeVisible()
  await expect(thumb).toHaveAttribute('src', /^blob:/)
  expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  await page.screenshot({ path: resolve(screenshotDir, 'records-officer-form.png') })

  // The drawer shows the thumbnail too.
  await dialog.getByRole('button', { name: '关闭', exact: true }).click()
  await page.getByPlaceholder('执法人员编码').fill(code)
  await page.getByRole('button', { name: '查询' }).click()
  await page.locator('.officer-table tr.el-table__row', { hasText: code }).first().dblclick()
  const drawer = page.locator('.officer-drawer')
  await expect(drawer.getByTestId('officer-thumbnail')).toHaveAttribute('src', /^blob:/)
  await page.screenshot({ path: resolve(screenshotDir, 'records-drawer.png') })
})

test('单位管理: an administrator sees the units; deleting one with officers is refused with the server’s reason', async ({ page }) => {
  logBrowserErrors(page)
  await page.goto('/units')
  await login(page, 'admin')
  await expect(page).toHaveURL(/\/units/)
  const row = page.locator('.unit-table tr.el-table__row', { hasText: '历下区城市管理局' }).first()
  await expect(row).toBeVisible()
  await page.screenshot({ path: resolve(screenshotDir, 'records-units.png') })
  await row.getByRole('button', { name: '删除' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click()
  const refusal = page.locator('.el-message-box', { hasText: '不能删除该单位' })
  await expect(refusal).toBeVisible()
  await page.screenshot({ path: resolve(screenshotDir, 'records-unit-delete-refused.png') })
})
