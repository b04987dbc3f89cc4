// Officer photos: upload (PUT /officers/{id}/photo, multipart field `photo`) and the thumbnail
// for display. <img> cannot send the bearer token, so the thumbnail is fetched through the API
// client (token, refresh after a 401) and shown from a blob: URL, revoked when replaced.
import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { api, call } from '@/api/client'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import type { PhotoInfo } from '@/api/records'
import { PHOTO_RULES, photoFileProblem } from './officerForm'

/** Uploads a photo; a refusal is an ApiProblem whose message names the rule (field `photo`). */
export async function uploadPhoto(officerId: number, file: Blob): Promise<PhotoInfo> {
  const local = file instanceof File ? photoFileProblem(file) : undefined
  if (local) {
    throw new ApiProblem({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: local,
      code: 'invalid',
      errors: [{ field: 'photo', rule: 'format', message: local }],
    })
  }
  const fd = new FormData()
  fd.append('photo', file, file instanceof File ? file.name : 'photo')
  return call(
    api.PUT('/api/v1/officers/{id}/photo', {
      params: { path: { id: officerId } },
      body: {},
      bodySerializer: () => fd,
    }),
    { silent: true },
  )
}

/** The message for a refused upload: the server's rule message, with the rules spelled out. */
export function photoProblemMessage(e: unknown): string {
  const p = e instanceof ApiProblem ? e : networkProblem(e)
  if (p.status === 413) return `照片不能超过 2 MB。要求：${PHOTO_RULES}`
  const rule = p.fieldMessage('photo') ?? p.summary
  return p.status === 400 ? `${rule}。要求：${PHOTO_RULES}` : rule
}

/**
 * The thumbnail of an officer's photo as a blob: URL (undefined while loading or when there is
 * none). Reloads when the id or `revision` (bump after an upload) changes.
 */
export function useThumbnail(
  officerId: Readonly<Ref<number | undefined>>,
  revision: Readonly<Ref<unknown>> = ref(0),
) {
  const url = ref<string>()
  const loading = ref(false)
  const missing = ref(false)
  let controller: AbortController | undefined

  function setUrl(next: string | undefined): void {
    if (url.value) URL.revokeObjectURL(url.value)
    url.value = next
  }

  async function load(): Promise<void> {
    controller?.abort()
    const id = officerId.value
    missing.value = false
    if (id === undefined) {
      setUrl(undefined)
      return
    }
    const ctl = new AbortController()
    controller = ctl
    loading.value = true
    try {
      const blob = await call(
        api.GET('/api/v1/officers/{id}/photo/thumbnail', {
          params: { path: { id } },
          parseAs: 'blob',
          signal: ctl.signal,
          // A fresh copy after an upload: no cached 304 without a body.
          cache: 'no-store',
        }),
        { silent: true },
      )
      if (ctl.signal.aborted) return
      setUrl(URL.createObjectURL(blob as Blob))
    } catch (e) {
      if (isAbort(e) || ctl.signal.aborted) return
      setUrl(undefined)
      missing.value = true
    } finally {
      if (controller === ctl) loading.value = false
    }
  }

  watch([officerId, revision], () => void load(), { immediate: true })
  onScopeDispose(() => {
    controller?.abort()
    setUrl(undefined)
  })

  return { url, loading, missing, reload: load }
}
