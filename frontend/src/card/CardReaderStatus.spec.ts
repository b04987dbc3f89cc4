import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { getActivePinia } from 'pinia'
import { ElMessage } from 'element-plus'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { cardTestEnv, until } from '@/test/cardSetup'
import CardReaderStatus from './CardReaderStatus.vue'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
  document.body.innerHTML = ''
})

const dialog = () => document.querySelector<HTMLElement>('[data-testid="pairing-dialog"]')
const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

describe('读卡器 status and pairing dialog', () => {
  it('pairs through the dialog: 未连接 → 未配对 → code → 就绪', async () => {
    vi.spyOn(ElMessage, 'success').mockImplementation(() => ({ close() {} }) as never)
    const { agent } = await cardTestEnv({ paired: false })
    wrapper = mount(CardReaderStatus, { global: { plugins: [getActivePinia()!] }, attachTo: document.body })
    const text = () => wrapper!.get('[data-testid="reader-status-text"]').text()
    expect(wrapper.text()).toContain('读卡器：')
    expect(text()).toBe('未连接')
    expect(agent.sockets).toHaveLength(0) // never paired here: no connection until asked

    await wrapper.get('[data-testid="reader-status"]').trigger('click')
    await until(() => useCardAgentStore().status === 'unpaired', 'unpaired')
    await settle()
    expect(text()).toBe('未配对')
    expect(dialog()!.textContent).toContain('本浏览器尚未与读卡客户端配对')

    byTestId('pair-begin')!.click()
    await until(() => agent.sent('pair_begin').length === 1, 'pair_begin')
    await settle()
    expect(byTestId('pair-code-hint')!.textContent).toContain('配对码已在读卡客户端显示')
    const input = dialog()!.querySelector<HTMLInputElement>('input[placeholder="6 位配对码"]')!
    input.value = '12345'
    input.dispatchEvent(new Event('input'))
    await settle()
    byTestId('pair-confirm')!.click()
    await settle()
    expect(byTestId('pair-error')!.textContent).toContain('请输入读卡客户端显示的 6 位数字配对码')

    input.value = '000000'
    input.dispatchEvent(new Event('input'))
    await settle()
    byTestId('pair-confirm')!.click()
    await until(() => byTestId('pair-error')?.textContent?.includes('还可尝试 4 次') ?? false, 'wrong code message')

    input.value = agent.code
    input.dispatchEvent(new Event('input'))
    await settle()
    byTestId('pair-confirm')!.click()
    await until(() => useCardAgentStore().ready, 'ready')
    await settle()
    expect(text()).toBe('就绪')
    await until(() => (byTestId('agent-info')?.textContent ?? '').includes('已登记：制证室 1 号机'), 'registered')
    expect(byTestId('agent-info')!.textContent).toContain('Virtual PCD 00 00')

    agent.insert({ atr: '3B', uid: '5C1D2E3F', profile: 'mifare-classic-1k' })
    await until(() => useCardAgentStore().status === 'card', 'card')
    await settle()
    expect(text()).toBe('已放卡 5C1D2E3F')
    expect(byTestId('agent-card')!.textContent).toBe('5C1D2E3F（MIFARE 1K）')
  })

  it('explains how to start the agent and allow the browser to reach it', async () => {
    const { agent } = await cardTestEnv()
    agent.reachable = false
    wrapper = mount(CardReaderStatus, { global: { plugins: [getActivePinia()!] }, attachTo: document.body })
    await settle()
    // Paired before: it tries at start.
    await until(() => useCardAgentStore().conn === 'unreachable', 'unreachable')
    await wrapper.get('[data-testid="reader-status"]').trigger('click')
    await settle()
    const t = dialog()!.textContent ?? ''
    expect(t).toContain('未连接读卡客户端')
    expect(t).toContain('启动读卡客户端')
    expect(t).toContain('本地网络访问')
    expect(t).toContain('允许')
    expect(t).toContain('ws://127.0.0.1:17321/ws')
    agent.reachable = true
    byTestId('agent-reconnect')!.click()
    await until(() => useCardAgentStore().ready, 'ready')
  })
})
