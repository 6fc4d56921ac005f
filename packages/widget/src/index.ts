export type { BootState, WidgetEnvironment, WidgetEvents, WidgetOptions } from './controller.ts'
export type { Locale } from './i18n.ts'
export { mount } from './mount.ts'
export type { WidgetHandle } from './mount-with.tsx'
