import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PAGE_SIZE,
  cleanFilters,
  filtersKey,
  fromRouteQuery,
  idNumberProblem,
  inspectionYears,
  normalizeIdNumber,
  toApiQuery,
  toRouteQuery,
} from './officerFilters'

describe('officer filters', () => {
  it('maps filled filters to API query parameters and drops empty ones', () => {
    expect(
      toApiQuery({
        region: '370100',
        unit_id: 7,
        cert_state: 'active',
        due_state: 'due_soon',
        year: 2010,
        name: ' 张 ',
        id_number: '37010219800102123x',
        officer_code: '',
        cert_no: '   ',
      }),
    ).toEqual({
      region: '370100',
      unit_id: 7,
      cert_state: 'active',
      due_state: 'due_soon',
      year: 2010,
      name: '张',
      id_number: '37010219800102123X',
    })
    expect(toApiQuery({})).toEqual({})
  })

  it('ignores values that are not valid for a filter', () => {
    const bad = { cert_state: 'lost', due_state: 'late', unit_id: 0 } as never
    expect(cleanFilters(bad)).toEqual({})
  })

  it('round-trips filters and page size through the URL query', () => {
    const filters = { region: '370102', due_state: 'overdue' as const, year: 2012, name: '李' }
    const query = toRouteQuery(filters, 50)
    expect(query).toEqual({ region: '370102', due_state: 'overdue', year: '2012', name: '李', size: '50' })
    const back = fromRouteQuery(query as Record<string, string>)
    expect(back.pageSize).toBe(50)
    expect(filtersKey(back.filters)).toBe(filtersKey(filters))
  })

  it('leaves the default page size out of the URL and rejects odd sizes', () => {
    expect(toRouteQuery({}, DEFAULT_PAGE_SIZE)).toEqual({})
    expect(fromRouteQuery({ size: '37' }).pageSize).toBe(DEFAULT_PAGE_SIZE)
    expect(fromRouteQuery({ size: ['100', '20'] }).pageSize).toBe(100)
  })

  it('reads hand-edited URLs defensively', () => {
    const { filters } = fromRouteQuery({ unit_id: 'abc', year: '20x0', due_state: 'soon', cert_no: 'X1' })
    expect(filters).toEqual({ cert_no: 'X1' })
  })

  it('normalises ID numbers (full-width digits, lower-case x)', () => {
    expect(normalizeIdNumber(' ３７０１０２１９８００１０２１２３ｘ ')).toBe('37010219800102123X')
  })

  it('checks the ID number is 18 characters', () => {
    expect(idNumberProblem('')).toBeUndefined()
    expect(idNumberProblem('37010219800102123X')).toBeUndefined()
    expect(idNumberProblem('37010219800102123x')).toBeUndefined()
    expect(idNumberProblem('3701021980010212')).toBe('身份证号应为18位（最后一位可为X）')
    expect(idNumberProblem('37010219800102123Y')).toBeDefined()
  })

  it('offers inspection years newest first', () => {
    const years = inspectionYears(new Date(2026, 0, 1))
    expect(years[0]).toBe(2026)
    expect(years.at(-1)).toBe(1990)
  })
})
