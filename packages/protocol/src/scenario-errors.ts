import { type TSchema, TypeGuard } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import type { FieldCode, FieldError } from './forms/fields.ts'
import { Scenario, ScenarioSettings } from './scenario.ts'

const CODES: Partial<Record<ValueErrorType, FieldCode>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.StringMinLength]: 'required',
  [ValueErrorType.ArrayMinItems]: 'required',
  [ValueErrorType.ObjectAdditionalProperties]: 'unknown_field',
  [ValueErrorType.StringMaxLength]: 'too_long',
  [ValueErrorType.ArrayMaxItems]: 'too_many',
  [ValueErrorType.IntegerMinimum]: 'out_of_range',
  [ValueErrorType.IntegerMaximum]: 'out_of_range',
  [ValueErrorType.NumberMinimum]: 'out_of_range',
  [ValueErrorType.NumberMaximum]: 'out_of_range',
}

/** The leaves of nested unions. */
function variantsOf(schema: TSchema): TSchema[] {
  return TypeGuard.IsUnion(schema) ? schema.anyOf.flatMap(variantsOf) : [schema]
}

/** A variant's `type`-like key: a property whose schema is a literal. */
function discriminator(schema: TSchema): [key: string, value: unknown] | undefined {
  if (!TypeGuard.IsObject(schema)) return undefined
  for (const [key, property] of Object.entries(schema.properties)) {
    if (TypeGuard.IsLiteral(property)) return [key, property.const]
  }
  return undefined
}

/**
 * A union failed: find the variant the value meant (by its literal `type`, else by the
 * required keys it has) and report that variant's errors, so `/conditions/all/0/seconds`
 * reads `out_of_range` instead of "expected union value" at `/conditions/all/0`.
 */
function unionErrors(error: ValueError, out: Map<string, FieldCode>): void {
  const variants = variantsOf(error.schema)
  const value = error.value
  const at = error.path
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    add(out, at || '/', 'value_invalid')
    return
  }
  const record = value as Record<string, unknown>
  let keyed: string | undefined
  for (const variant of variants) {
    const tag = discriminator(variant)
    if (!tag) continue
    keyed ??= tag[0]
    if (record[tag[0]] === tag[1]) {
      collect(variant, value, at, out)
      return
    }
  }
  const untagged = variants.filter(
    (variant) =>
      TypeGuard.IsObject(variant) &&
      !discriminator(variant) &&
      (variant.required ?? []).every((key) => Object.hasOwn(record, key)),
  )
  if (untagged[0]) collect(untagged[0], value, at, out)
  else if (keyed)
    add(out, `${at}/${keyed}`, record[keyed] === undefined ? 'required' : 'value_invalid')
  else add(out, at || '/', 'value_invalid')
}

function add(out: Map<string, FieldCode>, path: string, code: FieldCode): void {
  const earlier = out.get(path)
  if (earlier === undefined || (code === 'required' && earlier !== 'required')) out.set(path, code)
}

function collect(
  schema: TSchema,
  value: unknown,
  prefix: string,
  out: Map<string, FieldCode>,
): void {
  for (const error of Value.Errors(schema, value)) {
    const shifted = { ...error, path: `${prefix}${error.path}` }
    if (error.type === ValueErrorType.Union) unionErrors(shifted, out)
    else add(out, shifted.path || '/', CODES[error.type] ?? 'value_invalid')
  }
}

/**
 * Every error of `value` against any schema, one per field, as JSON pointers with field codes
 * (as `scenarioErrors`); empty when it matches.
 */
export function schemaErrors(schema: TSchema, value: unknown): FieldError[] {
  return errorsOf({ Check: (v) => Value.Check(schema, v) }, schema, value)
}

const scenarioCheck = TypeCompiler.Compile(Scenario)
const settingsCheck = TypeCompiler.Compile(ScenarioSettings)

function errorsOf(
  check: { Check(value: unknown): boolean },
  schema: TSchema,
  value: unknown,
): FieldError[] {
  if (check.Check(value)) return []
  const out = new Map<string, FieldCode>()
  collect(schema, value, '', out)
  if (out.size === 0) out.set('/', 'value_invalid')
  return [...out].map(([field, code]) => ({ field, code }))
}

/**
 * Every schema error of a scenario, one per field, as JSON pointers (`/where/include/0/value`)
 * with field codes: `required`, `too_long`, `too_many`, `out_of_range`, `unknown_field`,
 * `value_invalid`. Empty when the scenario matches the schema. Regex safety is checked
 * separately (`findUnsafePatterns` in `@parley/scenarios`).
 */
export function scenarioErrors(value: unknown): FieldError[] {
  return errorsOf(scenarioCheck, Scenario, value)
}

/** Like `scenarioErrors`, for `ScenarioSettings`. */
export function scenarioSettingsErrors(value: unknown): FieldError[] {
  return errorsOf(settingsCheck, ScenarioSettings, value)
}

/**
 * A copy of a scenario that passed `scenarioErrors`, without keys the schema does not know
 * (so nothing unexpected is stored or sent to widgets).
 */
export function cleanScenario(value: Scenario): Scenario {
  return Value.Clean(Scenario, structuredClone(value)) as Scenario
}
