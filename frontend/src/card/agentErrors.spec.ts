import { describe, expect, it } from 'vitest'
import { AgentError } from './agentClient'
import { AGENT_ERROR_TEXT, agentErrorMessage, agentErrorText } from './agentErrors'
import { AGENT_ERROR_CODES } from './protocol'

const HAN = /[\u4e00-\u9fff]/

describe('agent error texts', () => {
  it('has a Chinese title and hint for every code the agent documents', () => {
    for (const code of AGENT_ERROR_CODES) {
      const t = AGENT_ERROR_TEXT[code]
      expect(t, code).toBeDefined()
      expect(t.title, code).toMatch(HAN)
      expect(t.hint, code).toMatch(HAN)
    }
  })

  it('says what to retry for the write errors', () => {
    expect(agentErrorText('card_removed')).toMatchObject({ title: '读写过程中卡片被移开', retry: 'same' })
    expect(agentErrorText('readback_mismatch').retry).toBe('same')
    expect(agentErrorText('wrong_card')).toMatchObject({ title: '读卡器上的卡片不是该证件的卡片', retry: 'new' })
    expect(agentErrorText('ticket_expired').retry).toBe('new')
    expect(agentErrorText('not_paired').hint).toContain('重新配对')
    expect(agentErrorText('multiple_cards').hint).toBe('请只保留一张卡片')
  })

  it('falls back for codes it does not know, naming them', () => {
    expect(agentErrorText('brand_new_code').title).toBe('读卡客户端返回了未知错误（brand_new_code）')
    expect(agentErrorMessage(new AgentError('no_card', 'put the card on the reader'))).toBe('读卡器上没有卡片。请将执法证放在读卡器上')
  })
})
