import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { useAuthStore, type AuthStore } from '@/stores/auth'
import { adminMe, reviewerMe } from '@/test/auth'
import { hasPerm, vPerms } from './perms'

const Probe = defineComponent({
  directives: { perms: vPerms },
  props: { need: { type: String, default: 'user:write' } },
  template: `
    <div>
      <button data-t="write" v-perms="'user:write'">新建用户</button>
      <span data-t="any" style="display: inline-flex" v-perms="['audit:read', 'user:read']">系统管理</span>
      <i data-t="prop" v-perms="need">x</i>
    </div>`,
})

describe('v-perms and hasPerm', () => {
  let auth: AuthStore

  beforeEach(() => {
    setActivePinia(createPinia())
    auth = useAuthStore()
  })
  afterEach(() => auth.dispose())

  const shown = (w: ReturnType<typeof mount>, t: string) =>
    (w.find(`[data-t="${t}"]`).element as HTMLElement).style.display !== 'none'

  it('hides elements without the permission and shows them when it arrives', async () => {
    const w = mount(Probe)
    // No /me yet: nothing is allowed.
    expect(shown(w, 'write')).toBe(false)
    expect(shown(w, 'any')).toBe(false)
    expect(hasPerm('user:write')).toBe(false)

    auth.me = reviewerMe()
    await nextTick()
    expect(shown(w, 'write')).toBe(false)
    expect(shown(w, 'any')).toBe(false)

    auth.me = adminMe()
    await nextTick()
    expect(shown(w, 'write')).toBe(true)
    expect(hasPerm('user:write')).toBe(true)
    // Any one of a list is enough; the element's own display is kept.
    expect((w.find('[data-t="any"]').element as HTMLElement).style.display).toBe('inline-flex')

    auth.me = adminMe({ permissions: ['user:read'] })
    await nextTick()
    expect(shown(w, 'write')).toBe(false)
    expect(shown(w, 'any')).toBe(true)
    w.unmount()
  })

  it('follows a change of the bound value', async () => {
    auth.me = reviewerMe()
    const w = mount(Probe, { props: { need: 'user:write' } })
    expect(shown(w, 'prop')).toBe(false)
    await w.setProps({ need: 'officer:read' })
    expect(shown(w, 'prop')).toBe(true)
    w.unmount()
  })
})
