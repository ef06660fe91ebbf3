// What Discord refuses beyond what its OpenAPI spec can express, each as Discord words it (error 50035,
// "Invalid Form Body", with the field's path). Checked after the spec, on every message body bodega sends.
import type { SpecProblem } from './spec.ts';

type Json = Record<string, unknown>;

/** A bot's message content: 2,000 characters (the spec's 4,000 for channel messages is Nitro users'). */
export const CONTENT_LIMIT = 2000;
export const EMBEDS_TOTAL_LIMIT = 6000;
export const ACTION_ROWS_LIMIT = 5;

const chars = (value: unknown) => (typeof value === 'string' ? [...value].length : 0);

/** Characters Discord counts toward the 6,000 across one message's embeds. */
function embedCharacters(embed: Json): number {
  const fields = (embed.fields as Json[] | undefined) ?? [];
  return (
    chars(embed.title) +
    chars(embed.description) +
    chars((embed.footer as Json | undefined)?.text) +
    chars((embed.author as Json | undefined)?.name) +
    fields.reduce((sum, field) => sum + chars(field.name) + chars(field.value), 0)
  );
}

/** The message part of a body: a callback's `data`, or the body itself for webhook and channel messages. */
export function messageLimits(message: Json | undefined | null): SpecProblem[] {
  if (!message) return [];
  const problems: SpecProblem[] = [];
  if (chars(message.content) > CONTENT_LIMIT)
    problems.push({ path: 'content', message: `Must be ${CONTENT_LIMIT} or fewer in length.` });
  const embeds = (message.embeds as Json[] | null | undefined) ?? [];
  if (embeds.reduce((sum, embed) => sum + embedCharacters(embed), 0) > EMBEDS_TOTAL_LIMIT)
    problems.push({ path: 'embeds', message: `Embed size exceeds maximum size of ${EMBEDS_TOTAL_LIMIT}` });
  problems.push(...emptyFields(embeds));
  problems.push(...componentLimits((message.components as Json[] | null | undefined) ?? []));
  return problems;
}

/** A field's name and value are required: Discord refuses them empty or blank ("This field is required"). */
function emptyFields(embeds: Json[]): SpecProblem[] {
  return embeds.flatMap((embed, e) =>
    ((embed.fields as Json[] | null | undefined) ?? []).flatMap((field, f) =>
      (['name', 'value'] as const)
        .filter((key) => typeof field[key] === 'string' && (field[key] as string).trim() === '')
        .map((key) => ({ path: `embeds.${e}.fields.${f}.${key}`, message: 'This field is required' })),
    ),
  );
}

function componentLimits(rows: Json[]): SpecProblem[] {
  const problems: SpecProblem[] = [];
  if (rows.length > ACTION_ROWS_LIMIT)
    problems.push({ path: 'components', message: `Must be ${ACTION_ROWS_LIMIT} or fewer in length.` });
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    ((row.components as Json[] | undefined) ?? []).forEach((component, c) => {
      const path = `components.${r}.components.${c}`;
      if (component.type !== 2) return;
      const link = component.style === 5;
      if (link && !component.url) problems.push({ path: `${path}.url`, message: 'A link button needs a url.' });
      if (!link && typeof component.custom_id !== 'string')
        problems.push({ path: `${path}.custom_id`, message: 'A non-link button must have a custom_id.' });
      if (!link && !component.label && !component.emoji)
        problems.push({ path: `${path}.label`, message: 'A button needs a label or an emoji.' });
      if (typeof component.custom_id === 'string') {
        if (seen.has(component.custom_id))
          problems.push({ path: `${path}.custom_id`, message: 'Component custom id cannot be duplicated' });
        seen.add(component.custom_id);
      }
    });
  });
  return problems;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set(
  'id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg ru uk hi th zh-CN ja zh-TW ko'.split(
    ' ',
  ),
);

/** Command definitions: names Discord takes (lowercase), known locales, required options first, unique names. */
export function commandLimits(commands: Json[]): SpecProblem[] {
  const problems: SpecProblem[] = [...localizedClashes(commands, '')];
  const names = new Set<string>();
  commands.forEach((command, i) => {
    const name = String(command.name);
    if (names.has(name)) problems.push({ path: `${i}.name`, message: 'Application command names must be unique' });
    names.add(name);
    problems.push(...nameProblems(command, `${i}`));
    problems.push(...optionProblems((command.options as Json[] | undefined) ?? [], `${i}.options`));
  });
  return problems;
}

function nameProblems(item: Json, path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (value: unknown, at: string) => {
    const name = String(value);
    if (!NAME.test(name) || name !== name.toLowerCase())
      problems.push({ path: at, message: `Command name is invalid: ${name}` });
  };
  check(item.name, `${path}.name`);
  for (const [locale, value] of Object.entries((item.name_localizations as Json | null) ?? {})) {
    if (!LOCALES.has(locale))
      problems.push({ path: `${path}.name_localizations`, message: `Invalid locale ${locale}` });
    check(value, `${path}.name_localizations.${locale}`);
  }
  for (const locale of Object.keys((item.description_localizations as Json | null) ?? {}))
    if (!LOCALES.has(locale))
      problems.push({ path: `${path}.description_localizations`, message: `Invalid locale ${locale}` });
  return problems;
}

/** In each locale, the names at one level must differ too (Discord: "Localized names must be unique"). */
function localizedClashes(items: Json[], path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    for (const [locale, name] of Object.entries((item.name_localizations as Json | null) ?? {})) {
      const key = `${locale}:${String(name)}`;
      if (seen.has(key))
        problems.push({ path: `${path}${i}.name_localizations.${locale}`, message: 'Localized names must be unique' });
      seen.set(key, i);
    }
  });
  return problems;
}

function optionProblems(options: Json[], path: string): SpecProblem[] {
  const problems: SpecProblem[] = [...localizedClashes(options, `${path}.`)];
  let optionalSeen = false;
  const names = new Set<string>();
  options.forEach((option, i) => {
    const at = `${path}.${i}`;
    if (names.has(String(option.name))) problems.push({ path: `${at}.name`, message: 'Option names must be unique' });
    names.add(String(option.name));
    problems.push(...nameProblems(option, at));
    const nesting = option.type === 1 || option.type === 2;
    if (!nesting && option.required && optionalSeen)
      problems.push({ path: at, message: 'Required options must be placed before non-required options' });
    if (!nesting && !option.required) optionalSeen = true;
    if (option.autocomplete && option.choices)
      problems.push({ path: at, message: 'Autocomplete cannot be set with choices' });
    if (nesting) problems.push(...optionProblems((option.options as Json[] | undefined) ?? [], `${at}.options`));
  });
  return problems;
}
