import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { CardAgent } from '@/api/production'
import { useAuthStore } from '@/stores/auth'
import { setAgentClientFactory, useCardAgentStore } from '@/stores/cardAgent'
import { cardTestEnv, issuerMe } from '@/test/cardSetup'
import { user } from '@/test/auth'
import { json, problem } from '@/test/fetchMock'
import { agentReasonError, agentStateText, disabledDetail } from './agentRules'
import { useCardAgents } from './useCardAgents'

beforeEach(() => setActivePinia(createPinia()))

afterEach(() => {
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
})

function agent(over: Partial<CardAgent> = {}): CardAgent {
  return {
    id: 1,
    name: '制证室 1 号机',
    key_id: '80f893b4d97acb00',
    public_key: 'ed25519:AAAA',
    alg: 'ed25519',
    region_code: '370000',
    registered_by: 'card_issuer',
    created_at: '2026-11-01T00:00:00Z',
    last_used_at: null,
    disabled: false,
    disabled_at: null,
    disabled_by: '',
    disabled_reason: '',
    ...over,
  }
}

describe('agent rules', () => {
  it('requires a reason to disable, not to enable', () => {
    expect(agentReasonError('disable', ' ')).toContain('请填写停用原因')
    expect(agentReasonError('enable', '')).toBe('')
    expect(agentReasonError('enable', 'x'.repeat(501))).toBe('原因最多 500 字')
  })

  it('describes the state', () => {
    expect(agentStateText(agent())).toBe('启用')
    const d = agent({ disabled: true, disabled_by: 'card_issuer', disabled_reason: '设备丢失' })
    expect(agentStateText(d)).toBe('已停用')
    expect(disabledDetail(d, '2026-11-27 10:00')).toBe('card_issuer 于 2026-11-27 10:00 停用：设备丢失')
  })
})

describe('useCardAgents', () => {
  it('disables with a required reason and enables again, the row taking the server’s answer', async () => {
    const sent: { path: string; body: unknown }[] = []
    let current = agent()
    const { fetch } = await cardTestEnv({
      routes: {
        '/api/v1/card-agents': () => json([current, agent({ id: 2, name: '2 号机', key_id: '1111111111111111' })]),
        '/api/v1/card-agents/1/disable': async (u, req) => {
          sent.push({ path: u.pathname, body: await req.json() })
          current = agent({ disabled: true, disabled_at: '2026-11-27T02:00:00Z', disabled_by: 'card_issuer', disabled_reason: '设备丢失' })
          return json(current)
        },
        '/api/v1/card-agents/1/enable': async (u, req) => {
          sent.push({ path: u.pathname, body: await req.json() })
          current = agent()
          return json(current)
        },
      },
    })
    const v = useCardAgents()
    expect(v.canWrite.value).toBe(true)
    await v.load()
    expect(v.agents.value.map((a) => a.name)).toEqual(['制证室 1 号机', '2 号机'])
    v.openAction(v.agents.value[0]!, 'disable')
    expect(await v.submit()).toBeNull()
    expect(v.reasonMessage.value).toContain('请填写停用原因')
    expect(fetch.to('/api/v1/card-agents/1/disable')).toHaveLength(0)
    v.reason.value = ' 设备丢失 '
    expect(await v.submit()).toMatchObject({ disabled: true, disabled_reason: '设备丢失' })
    expect(v.agents.value[0]).toMatchObject({ disabled: true, disabled_by: 'card_issuer' })
    expect(v.disabledCount.value).toBe(1)
    expect(v.acting.value).toBeNull()

    v.openAction(v.agents.value[0]!, 'enable')
    expect(await v.submit()).toMatchObject({ disabled: false })
    expect(v.agents.value[0]!.disabled).toBe(false)
    expect(sent).toEqual([
      { path: '/api/v1/card-agents/1/disable', body: { reason: '设备丢失' } },
      { path: '/api/v1/card-agents/1/enable', body: { reason: '' } },
    ])
  })

  it('shows a refusal and reloads when someone else changed the agent first', async () => {
    let calls = 0
    await cardTestEnv({
      routes: {
        '/api/v1/card-agents': () => {
          calls++
          return json([agent({ disabled: calls > 1 })])
        },
        '/api/v1/card-agents/1/disable': () =>
          problem(409, { detail: '该读卡客户端已停用', code: 'conflict', errors: [{ field: 'agent', rule: 'disabled', message: '该读卡客户端已停用' }] }),
      },
    })
    const v = useCardAgents()
    await v.load()
    v.openAction(v.agents.value[0]!, 'disable')
    v.reason.value = '人员调离'
    expect(await v.submit()).toBeNull()
    expect(v.error.value).toContain('该读卡客户端已停用')
    await vi.waitFor(() => expect(v.agents.value[0]!.disabled).toBe(true))
  })

  it('lets legal offices see the list but not change it', async () => {
    const me = issuerMe({
      user: user({ id: 4, username: 'lixia_reviewer', role: 'legal_reviewer', scope: '370102' }),
      permissions: ['certificate:sync', 'card_agent:read'],
    })
    await cardTestEnv({ me, routes: { '/api/v1/card-agents': () => json([agent()]) } })
    const v = useCardAgents()
    await v.load()
    expect(v.agents.value).toHaveLength(1)
    expect(v.canWrite.value).toBe(false)
  })
})
