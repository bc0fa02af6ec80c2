import { describe, expect, it, vi } from 'vitest'
import type { LeadPushPayload } from '../../../supabase/functions/_shared/push/payload.ts'
import { notificationTarget, openAppAt } from '../../../src/service-worker/notification-click.ts'
import type { AppWindow, AppWindows } from '../../../src/service-worker/notification-click.ts'
import { readPushData, showPushNotification } from '../../../src/service-worker/push-notifications.ts'
import { leadNotification, notificationForPush, readNotificationData } from '../../../src/shared/lead-notification.ts'

const now = new Date('2026-03-02T14:04:30Z')
const hot: LeadPushPayload = {
  kind: 'hot_lead',
  leadId: '6f1c2a4e-8b7d-4c3a-9e21-0a5b6c7d8e9f',
  name: 'Dana Whitfield',
  company: 'Northwind Traders',
  tier: 'HOT',
  source: 'Website form',
  waitingSince: '2026-03-02T14:00:00.000Z',
  phone: '+14155550123',
}

describe('leadNotification', () => {
  it('shows a HOT lead with its summary, one tag per lead, Call and Open, and keeps it on screen', () => {
    const { title, options } = leadNotification(hot, now)
    expect(title).toBe('Hot lead: Dana Whitfield')
    expect(options.body).toBe('Northwind Traders · Website form · waiting 4 min')
    expect(options.tag).toBe(`lead-${hot.leadId}`)
    expect(options.renotify).toBe(true)
    expect(options.requireInteraction).toBe(true)
    expect(options.actions).toEqual([{ action: 'call', title: 'Call' }, { action: 'open', title: 'Open' }])
    expect(options.data).toEqual({ leadId: hot.leadId, phone: '+14155550123' })
    expect(options.timestamp).toBe(Date.parse(hot.waitingSince))
  })

  it('lets a WARM lead time out, and offers no Call without a phone number', () => {
    const { title, options } = leadNotification({ ...hot, kind: 'warm_lead', tier: 'WARM', phone: null }, now)
    expect(title).toBe('Warm lead: Dana Whitfield')
    expect(options.requireInteraction).toBe(false)
    expect(options.actions).toEqual([{ action: 'open', title: 'Open' }])
  })
})

describe('notificationForPush', () => {
  it('shows something generic for a push it cannot read, rather than nothing', () => {
    for (const data of [null, 'hello', { kind: 'hot_lead' }, { ...hot, phone: '555' }]) {
      const { title, options } = notificationForPush(data, now)
      expect(title).toBe('New activity')
      expect(options.tag).toBe('pronto-activity')
      expect(options.data).toEqual({ leadId: null, phone: null })
    }
    expect(notificationForPush(JSON.parse(JSON.stringify(hot)), now).title).toBe('Hot lead: Dana Whitfield')
  })
})

describe('the push handler', () => {
  it('reads JSON data, and no data or text as nothing', () => {
    expect(readPushData({ json: () => hot })).toEqual(hot)
    expect(readPushData(null)).toBeNull()
    expect(readPushData({ json: () => JSON.parse('not json') })).toBeNull()
  })

  it('shows the notification on the registration', async () => {
    const registration = { showNotification: vi.fn(async () => {}) }
    await showPushNotification(registration, hot, now)
    expect(registration.showNotification).toHaveBeenCalledWith('Hot lead: Dana Whitfield', expect.objectContaining({ tag: `lead-${hot.leadId}` }))
  })
})

describe('notificationTarget', () => {
  const data = { leadId: hot.leadId, phone: hot.phone }

  it('sends Call to the lead with the call started, Open and the body to the lead', () => {
    expect(notificationTarget('call', data)).toBe(`/lead/${hot.leadId}?call=1`)
    expect(notificationTarget('open', data)).toBe(`/lead/${hot.leadId}`)
    expect(notificationTarget('', data)).toBe(`/lead/${hot.leadId}`)
  })

  it('opens the app itself for notifications about no lead', () => {
    expect(notificationTarget('', { leadId: null, phone: null })).toBe('/')
    expect(notificationTarget('call', undefined)).toBe('/')
    expect(readNotificationData({ leadId: 42 })).toEqual({ leadId: null, phone: null })
  })
})

describe('openAppAt', () => {
  const url = 'https://pronto.test/lead/1'

  function fakeWindow(props: { focused?: boolean, visibilityState?: DocumentVisibilityState, navigate?: () => Promise<AppWindow | null> }) {
    const window = {
      focused: props.focused ?? false,
      visibilityState: props.visibilityState ?? 'hidden',
      focus: vi.fn(async (): Promise<AppWindow> => window),
      navigate: vi.fn(props.navigate ?? (async (): Promise<AppWindow | null> => window)),
    }
    return window
  }

  function fakeClients(windows: Array<ReturnType<typeof fakeWindow>>) {
    return { matchAll: vi.fn(async () => windows), openWindow: vi.fn(async () => null) }
  }

  it('focuses the window the rep saw last and takes it to the lead', async () => {
    const background = fakeWindow({})
    const visible = fakeWindow({ visibilityState: 'visible' })
    const clients = fakeClients([background, visible])
    await openAppAt(clients as AppWindows, url)
    expect(visible.focus).toHaveBeenCalled()
    expect(visible.navigate).toHaveBeenCalledWith(url)
    expect(background.focus).not.toHaveBeenCalled()
    expect(clients.openWindow).not.toHaveBeenCalled()
  })

  it('still takes the window to the lead when it may not be focused', async () => {
    const window = fakeWindow({ focused: true })
    window.focus.mockRejectedValue(new DOMException('Not allowed to focus a window.', 'InvalidAccessError'))
    const clients = fakeClients([window])
    await openAppAt(clients as AppWindows, url)
    expect(window.navigate).toHaveBeenCalledWith(url)
    expect(clients.openWindow).not.toHaveBeenCalled()
  })

  it('opens a window when none is open, or the open one cannot be navigated', async () => {
    const none = fakeClients([])
    await openAppAt(none as AppWindows, url)
    expect(none.openWindow).toHaveBeenCalledWith(url)

    const uncontrolled = fakeClients([fakeWindow({ focused: true, navigate: async () => Promise.reject(new TypeError('not controlled')) })])
    await openAppAt(uncontrolled as AppWindows, url)
    expect(uncontrolled.openWindow).toHaveBeenCalledWith(url)
  })
})
