// Shared steps for the browser tests: signing in through the login page, API calls with a bearer
// token, and accounts created for one test so the demo accounts are never locked or changed.
//
// The server allows 20 login attempts per IP per minute and every test runs from 127.0.0.1: tests
// reuse the admin's API token (adminToken) instead of signing in again.
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page, type TestInfo } from '@playwright/test'

const here = dirname(fileURLToPath(import.meta.url))
export const screenshotDir = resolve(here, '..', process.env.LECMS_E2E_OUTPUT ?? 'test-results')

/** Password of every demo account (api/seed DemoPassword). */
export const DEMO_PASSWORD = 'Demo@2026'

export interface ApiUser {
  id: number
  username: string
  display_name: string
  role: string
  scope: string
  unit_id: number | null
  locked: boolean
  disabled: boolean
  must_change_password: boolean
}

/**
 * Signs in through the login page and waits for the first page after it. Returns the access token
 * the page received (for API checks as the same user without another login).
 */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<string> {
  // A protected page sends the visitor to /login?redirect=… once the session restore has failed.
  if (!/\/login/.test(page.url())) {
    await page.waitForURL(/\/login/, { timeout: 5000 }).catch(() => page.goto('/login'))
  }
  await fillLogin(page, username, password)
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
  await page.getByRole('button', { name: '登录' }).click()
  const res = await answer
  expect(res.status(), `login as ${username}`).toBe(200)
  await expect(page).not.toHaveURL(/\/login/)
  return ((await res.json()) as { access_token: string }).access_token
}

export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByPlaceholder('用户名').fill(username)
  await page.getByPlaceholder('密码').fill(password)
}

/** Signs in through the API (does not touch any page); returns the access token. */
export async function apiLogin(request: APIRequestContext, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await request.post('/api/v1/auth/login', { data: { username, password } })
  expect(res.status(), `API login as ${username}: ${await res.text()}`).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}

let admin: string | undefined

/** The admin's access token, signed in once per test file (tokens live 15 minutes). */
export async function adminToken(request: APIRequestContext): Promise<string> {
  admin ??= await apiLogin(request, 'admin')
  return admin
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` }
}

/** A username no other run used (the e2e database is fresh per run, but tests may repeat). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}

/** Creates an account with an initial password as the admin (the user must change it at first login). */
export async function createUser(
  request: APIRequestContext,
  body: { username: string; display_name: string; role: string; scope?: string; unit_id?: number; password: string },
): Promise<ApiUser> {
  const res = await request.post('/api/v1/users', { data: body, headers: bearer(await adminToken(request)) })
  expect(res.status(), `create ${body.username}: ${await res.text()}`).toBe(201)
  return (await res.json()) as ApiUser
}

export async function apiGet<T>(request: APIRequestContext, token: string, path: string): Promise<T> {
  const res = await request.get(path, { headers: bearer(token) })
  expect(res.ok(), `GET ${path}: ${res.status()} ${await res.text()}`).toBe(true)
  return (await res.json()) as T
}

/**
 * Logs browser errors to the test output. Refused requests the tests provoke (400 policy errors, 401 on the session
 * restore of a signed-out page, wrong passwords, 423 lockout, 404 for another unit) are left out.
 */
export function logBrowserErrors(page: Page): void {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    if (/Failed to load resource: the server responded with a status of (400|401|403|404|423)/.test(msg.text())) return
    console.log(`[browser] ${msg.text()}`)
  })
}

/** A signed-in browser page of one user, with the access token of that login. */
export interface Session {
  context: BrowserContext
  page: Page
  token: string
}

/**
 * One login per user for a whole spec file: `as(browser, testInfo, username)` signs the user in
 * once in a context of its own and returns the same page afterwards. Call `clear` from the file's
 * `test.afterAll`. The contexts are left to the worker's browser to close: closing them after the
 * last test races Playwright's per-test trace recording (retain-on-failure) and fails on its
 * discarded files.
 */
export function signedInSessions(): {
  as: (browser: Browser, testInfo: TestInfo, username: string) => Promise<Session>
  clear: () => void
} {
  const sessions = new Map<string, Session>()
  async function as(browser: Browser, testInfo: TestInfo, username: string): Promise<Session> {
    let s = sessions.get(username)
    if (!s) {
      const use = testInfo.project.use
      const context = await browser.newContext({
        baseURL: use.baseURL,
        locale: use.locale,
        timezoneId: use.timezoneId,
        viewport: use.viewport,
      })
      const page = await context.newPage()
      logBrowserErrors(page)
      const token = await login(page, username)
      s = { context, page, token }
      sessions.set(username, s)
    }
    return s
  }
  return { as, clear: () => sessions.clear() }
}

/** The body rows of the page's Element Plus table, and the one showing `text`. */
export const tableRows = (page: Page): Locator => page.locator('.el-table__body tr.el-table__row')
export const tableRowOf = (page: Page, text: string): Locator => tableRows(page).filter({ hasText: text })
