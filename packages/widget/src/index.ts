export type {
  CallbackForm,
  IdentifyData,
  OfflineForm,
  PrechatForm,
  VisitorAttributes,
} from '@parley/client'
export type { Channel, ChannelKind } from './channels.ts'
export type {
  BootState,
  View,
  WidgetEnvironment,
  WidgetEvents,
  WidgetOptions,
} from './controller.ts'
export type { Locale } from './i18n.ts'
export { mount } from './mount.ts'
export type { WidgetHandle } from './mount-with.tsx'
