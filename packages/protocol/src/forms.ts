/**
 * `@parley/protocol/forms`: field rules shared by the widget and the relay. Plain TypeScript
 * with no dependencies, safe to import as values in a browser bundle.
 */
export * from './forms/fields.ts'
export * from './forms/hours.ts'
export * from './forms/legal.ts'
export * from './forms/phone.ts'
