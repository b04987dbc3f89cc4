// 记住用户名: only the username is kept (localStorage); never a password or token.
const KEY = 'lecms.username'

export function rememberedUsername(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(KEY) ?? undefined
  } catch {
    return undefined // storage disabled
  }
}

export function rememberUsername(username: string): void {
  try {
    globalThis.localStorage?.setItem(KEY, username)
  } catch {
    // storage disabled or full: nothing to remember
  }
}

export function forgetUsername(): void {
  try {
    globalThis.localStorage?.removeItem(KEY)
  } catch {
    // storage disabled
  }
}
