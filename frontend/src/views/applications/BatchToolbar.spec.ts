import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import BatchToolbar from './BatchToolbar.vue'
import RefusalDialog from './RefusalDialog.vue'
import { useSelection } from './useSelection'

type Row = { id: number }

function toolbar(props: { total: number | null; counting?: boolean; totalLabel?: string; unit?: string }) {
  const selection = useSelection<Row>()
  const wrapper = mount(BatchToolbar, {
    props: { selection, counting: false, totalTestid: 'the-total', ...props },
    slots: { default: '<button data-testid="action">办理</button>', extra: '<i data-testid="legend" />' },
  })
  const byId = (id: string) => wrapper.find(`[data-testid="${id}"]`)
  return { selection, wrapper, byId }
}

describe('BatchToolbar', () => {
  it('shows the total, what is ticked and the page’s actions', async () => {
    const { selection, byId } = toolbar({ total: 12, totalLabel: '待审核' })
    expect(byId('the-total').text()).toBe('待审核 12 人')
    expect(byId('picked').text()).toBe('已选 0 人')
    expect(byId('action').exists()).toBe(true)
    expect(byId('legend').exists()).toBe(true)
    selection.toggle({ id: 3 })
    await nextTick()
    expect(byId('picked').text()).toBe('已选 1 人')
  })

  it('says while it counts and when the count failed', async () => {
    const { wrapper, byId } = toolbar({ total: null, counting: true, unit: '项' })
    expect(byId('the-total').text()).toBe('共 … 项')
    expect(byId('select-all').attributes('disabled')).toBeDefined()
    await wrapper.setProps({ counting: false })
    expect(byId('the-total').text()).toBe('共 — 项')
  })

  it('asks for 全选 and shows it; 取消选择 clears it', async () => {
    const { selection, wrapper, byId } = toolbar({ total: 7 })
    await byId('select-all').trigger('click')
    expect(wrapper.emitted('selectAll')).toHaveLength(1)
    selection.selectAll(7)
    await nextTick()
    expect(byId('picked').text()).toBe('已全选符合条件的 7 人')
    expect(byId('select-all').attributes('disabled')).toBeDefined()
    const clear = wrapper.findAll('button').find((b) => b.text() === '取消选择')!
    await clear.trigger('click')
    expect(selection.byFilter.value).toBe(false)
    expect(selection.count.value).toBe(0)
  })
})

describe('RefusalDialog', () => {
  const state = () => ({
    open: true,
    title: '申请未提交：1 项不符合条件',
    refusals: [
      { target: 'officers' as const, id: 2, name: '张三', reason: '没有照片', rule: 'photo', ruleLabel: '照片', message: '' },
    ],
  })

  it('unticks the refused rows that were ticked one by one', async () => {
    const selection = useSelection<Row>()
    selection.setRows([{ id: 1 }, { id: 2 }])
    const s = state()
    const wrapper = mount(RefusalDialog, { props: { state: s, selection }, attachTo: document.body })
    await nextTick()
    const button = document.querySelector<HTMLButtonElement>('[data-testid="refusal-deselect"]')!
    button.click()
    expect(selection.ids.value).toEqual([1])
    expect(s.open).toBe(false)
    wrapper.unmount()
  })

  it('offers no unticking for 全选', async () => {
    const selection = useSelection<Row>()
    selection.selectAll(5)
    const wrapper = mount(RefusalDialog, { props: { state: state(), selection }, attachTo: document.body })
    await nextTick()
    expect(document.querySelector('[data-testid="refusal-deselect"]')).toBeNull()
    wrapper.unmount()
  })
})
