// The agent's version against the server's expectation (GET /api/v1/card-agents/version): below
// `minimum` the SPA does not write; below `latest` it suggests an update.

export interface ServerAgentVersion {
  minimum: string
  latest: string
  protocol: number
}

export type VersionLevel = 'ok' | 'outdated' | 'unsupported' | 'unknown'

export interface VersionCheck {
  level: VersionLevel
  /** Chinese text for the status panel ('' when ok). */
  message: string
}

/** x.y.z (a leading v and any suffix such as -rc1 are ignored); null for anything else (e.g. "dev"). */
export function parseVersion(v: string): [number, number, number] | null {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null
}

/** Negative when a < b, 0 when equal, positive when a > b; null if either is not x.y.z. */
export function compareVersions(a: string, b: string): number | null {
  const x = parseVersion(a)
  const y = parseVersion(b)
  if (!x || !y) return null
  for (let i = 0; i < 3; i++) {
    if (x[i]! !== y[i]!) return x[i]! - y[i]!
  }
  return 0
}

export function checkAgentVersion(agent: string | undefined, server: ServerAgentVersion | null): VersionCheck {
  if (!agent || !server) return { level: 'ok', message: '' }
  const min = compareVersions(agent, server.minimum)
  const latest = compareVersions(agent, server.latest)
  if (min === null || latest === null) {
    return {
      level: 'unknown',
      message: `读卡客户端版本为“${agent}”（开发版本），无法与要求的最低版本 ${server.minimum} 比较，仅供测试使用`,
    }
  }
  if (min < 0) {
    return {
      level: 'unsupported',
      message: `读卡客户端版本 ${agent} 低于最低要求 ${server.minimum}，不能写卡：请安装 ${server.latest} 版本`,
    }
  }
  if (latest < 0) {
    return { level: 'outdated', message: `读卡客户端版本 ${agent} 不是最新版本，建议升级到 ${server.latest}` }
  }
  return { level: 'ok', message: '' }
}
