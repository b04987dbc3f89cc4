// Names for the 档案管理 / 单位管理 API shapes (officer records, ID number check, exams, photos,
// units), derived from the generated `paths` (never hand-typed).
import type { paths } from './schema'

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

type OfficersPath = paths['/api/v1/officers']
type OfficerPath = paths['/api/v1/officers/{id}']
type ExamsPath = paths['/api/v1/officers/{id}/exams']
type PhotoPath = paths['/api/v1/officers/{id}/photo']
type IdCheckPath = paths['/api/v1/id-numbers/check']
type UnitsPath = paths['/api/v1/units']
type UnitPath = paths['/api/v1/units/{id}']

export type OfficerProfile = Json<paths['/api/v1/officers/{id}/profile']['get']['responses'][200]>
export type NewOfficer = OfficersPath['post']['requestBody']['content']['application/json']
export type OfficerEdit = OfficerPath['put']['requestBody']['content']['application/json']
export type Exam = NonNullable<OfficerProfile['exams']>[number]
export type NewExam = ExamsPath['post']['requestBody']['content']['application/json']
export type ExamKind = NewExam['kind']
export type PhotoInfo = Json<PhotoPath['put']['responses'][200]>
export type IdCheck = Json<IdCheckPath['post']['responses'][200]>

export type NewUnit = UnitsPath['post']['requestBody']['content']['application/json']
export type UnitEdit = UnitPath['put']['requestBody']['content']['application/json']
export type UnitDetail = Json<UnitPath['get']['responses'][200]>
export type DissolveBody = paths['/api/v1/units/{id}/dissolve']['post']['requestBody']['content']['application/json']

type TransferPath = paths['/api/v1/officers/{id}/transfer']
export type TransferBody = TransferPath['post']['requestBody']['content']['application/json']
export type TransferResult = Json<TransferPath['post']['responses'][201]>
