import type { Scenario } from '@parley/protocol'

/** A scenario body as the relay takes it (no id, no siteId). */
export type ScenarioBody = Omit<Scenario, 'id' | 'siteId'>

type Pattern = Scenario['where']['include'][number]
type Condition = Extract<Scenario['conditions'], { all: unknown }>['all'][number]

/**
 * One page pattern per line: `/catalog` is a prefix, `=/cart` the exact path, a line with `*`
 * a wildcard, `~^/p/\d+$` a regular expression.
 */
export function patternsFromText(text: string): Pattern[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line): Pattern => {
      if (line.startsWith('=')) return { type: 'exact', value: line.slice(1).trim() }
      if (line.startsWith('~')) return { type: 'regex', value: line.slice(1).trim() }
      if (line.includes('*')) return { type: 'wildcard', value: line }
      return { type: 'prefix', value: line }
    })
}

/**
 * The lines `patternsFromText` reads back into the same patterns (a prefix holding `*` would
 * come back as a wildcard: the one case it does not round-trip).
 */
export function patternsToText(patterns: readonly Pattern[]): string {
  const mark = { exact: '=', regex: '~', prefix: '', wildcard: '' } as const
  return patterns.map((p) => `${mark[p.type]}${p.value}`).join('\n')
}

/** `RU, RU-MOW, DE` → region conditions; a bad entry is left to the relay to name. */
export function regionsFromText(text: string): Condition[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [country, region] = part.split('-', 2) as [string, string | undefined]
      return region
        ? { type: 'region' as const, country: country.toUpperCase(), region: region.toUpperCase() }
        : { type: 'region' as const, country: country.toUpperCase() }
    })
}

/** What the editor shows of a scenario's conditions; what it does not know is kept as is. */
export interface EditableConditions {
  timeOnSite: number | undefined
  pagesViewed: number | undefined
  regions: string
  /** Conditions the form has no field for, kept when saving. */
  kept: Condition[]
  /** `any` at the top, or nesting the form cannot show: then nothing is edited. */
  advanced: boolean
}

export function editableConditions(conditions: Scenario['conditions']): EditableConditions {
  const out: EditableConditions = {
    timeOnSite: undefined,
    pagesViewed: undefined,
    regions: '',
    kept: [],
    advanced: false,
  }
  if (!('all' in conditions)) return { ...out, advanced: true }
  const regions: string[] = []
  const regionText = (c: { country: string; region?: string }) =>
    c.region ? `${c.country}-${c.region}` : c.country
  for (const c of conditions.all) {
    if ('type' in c && c.type === 'timeOnSite' && out.timeOnSite === undefined) {
      out.timeOnSite = c.seconds
    } else if ('type' in c && c.type === 'pagesViewed' && out.pagesViewed === undefined) {
      out.pagesViewed = c.count
    } else if ('type' in c && c.type === 'region' && regions.length === 0) {
      regions.push(regionText(c))
    } else if (
      'any' in c &&
      regions.length === 0 &&
      c.any.length > 0 &&
      c.any.every((r) => 'type' in r && r.type === 'region')
    ) {
      for (const r of c.any) if ('type' in r && r.type === 'region') regions.push(regionText(r))
    } else {
      out.kept.push(c)
    }
  }
  out.regions = regions.join(', ')
  return out
}

/** The conditions from the form's fields and what was kept. */
export function conditionsFrom(
  fields: { timeOnSite?: number; pagesViewed?: number; regions: string },
  kept: readonly Condition[],
): Scenario['conditions'] {
  const all: Condition[] = []
  if (fields.timeOnSite !== undefined) all.push({ type: 'timeOnSite', seconds: fields.timeOnSite })
  if (fields.pagesViewed !== undefined) all.push({ type: 'pagesViewed', count: fields.pagesViewed })
  const regions = regionsFromText(fields.regions)
  if (regions.length === 1) all.push(regions[0]!)
  else if (regions.length > 1) all.push({ any: regions } as Condition)
  return { all: [...all, ...kept] }
}

/** A whole number from a form field, or `undefined` when it is empty. */
export function numberField(data: FormData, name: string): number | undefined {
  const raw = String(data.get(name) ?? '').trim()
  return raw === '' ? undefined : Number(raw)
}

/** The body the editor's form describes, keeping what it cannot show from `before`. */
export function scenarioFromForm(data: FormData, before: Scenario | undefined): ScenarioBody {
  const text = (name: string) => String(data.get(name) ?? '').trim()
  const editable = before ? editableConditions(before.conditions) : undefined
  const actionType = text('action') as Scenario['action']['type']
  const message = text('message')
  const operatorName = text('operatorName')
  const beforeOperator = before && 'operator' in before.action ? before.action.operator : undefined
  const operator = operatorName ? { ...beforeOperator, name: operatorName } : undefined
  const action: Scenario['action'] =
    actionType === 'openChat'
      ? { type: 'openChat', message, operator: operator ?? { name: '' } }
      : actionType === 'bubble'
        ? { type: 'bubble', message, ...(operator && { operator }) }
        : actionType === 'openCallback'
          ? { type: 'openCallback' }
          : { type: 'pulse' }
  const rules: Scenario['rules'] = { ...before?.rules }
  rules.oncePerSession = data.get('oncePerSession') === 'on'
  const oncePerDays = numberField(data, 'oncePerDays')
  const maxTimes = numberField(data, 'maxTimes')
  if (oncePerDays === undefined) delete rules.oncePerDays
  else rules.oncePerDays = oncePerDays
  if (maxTimes === undefined) delete rules.maxTimes
  else rules.maxTimes = maxTimes
  const conditions =
    editable?.advanced && before
      ? before.conditions
      : conditionsFrom(
          {
            ...(numberField(data, 'timeOnSite') !== undefined && {
              timeOnSite: numberField(data, 'timeOnSite'),
            }),
            ...(numberField(data, 'pagesViewed') !== undefined && {
              pagesViewed: numberField(data, 'pagesViewed'),
            }),
            regions: text('regions'),
          },
          editable?.kept ?? [],
        )
  return {
    name: text('name'),
    enabled: data.get('enabled') === 'on',
    priority: numberField(data, 'priority') ?? 0,
    where: {
      include: patternsFromText(String(data.get('include') ?? '')),
      exclude: patternsFromText(String(data.get('exclude') ?? '')),
    },
    conditions,
    action,
    delaySeconds: numberField(data, 'delaySeconds') ?? 0,
    rules,
    routing: { group: text('group') || (before?.routing.group ?? 'General') },
  }
}
