// Names for the certificate-workflow API shapes (applications, decisions, timeline, sanctions),
// derived from the generated `paths` (never hand-typed). Kept beside types.ts so the two can
// evolve independently.
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

type AppsPath = paths['/api/v1/applications']
type DecisionsPath = paths['/api/v1/applications/decisions']

export type ApplicationPage = Json<AppsPath['get']['responses'][200]>
export type Application = ApplicationPage['items'][number]
export type ApplicationQuery = NonNullable<AppsPath['get']['parameters']['query']>
export type AppKind = Application['kind']
export type AppState = Application['state']

export type ApplyBody = AppsPath['post']['requestBody']['content']['application/json']
export type OfficerSelection = NonNullable<ApplyBody['filter']>
export type VoidNotice = NonNullable<ApplyBody['void_notice']>
export type LossKind = NonNullable<ApplyBody['loss']>
export type BatchResult = Json<AppsPath['post']['responses'][201]>

export type DecideBody = DecisionsPath['post']['requestBody']['content']['application/json']
export type DecideAction = DecideBody['action']
export type AppSelection = NonNullable<DecideBody['filter']>

export type TimelineStep = Json<paths['/api/v1/officers/{id}/timeline']['get']['responses'][200]>[number]

export type SanctionBody = paths['/api/v1/certificates/sanctions']['post']['requestBody']['content']['application/json']
