import { expect, test } from 'vitest'
import { type KeyValueStorage, memoryStorage, readJson, safeStorage } from './storage.ts'

test('a storage that starts throwing is replaced by memory without losing later writes', () => {
  const backing = memoryStorage()
  let broken = false
  const flaky: KeyValueStorage = {
    getItem: (key) => backing.getItem(key),
    setItem: (key, value) => {
      if (broken) throw new Error('QuotaExceededError')
      backing.setItem(key, value)
    },
    removeItem: (key) => backing.removeItem(key),
  }
  const storage = safeStorage(flaky)
  storage.setItem('a', '1')
  broken = true
  storage.setItem('a', '2')
  expect([storage.getItem('a'), backing.getItem('a')]).toEqual(['2', '1'])
})

test('readJson returns the fallback for missing, corrupt or mistyped values', () => {
  const storage = memoryStorage()
  storage.setItem('corrupt', '{')
  storage.setItem('number', '5')
  expect([
    readJson(storage, 'missing', []),
    readJson(storage, 'corrupt', []),
    readJson(storage, 'number', {}),
  ]).toEqual([[], [], {}])
})
