import { afterEach, expect, test, vi } from 'vitest'
import { browserStorage } from './storage.ts'

afterEach(() => {
  vi.restoreAllMocks()
  localStorage.clear()
})

test("the widget's storage is the page's localStorage", () => {
  browserStorage()?.setItem('parley:demo:token', 't1')
  expect(localStorage.getItem('parley:demo:token')).toBe('t1')
  expect(browserStorage()?.getItem('parley:demo:token')).toBe('t1')
})

test('a localStorage that throws (private mode, quota) is tolerated: the widget goes on from memory', () => {
  vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
    throw new DOMException('quota', 'QuotaExceededError')
  })
  const storage = browserStorage()!
  expect(() => storage.setItem('parley:demo:prechat', '1')).not.toThrow()
  expect(storage.getItem('parley:demo:prechat')).toBe('1')
  expect(localStorage.getItem('parley:demo:prechat')).toBeNull()
})

test('where the page may not even read localStorage there is no storage', () => {
  vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
    throw new DOMException('denied', 'SecurityError')
  })
  expect(browserStorage()).toBeUndefined()
})
