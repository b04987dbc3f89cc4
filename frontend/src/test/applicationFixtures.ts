// Sample applications for unit tests, shaped by the generated types.
import type { Application } from '@/api/workflow'

let seq = 100

export function application(over: Partial<Application> = {}): Application {
  seq += 1
  return {
    id: seq,
    kind: 'new_card',
    state: 'submitted',
    officer_id: seq + 1000,
    officer_code: `37010200${seq}`,
    officer_name: `申请人${seq}`,
    id_number_masked: '370102********123X',
    unit_id: 7,
    unit_name: '济南市历下区城市管理局',
    region_code: '370102',
    cert_type: 'law_enforcement',
    certificate_id: null,
    cert_no: null,
    reason: '',
    round_year: 0,
    round_due_on: null,
    applicant_id: 11,
    applicant_name: 'lixia_operator',
    returned_comment: '',
    version: 1,
    created_at: '2026-11-26T01:00:00Z',
    updated_at: '2026-11-26T01:00:00Z',
    chip: { uid: '', written_at: null, synced_at: null, sync_method: '', next_due_on: null, sticker_at: null },
    ...over,
  }
}
