import type { ComponentChild } from 'preact'
import type { WidgetController } from './controller.ts'

/**
 * An engagement scenario's invitation, drawn by the scenarios chunk as the
 * operator's first message (photo, name, position, text).
 */
export type Invitation = ComponentChild

/** The scenarios chunk's entry: starts the engine for a controller; returns the teardown. */
export type StartScenarios = (controller: WidgetController) => () => void
