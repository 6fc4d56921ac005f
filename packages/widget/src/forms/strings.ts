import type { FieldCode } from '@parley/protocol/forms'
import type { Locale } from '../i18n.ts'

/**
 * Strings of the forms chunk (loaded with the forms, not with the chat). Those the
 * chat already has (the message field's label, "Sending…") come from its `Strings`.
 */
export interface FormStrings {
  name: string
  phone: string
  email: string
  when: string
  asap: string
  /** The consent checkbox's label, before and inside the agreement link. */
  consentBefore: string
  consentLink: string
  callbackIntro: string
  offlineIntro: string
  prechatIntro: string
  callbackSubmit: string
  offlineSubmit: string
  prechatSubmit: string
  callbackDone: (slot?: string) => string
  offlineDone: string
  close: string
  consentChanged: string
  failed: string
  rate: string
  rateN: (n: number) => string
  /** Field error messages by the relay's field codes (`invalid`: any other code). */
  errors: Partial<Record<FieldCode, string>> & { invalid: string }
}

const en: FormStrings = {
  name: 'Name',
  phone: 'Phone',
  email: 'Email',
  when: 'When to call',
  asap: 'As soon as possible',
  consentBefore: 'I agree to the processing of my personal data under the ',
  consentLink: 'user agreement',
  callbackIntro: 'Leave your number and we will call you back.',
  offlineIntro: 'Nobody is online right now. Leave a message and we will reply by email or phone.',
  prechatIntro: 'Please introduce yourself before we start.',
  callbackSubmit: 'Request a call',
  offlineSubmit: 'Send message',
  prechatSubmit: 'Start chat',
  callbackDone: (slot) =>
    slot ? `Thank you! We will call you ${slot}.` : 'Thank you! We will call you back soon.',
  offlineDone: 'Thank you! We have your message and will get back to you.',
  close: 'Close',
  consentChanged: 'The user agreement has changed. Please read it and agree again.',
  failed: 'Could not send. Please try again.',
  rate: 'Rate the conversation',
  rateN: (n) => `Rate ${n} of 5`,
  errors: {
    required: 'Please fill in this field',
    too_long: 'This is too long',
    phone_invalid: 'Enter a phone number, e.g. +7 916 123-45-67',
    email_invalid: 'Enter an email address like name@example.com',
    contact_required: 'Enter an email or a phone number',
    slot_invalid: 'This time is not available, choose another',
    invalid: 'Please check this field',
  },
}

const ru: FormStrings = {
  name: 'Имя',
  phone: 'Телефон',
  email: 'Эл. почта',
  when: 'Когда позвонить',
  asap: 'Как можно скорее',
  consentBefore: 'Я даю согласие на обработку моих персональных данных на условиях ',
  consentLink: 'пользовательского соглашения',
  callbackIntro: 'Оставьте номер, и мы вам перезвоним.',
  offlineIntro:
    'Сейчас никого нет на связи. Оставьте сообщение, и мы ответим на почту или по телефону.',
  prechatIntro: 'Представьтесь, пожалуйста, прежде чем начать.',
  callbackSubmit: 'Заказать звонок',
  offlineSubmit: 'Отправить сообщение',
  prechatSubmit: 'Начать чат',
  callbackDone: (slot) =>
    slot ? `Спасибо! Мы позвоним вам ${slot}.` : 'Спасибо! Мы скоро вам перезвоним.',
  offlineDone: 'Спасибо! Мы получили ваше сообщение и свяжемся с вами.',
  close: 'Закрыть',
  consentChanged:
    'Пользовательское соглашение изменилось. Прочитайте его и подтвердите согласие ещё раз.',
  failed: 'Не удалось отправить. Попробуйте ещё раз.',
  rate: 'Оцените диалог',
  rateN: (n) => `Оценка ${n} из 5`,
  errors: {
    required: 'Заполните это поле',
    too_long: 'Слишком длинный текст',
    phone_invalid: 'Введите номер телефона, например +7 916 123-45-67',
    email_invalid: 'Введите адрес почты, например name@example.ru',
    contact_required: 'Укажите почту или телефон',
    slot_invalid: 'Это время недоступно, выберите другое',
    invalid: 'Проверьте это поле',
  },
}

/** The forms' strings of one locale. */
export function formStrings(locale: Locale): FormStrings {
  return locale === 'ru' ? ru : en
}

/** The message for a field code, the same whether the browser or the relay found the problem. */
export function fieldMessage(s: FormStrings, code: string): string {
  return s.errors[code as FieldCode] ?? s.errors.invalid
}
