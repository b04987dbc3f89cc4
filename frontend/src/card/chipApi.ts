// The server side of a chip write: the write ticket, the agent's receipt and, for inspections, the
// validity sticker (step 5). Calls are silent: the write dialog shows refusals itself. Whether step 4
// is done comes with the application row (`chip.synced_at`), not from here.
import { api, call } from '@/api/client'
import type { ChipWriteResult, TicketBody, WriteTicket } from '@/api/production'

export type ChipPurpose = 'issue' | 'sync'

export interface ChipApi {
  purpose: ChipPurpose
  ticket(applicationId: number, body: TicketBody): Promise<WriteTicket>
  receipt(applicationId: number, receipt: string): Promise<ChipWriteResult>
  /** Inspections: step 5, the validity sticker was replaced. */
  sticker?(applicationId: number): Promise<ChipWriteResult>
}

/** New cards (办卡, 补卡, 换发) in a production batch. */
export const issuanceApi: ChipApi = {
  purpose: 'issue',
  ticket: (id, body) =>
    call(api.POST('/api/v1/production/items/{id}/ticket', { params: { path: { id } }, body }), { silent: true }),
  receipt: (id, receipt) =>
    call(api.POST('/api/v1/production/items/{id}/receipt', { params: { path: { id } }, body: { receipt } }), {
      silent: true,
    }),
}

/** Inspections approved by the legal office: step 4 (同步年检) and step 5 (更换有效期标签). */
export const inspectionApi: ChipApi = {
  purpose: 'sync',
  ticket: (id, body) =>
    call(api.POST('/api/v1/inspections/{id}/ticket', { params: { path: { id } }, body }), { silent: true }),
  receipt: (id, receipt) =>
    call(api.POST('/api/v1/inspections/{id}/receipt', { params: { path: { id } }, body: { receipt } }), {
      silent: true,
    }),
  sticker: (id) => call(api.POST('/api/v1/inspections/{id}/sticker', { params: { path: { id } } }), { silent: true }),
}
