// Permission checks fed by GET /api/v1/me (`permissions`, e.g. "officer:read", "user:write").
// They only decide what the UI shows; the server checks every request again.
//
//   <ElButton v-perms="'user:write'">新建用户</ElButton>        hidden without user:write
//   <div v-perms="['audit:read', 'user:read']">…</div>           hidden unless one of them is held
//   if (hasPerm('user:write')) …
import { ref, watchEffect, type Directive, type Ref } from 'vue'
import { useAuthStore, type PermRequirement } from '@/stores/auth'

/** Whether the signed-in user holds the permission (for a list: any of them). */
export function hasPerm(req: PermRequirement): boolean {
  return useAuthStore().hasPerm(req)
}

interface Bound {
  req: Ref<PermRequirement>
  display: string
  stop: () => void
}

const bound = new WeakMap<HTMLElement, Bound>()

/**
 * `v-perms`: hides the element (display: none) while the permission is missing, and shows it again
 * when it arrives (the permissions load after the first render). Do not combine with `v-show`.
 */
export const vPerms: Directive<HTMLElement, PermRequirement> = {
  mounted(el, binding) {
    const req = ref(binding.value) as Ref<PermRequirement>
    const display = el.style.display
    const stop = watchEffect(() => {
      el.style.display = hasPerm(req.value) ? display : 'none'
    })
    bound.set(el, { req, display, stop })
  },
  updated(el, binding) {
    const b = bound.get(el)
    if (b && binding.value !== binding.oldValue) b.req.value = binding.value
  },
  unmounted(el) {
    bound.get(el)?.stop()
    bound.delete(el)
  },
}

declare module 'vue' {
  interface GlobalDirectives {
    vPerms: typeof vPerms
  }
}
