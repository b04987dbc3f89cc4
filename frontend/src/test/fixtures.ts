// Sample API payloads shaped by the generated types.
import type { Policies } from '@/api/policies'
import type { Officer, Region, Unit } from '@/api/types'

export const regionTree: Region[] = [
  {
    code: '370000',
    name: '山东省',
    level: 'province',
    children: [
      {
        code: '370100',
        name: '济南市',
        level: 'city',
        children: [{ code: '370102', name: '历下区', level: 'county' }],
      },
    ],
  },
]

export const unit: Unit = {
  id: 1,
  code: 'A00001',
  name: '济南市公安局',
  region_code: '370100',
  region_name: '济南市',
  level: 'city',
  dissolved: false,
}

let seq = 0

export function officer(over: Partial<Officer> = {}): Officer {
  seq += 1
  return {
    id: seq,
    code: `3701000${String(seq).padStart(5, '0')}`,
    name: `张${seq}`,
    id_number_masked: '370102********123X',
    sex: 'M',
    birth_date: '1980-01-02',
    unit_id: 1,
    unit_name: '济南市公安局',
    region_code: '370100',
    area: '济南市',
    category: '公安',
    staffing: 'established',
    has_photo: true,
    cert_type: 'law_enforcement',
    cert_no: `37010011${String(seq).padStart(6, '0')}`,
    cert_state: 'active',
    last_inspected_on: '2024-06-30',
    next_due_on: '2026-06-30',
    due_state: 'ok',
    ...over,
  }
}

/** GET /api/v1/policies: a province's settings, deliberately not the defaults everywhere. */
export function publishedPolicies(over: Partial<Policies> = {}): Policies {
  return {
    password: { min_length: 10, min_classes: 3, history: 5, max_age_days: 90 },
    lockout: { max_failures: 5, lock_minutes: 30 },
    idle_timeout_seconds: 1800,
    cancel_reasons: ['调离执法岗位', '退休', '机构改革'],
    revocation_bar_years: 3,
    cert_types: [
      { type: 'law_enforcement', label: '行政执法证' },
      { type: 'supervision', label: '行政执法监督证' },
    ],
    ...over,
  }
}
