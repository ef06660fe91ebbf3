// What Discord's client does when someone types a slash command: picks the command (by its name or its localised
// name), the subcommand, and fills the typed options from what was typed. Tests write `/stock add TAZA-1 3`.
import type { SlashOption } from './interactions.ts';

interface Definition {
  name: string;
  type?: number;
  name_localizations?: Record<string, string> | null;
  options?: Definition[] | null;
  required?: boolean | null;
}

const BARE = ['show', 'view', 'main', 'bare'];

function words(line: string): string[] {
  return [...line.matchAll(/([^\s":]+:)?"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(
    (m) => m[3] ?? `${m[1] ?? ''}${(m[2] ?? '').replace(/\\(.)/g, '$1')}`,
  );
}

const names = (definition: Definition) => [definition.name, ...Object.values(definition.name_localizations ?? {})];
const matches = (definition: Definition, word: string) => names(definition).includes(word.toLowerCase());

/** The `data` of an APPLICATION_COMMAND interaction for a typed line, as Discord's client would build it. */
export function slashData(commands: Definition[], line: string, focus?: string): Record<string, unknown> {
  const [head = '', ...rest] = words(line.trim());
  const name = head.replace(/^\//, '');
  const command = commands.find((candidate) => matches(candidate, name));
  if (!command) return { id: '1', type: 1, name };
  const options = command.options ?? [];
  const subs = options.filter((option) => option.type === 1);
  if (subs.length === 0) return { id: '1', type: 1, name: command.name, options: fill(options, rest, focus) };
  const named = rest[0] !== undefined ? subs.find((sub) => matches(sub, rest[0] as string)) : undefined;
  const sub = named ?? subs.find((each) => BARE.includes(each.name)) ?? subs[0];
  const given = named ? rest.slice(1) : rest;
  return {
    id: '1',
    type: 1,
    name: command.name,
    options: sub ? [{ type: 1, name: sub.name, options: fill(sub.options ?? [], given, focus) }] : [],
  };
}

function typed(option: Definition, value: string): string | number {
  if ((option.type === 4 || option.type === 10) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

/** Fills options: `key:value` by name, a boolean by its name, the rest positionally, the last string takes what is left. */
function fill(options: Definition[], given: string[], focus?: string): SlashOption[] {
  const filled = new Map<string, SlashOption>();
  const positional: string[] = [];
  for (const word of given) {
    const colon = word.indexOf(':');
    const keyed = colon > 0 ? options.find((option) => matches(option, word.slice(0, colon))) : undefined;
    const flag = options.find((option) => option.type === 5 && matches(option, word));
    if (keyed)
      filled.set(keyed.name, { name: keyed.name, type: keyed.type ?? 3, value: typed(keyed, word.slice(colon + 1)) });
    else if (flag) filled.set(flag.name, { name: flag.name, type: 5, value: true });
    else positional.push(word);
  }
  const open = options.filter((option) => option.type !== 5 && !filled.has(option.name));
  open.forEach((option, i) => {
    if (positional.length === 0) return;
    const last = i === open.length - 1;
    const value = last ? positional.splice(0).join(' ') : (positional.shift() as string);
    filled.set(option.name, { name: option.name, type: option.type ?? 3, value: typed(option, value) });
  });
  const focused = focus ? options.find((option) => matches(option, focus)) : undefined;
  if (focused) {
    const target = filled.get(focused.name) ?? { name: focused.name, type: focused.type ?? 3, value: '' };
    filled.set(focused.name, { ...target, focused: true });
  }
  return options.filter((option) => filled.has(option.name)).map((option) => filled.get(option.name) as SlashOption);
}
