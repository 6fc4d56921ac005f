/** Languages the widget speaks. */
export type Locale = 'ru' | 'en'

/** Every string the widget shows or announces. */
export interface Strings {
  openChat: string
  closeChat: string
  minimize: string
  unread: (count: number) => string
  message: string
  send: string
  messages: string
  connecting: string
  reconnecting: string
  online: string
  offline: string
  disconnected: string
  typing: string
  sending: string
  failed: string
  /** The omni-button's name when it offers several channels and the site set no label. */
  contact: string
  /** The list of channels under the omni-button. */
  channels: string
  chat: string
  callback: string
  telegram: string
  vk: string
  viber: string
  /** The panel's name while it shows the offline form. */
  leaveMessage: string
  /** The title while a new reply waits in a hidden tab. */
  newReply: string
  /** Shown when the last operator left while the visitor had the chat open. */
  operatorsLeft: string
  loading: string
  /** The button that replaces the composer once the conversation is closed. */
  newConversation: string
  /** The note in the log where an operator closed the conversation. */
  closedBy: (operator: string) => string
  /** The note in the log where the visitor rated the conversation (`rating`: 1..5). */
  rated: (rating: string) => string
  /** The note where another operator takes the conversation over. */
  transferred: (operator: string) => string
  /**
   * The notice while the conversation waits for an operator: the place in the queue
   * (1 is next), then the estimated wait in whole minutes (0: under a minute) when known.
   */
  queue: (position: number, minutes: number) => string
}

const en: Strings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  minimize: 'Minimize chat',
  unread: (n) => `${n} unread`,
  message: 'Message',
  send: 'Send',
  messages: 'Messages',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  online: 'Online',
  offline: 'We will reply as soon as we can',
  disconnected: 'Disconnected',
  typing: 'Operator is typing…',
  sending: 'Sending…',
  failed: 'Not sent',
  contact: 'Contact us',
  channels: 'Ways to contact us',
  chat: 'Online chat',
  callback: 'Request a call back',
  telegram: 'Telegram',
  vk: 'VK',
  viber: 'Viber',
  leaveMessage: 'Leave a message',
  newReply: 'New message',
  operatorsLeft: 'Our operators have just left. Leave a message and we will get back to you.',
  loading: 'Loading…',
  newConversation: 'Start a new conversation',
  closedBy: (operator) => `${operator} closed the conversation`,
  rated: (n) => `You rated the conversation: ${n}/5`,
  transferred: (o) => `${o} is now with you`,
  queue: (n, min) =>
    (n > 1 ? `You are number ${n} in the queue.` : 'You are next in the queue.') +
    (min < 0 ? '' : ` Estimated wait: ${min ? `about ${min} min` : 'less than a minute'}.`),
}

const ru: Strings = {
  openChat: 'Открыть чат',
  closeChat: 'Закрыть чат',
  minimize: 'Свернуть чат',
  unread: (n) => `Непрочитанных: ${n}`,
  message: 'Сообщение',
  send: 'Отправить',
  messages: 'Сообщения',
  connecting: 'Подключение…',
  reconnecting: 'Переподключение…',
  online: 'В сети',
  offline: 'Ответим, как только сможем',
  disconnected: 'Нет соединения',
  typing: 'Оператор печатает…',
  sending: 'Отправляется…',
  failed: 'Не отправлено',
  contact: 'Связаться с нами',
  channels: 'Способы связи',
  chat: 'Онлайн-чат',
  callback: 'Заказать обратный звонок',
  telegram: 'Telegram',
  vk: 'ВКонтакте',
  viber: 'Viber',
  leaveMessage: 'Оставить сообщение',
  newReply: 'Новое сообщение',
  operatorsLeft: 'Операторы только что вышли. Оставьте сообщение, и мы свяжемся с вами.',
  loading: 'Загрузка…',
  newConversation: 'Начать новый диалог',
  closedBy: (operator) => `Оператор ${operator} завершил(а) диалог`,
  rated: (n) => `Вы оценили диалог: ${n}/5`,
  transferred: (o) => `С вами теперь ${o}`,
  queue: (n, min) =>
    (n > 1 ? `Вы ${n}-й в очереди.` : 'Вы следующий в очереди.') +
    (min < 0 ? '' : ` Примерное ожидание: ${min ? `около ${min} мин` : 'меньше минуты'}.`),
}

const dictionaries: Record<Locale, Strings> = { en, ru }

/** The strings of one locale. */
export function stringsFor(locale: Locale): Strings {
  return dictionaries[locale]
}

function asLocale(value: string | undefined): Locale | undefined {
  const lang = value?.toLowerCase().slice(0, 2)
  return lang === 'ru' || lang === 'en' ? lang : undefined
}

/**
 * Picks the first locale the widget speaks from, in order: the embedder's option,
 * the site config, the browser's language. Falls back to English.
 */
export function pickLocale(...candidates: (string | undefined)[]): Locale {
  for (const candidate of candidates) {
    const locale = asLocale(candidate)
    if (locale) return locale
  }
  return 'en'
}
