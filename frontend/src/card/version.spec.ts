import { describe, expect, it } from 'vitest'
import { checkAgentVersion, compareVersions, parseVersion } from './version'

describe('agent version', () => {
  it('parses x.y.z, ignoring a leading v and suffixes', () => {
    expect(parseVersion('1.2.3')).toEqual([1, 2, 3])
    expect(parseVersion('v10.0.1-rc1')).toEqual([10, 0, 1])
    expect(parseVersion('dev')).toBeNull()
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0)
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0)
    expect(compareVersions('dev', '1.0.0')).toBeNull()
  })

  it('refuses below the minimum, suggests an update below the latest', () => {
    const server = { minimum: '1.1.0', latest: '1.3.0', protocol: 1 }
    expect(checkAgentVersion('1.0.9', server).level).toBe('unsupported')
    expect(checkAgentVersion('1.2.0', server)).toEqual({ level: 'outdated', message: '读卡客户端版本 1.2.0 不是最新版本，建议升级到 1.3.0' })
    expect(checkAgentVersion('1.3.0', server)).toEqual({ level: 'ok', message: '' })
    expect(checkAgentVersion('dev', server).level).toBe('unknown')
    expect(checkAgentVersion('1.0.0', null).level).toBe('ok')
  })
})
