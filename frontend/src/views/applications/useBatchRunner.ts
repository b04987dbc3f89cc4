// Runs one all-or-nothing batch request (apply, decide) and reports the outcome: the per-item
// refusals in a dialog, a changed selection (409) as a message followed by a reload, anything
// else as a message. Used by every batch screen so they behave alike.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { ApiProblem, isAbort, networkProblem } from '@/api/problem'
import { classifyBatchFailure, type BatchFailure, type NameLookup, type Refusal } from './refusals'

export interface RefusalDialogState {
  open: boolean
  /** The server's detail, e.g. 申请未提交：2 项不符合条件，本批次未做任何更改. */
  title: string
  refusals: Refusal[]
}

export interface RunOptions {
  /** Names of the items on screen, for the dialog. */
  known?: NameLookup
  /** Called after a 409 (the selection or an item changed): reload the list. */
  onConflict?: () => unknown
}

export type RunResult<T> = { ok: true; data: T } | { ok: false; failure: BatchFailure }

function asProblem(e: unknown): ApiProblem {
  return e instanceof ApiProblem ? e : networkProblem(e)
}

export function useBatchRunner() {
  const submitting = ref(false)
  const dialog = reactive<RefusalDialogState>({ open: false, title: '', refusals: [] })

  function showRefusals(title: string, refusals: Refusal[]): void {
    dialog.title = title
    dialog.refusals = refusals
    dialog.open = true
  }

  /**
   * Sends the request (which must call the API with `{ silent: true }`) and reports a failure to
   * the user. Resolves with the data, or with the classified failure for the caller (field errors
   * of an invalid request go on its form).
   */
  async function run<T>(request: () => Promise<T>, opts: RunOptions = {}): Promise<RunResult<T>> {
    if (submitting.value) return { ok: false, failure: { kind: 'other', problem: busyProblem() } }
    submitting.value = true
    try {
      return { ok: true, data: await request() }
    } catch (e) {
      if (isAbort(e)) throw e
      const failure = classifyBatchFailure(asProblem(e), opts.known)
      report(failure)
      if (failure.kind === 'conflict') await opts.onConflict?.()
      return { ok: false, failure }
    } finally {
      submitting.value = false
    }
  }

  function report(f: BatchFailure): void {
    switch (f.kind) {
      case 'refused':
        showRefusals(f.problem.detail, f.refusals)
        break
      case 'conflict':
        ElMessage.warning({ message: f.problem.detail, grouping: true })
        if (f.refusals.length > 0) showRefusals(f.problem.detail, f.refusals)
        break
      case 'invalid':
      case 'other':
        // 401: the session handling sends the user to the login page.
        if (f.problem.status !== 401) ElMessage.error({ message: f.problem.summary, grouping: true })
        break
    }
  }

  return { submitting, dialog, run, showRefusals }
}

function busyProblem(): ApiProblem {
  return new ApiProblem({ type: 'about:blank', title: 'Busy', status: 0, detail: '正在提交，请稍候', code: 'busy' })
}
