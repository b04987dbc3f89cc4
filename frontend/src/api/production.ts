// Names for the card API shapes (production batches, chip writes, inspection sync, card agents),
// derived from the generated `paths` (never hand-typed). Kept beside types.ts and workflow.ts.
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type QueueCity = Json<paths['/api/v1/production/queue']['get']['responses'][200]>[number]
export type BatchPage = Json<paths['/api/v1/production/batches']['get']['responses'][200]>
export type ProductionBatch = BatchPage['items'][number]
export type BatchBody = paths['/api/v1/production/batches']['post']['requestBody']['content']['application/json']
export type BatchCreated = Json<paths['/api/v1/production/batches']['post']['responses'][201]>
export type BatchDetail = Json<paths['/api/v1/production/batches/{id}']['get']['responses'][200]>
export type ProductionItem = BatchDetail['items'][number]
export type CardState = ProductionItem['card_state']
export type ReportBody = paths['/api/v1/production/reports']['post']['requestBody']['content']['application/json']

export type TicketBody = paths['/api/v1/production/items/{id}/ticket']['post']['requestBody']['content']['application/json']
export type WriteTicket = Json<paths['/api/v1/production/items/{id}/ticket']['post']['responses'][201]>
export type ChipWriteResult = Json<paths['/api/v1/production/items/{id}/receipt']['post']['responses'][200]>

export type CardAgentVersion = Json<paths['/api/v1/card-agents/version']['get']['responses'][200]>
export type CardServerKeys = Json<paths['/api/v1/card-agents/server-keys']['get']['responses'][200]>

export type CardAgent = Json<paths['/api/v1/card-agents']['get']['responses'][200]>[number]
export type CardAgentDisableBody = paths['/api/v1/card-agents/{id}/disable']['post']['requestBody']['content']['application/json']
export type InspectionSyncPolicy = Json<paths['/api/v1/inspections/sync-policy']['get']['responses'][200]>
export type ManualSyncBody = paths['/api/v1/inspections/{id}/manual-sync']['post']['requestBody']['content']['application/json']
