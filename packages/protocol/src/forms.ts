/**
 * `@parley/protocol/forms`: field rules shared by the widget and the relay, and the reader of
 * system events' facts. Plain TypeScript with no dependencies, safe to import as values in a
 * browser bundle (the main entry's schemas would bring TypeBox along).
 */
export * from './forms/countries.ts'
export * from './forms/fields.ts'
export * from './forms/hours.ts'
export * from './forms/legal.ts'
export * from './forms/phone.ts'
export { systemEventData } from './system-facts.ts'
