import { describe, expect, it } from 'vitest'
import { ApiProblem, isAbort, networkProblem, toProblem } from './problem'

describe('toProblem', () => {
  it('keeps every RFC 9457 field the server sent', () => {
    const body = {
      type: 'https://lecms.example/problems/validation',
      title: 'Bad Request',
      status: 400,
      detail: '参数 year 不正确',
      code: 'invalid_parameter',
      request_id: 'r-42',
      errors: [{ field: 'year', rule: 'min', message: '年度不能早于1990年' }, { bogus: true }],
    }
    const p = toProblem(body, new Response(null, { status: 400 }))
    expect(p).toBeInstanceOf(ApiProblem)
    expect(p).toBeInstanceOf(Error)
    expect(p.message).toBe('参数 year 不正确')
    expect(p).toMatchObject({ type: body.type, title: 'Bad Request', status: 400, code: 'invalid_parameter', request_id: 'r-42' })
    expect(p.errors).toEqual([{ field: 'year', rule: 'min', message: '年度不能早于1990年' }])
    expect(p.fieldMessage('year')).toBe('年度不能早于1990年')
    expect(p.fieldMessage('name')).toBeUndefined()
    expect(p.summary).toBe('参数 year 不正确：年度不能早于1990年')
  })

  it('does not repeat field messages the detail already carries', () => {
    const body = {
      detail: '请求参数有误：用户名应为 3 至 64 个字符；姓名不能为空',
      code: 'invalid',
      errors: [
        { field: 'username', rule: 'length', message: '用户名应为 3 至 64 个字符' },
        { field: 'display_name', rule: 'required', message: '姓名不能为空' },
        { field: 'display_name', rule: 'max', message: '第二条' },
      ],
    }
    const p = toProblem(body, new Response(null, { status: 400 }))
    expect(p.summary).toBe('请求参数有误：用户名应为 3 至 64 个字符；姓名不能为空：第二条')
    expect(p.fieldErrors).toEqual({ username: '用户名应为 3 至 64 个字符', display_name: '姓名不能为空；第二条' })
  })

  it('summarises a problem without field errors as its detail', () => {
    const p = toProblem({ detail: '执法人员不存在', code: 'not_found' }, new Response(null, { status: 404 }))
    expect(p.summary).toBe('执法人员不存在')
    expect(p.title).toBe('请求的资源不存在')
  })

  it('falls back to a Chinese message when the body is not a problem (e.g. a proxy page)', () => {
    const res = new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'X-Request-Id': 'gw-1' } })
    const p = toProblem('<html>Bad Gateway</html>', res)
    expect(p).toMatchObject({ status: 502, code: 'http_502', detail: '服务暂时不可用，请稍后重试', request_id: 'gw-1' })
    expect(p.errors).toBeUndefined()
  })

  it('describes unknown statuses with their number', () => {
    expect(toProblem(undefined, new Response(null, { status: 418 })).detail).toBe('请求失败（HTTP 418）')
  })
})

describe('networkProblem / isAbort', () => {
  it('marks unreachable servers with status 0', () => {
    const cause = new TypeError('Failed to fetch')
    const p = networkProblem(cause)
    expect(p).toMatchObject({ status: 0, code: 'network_error' })
    expect(p.cause).toBe(cause)
  })

  it('recognises aborted requests', () => {
    expect(isAbort(new DOMException('x', 'AbortError'))).toBe(true)
    expect(isAbort(new TypeError('x'))).toBe(false)
  })
})
