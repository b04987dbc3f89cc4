// End-to-end tests against the real server (`bin/lecms serve`) serving the built SPA from dist/.
// Run `npm run build` and `go build -o bin/lecms ./api/cmd/lecms` (repo root) first.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from '@playwright/test'

const here = dirname(fileURLToPath(import.meta.url))
// LECMS_E2E_ADDR / LECMS_E2E_OUTPUT let two suites run side by side on one machine.
const addr = process.env.LECMS_E2E_ADDR ?? '127.0.0.1:18080'
const baseURL = `http://${addr}`
// LECMS_BIN points the suite at another server binary (default: the repo's bin/lecms).
const server = process.env.LECMS_BIN ?? resolve(here, '../bin/lecms')

// A fresh embedded database per run. The config is also loaded by worker processes: they
// inherit the variable instead of creating directories of their own.
process.env.LECMS_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'lecms-e2e-'))

export default defineConfig({
  testDir: './e2e',
  outputDir: process.env.LECMS_E2E_OUTPUT ?? './test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1600, height: 1000 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `${server} serve`,
    cwd: here,
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LECMS_ENV: 'development',
      LECMS_ADDR: addr,
      LECMS_DATABASE_URL: '',
      LECMS_DATA_DIR: process.env.LECMS_E2E_DATA_DIR,
      LECMS_SPA_DIR: resolve(here, 'dist'),
      LECMS_LOG_FORMAT: 'text',
      LECMS_LOG_LEVEL: 'warn',
    },
  },
})
