// Browsers resolve a relative Request URL against the page; Node's Request does not.
// The API client uses baseUrl '' (same origin), so resolve against jsdom's location here.
const NodeRequest = globalThis.Request

class PageRelativeRequest extends NodeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === 'string' ? new URL(input, globalThis.location.href).href : input, init)
  }
}

globalThis.Request = PageRelativeRequest
