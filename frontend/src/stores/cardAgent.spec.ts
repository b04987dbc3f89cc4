import { afterEach, describe, expect, it, vi } from 'vitest'
import { ElMessage } from 'element-plus'
import { AGENT_VERSION, cardTestEnv, until } from '@/test/cardSetup'
import { json } from '@/test/fetchMock'
import { setAgentClientFactory, setPairingStoreFactory, useCardAgentStore } from './cardAgent'
import { useAuthStore } from './auth'

afterEach(() => {
  useCardAgentStore().stop()
  useAuthStore().dispose()
  setAgentClientFactory(undefined)
  setPairingStoreFactory(undefined)
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('cardAgent store', () => {
  it('is 未连接 until started, and while the agent is not running', async () => {
    const { agent } = await cardTestEnv()
    const store = useCardAgentStore()
    expect(store.status).toBe('offline')
    expect(store.statusLabel).toBe('未连接')
    agent.reachable = false
    store.ensureStarted()
    await until(() => store.conn === 'unreachable', 'unreachable')
    expect(store.statusLabel).toBe('未连接')
    expect(store.writeBlocker).toContain('请启动读卡客户端')
    // The agent starts: the next attempt connects and answers the challenge with the stored pairing.
    agent.reachable = true
    await until(() => store.status === 'ready', 'ready')
    expect(store.statusLabel).toBe('就绪')
  })

  it('is 未配对 without a pairing, then 就绪 after pairing with the code', async () => {
    const { agent, pairings } = await cardTestEnv({ paired: false })
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.status === 'unpaired', 'unpaired')
    expect(store.statusLabel).toBe('未配对')
    await store.beginPairing()
    await store.completePairing(agent.code)
    expect(store.statusLabel).toBe('就绪')
    expect(await pairings.get(agent.deviceKeyId)).toMatchObject({ pairing_id: 'pairing-1' })
  })

  it('follows the card on the reader: 已放卡 with its UID, 就绪 when taken off, none of several', async () => {
    const { agent } = await cardTestEnv()
    agent.readers.push({ name: 'Virtual PCD 00 01', card: null, buzzer: false, virtual: true })
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.readers.length === 2, 'readers listed')
    agent.insert({ atr: '3B', uid: '5C1D2E3F', profile: 'mifare-classic-1k' })
    await until(() => store.status === 'card', 'card')
    expect(store.statusLabel).toBe('已放卡')
    expect(store.card).toMatchObject({ reader: 'Virtual PCD 00 00', uid: '5C1D2E3F' })
    agent.insert({ atr: '3B', uid: '04A1B2C3D4E5F6', profile: 'iso7816' }, 'Virtual PCD 00 01')
    await until(() => store.cards.length === 2, 'two cards')
    expect(store.card).toBeNull()
    agent.remove('Virtual PCD 00 01')
    agent.remove('Virtual PCD 00 00')
    await until(() => store.status === 'ready', 'ready')
    // PC/SC stopped: no readers until it is back.
    agent.emit({ type: 'pcsc_status', data: { available: false } })
    await until(() => !store.pcscAvailable, 'pcsc down')
    expect(store.readers).toEqual([])
    expect(store.writeBlocker).toContain('智能卡服务未运行')
  })

  it('waits for a card, and stops waiting on abort', async () => {
    const { agent } = await cardTestEnv()
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.ready, 'ready')
    const waiting = store.waitForCard()
    agent.insert({ atr: '3B', uid: 'AABBCCDD', profile: 'mifare-classic-1k' })
    await expect(waiting).resolves.toMatchObject({ uid: 'AABBCCDD' })
    agent.remove()
    await until(() => store.card === null, 'removed')
    const ctl = new AbortController()
    const aborted = store.waitForCard(ctl.signal)
    ctl.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('compares the agent’s version with the server’s minimum and latest', async () => {
    const env = await cardTestEnv({ routes: { '/api/v1/card-agents/version': () => json({ ...AGENT_VERSION, minimum: '1.1.0', latest: '1.2.0' }) } })
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.ready && store.serverVersion !== null, 'ready')
    expect(store.versionCheck.level).toBe('unsupported')
    expect(store.canWrite).toBe(false)
    expect(store.writeBlocker).toBe('读卡客户端版本 1.0.0 低于最低要求 1.1.0，不能写卡：请安装 1.2.0 版本')
    store.stop()

    env.agent.version = '1.1.5'
    store.ensureStarted()
    await until(() => store.ready, 'ready again')
    expect(store.versionCheck).toEqual({ level: 'outdated', message: '读卡客户端版本 1.1.5 不是最新版本，建议升级到 1.2.0' })
    expect(store.canWrite).toBe(true)
  })

  it('cannot write while the agent has no ticket keys', async () => {
    const { agent } = await cardTestEnv()
    agent.canWrite = false
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.ready, 'ready')
    expect(store.canWrite).toBe(false)
    expect(store.writeBlocker).toContain('ticket_keys')
  })

  it('finds the agent among the registered agents, and registers it', async () => {
    const env = await cardTestEnv({ routes: { '/api/v1/card-agents': () => json([]) } })
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.registration === null, 'not registered')
    env.fetch.on('/api/v1/card-agents', async (_u, req) => {
      const body = (await req.json()) as { name: string; public_key: string }
      expect(body).toEqual({ name: '制证室 2 号机', public_key: env.agent.deviceKey })
      return json({ id: 2, name: body.name, key_id: env.agent.deviceKeyId }, 201)
    })
    await store.register(' 制证室 2 号机 ')
    expect(store.registration).toMatchObject({ id: 2, name: '制证室 2 号机' })
  })

  it('connects at start only when this browser was paired before', async () => {
    const env = await cardTestEnv({ paired: false })
    const store = useCardAgentStore()
    await store.autoStart()
    expect(env.agent.sockets).toHaveLength(0)
    await env.pairings.save('other-agent', { pairing_id: 'x', secret: 'AAAA', label: '', paired_at: '' })
    await store.autoStart()
    await until(() => store.status === 'unpaired', 'connected')
  })

  it('closes the connection when the user signs out', async () => {
    vi.spyOn(ElMessage, 'error').mockImplementation(() => ({ close() {} }) as never)
    const { agent } = await cardTestEnv()
    const store = useCardAgentStore()
    store.ensureStarted()
    await until(() => store.ready, 'ready')
    await useAuthStore().logout()
    await until(() => store.conn === 'idle', 'stopped')
    expect(agent.last.readyState).toBe(3)
  })
})
