// Discord's own v10 OpenAPI spec (test/fixtures/discord, verbatim, OpenAPI 3.1 = JSON Schema 2020-12) compiled once
// per process into validators for the request bodies bodega sends. The spec describes shapes and most limits; what
// Discord also refuses but the spec cannot say (2,000 characters for a bot's content, 6,000 across embeds, 5 rows
// of buttons, a custom_id on every non-link button) is checked in limits.ts.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

const SPEC_FILE = new URL('../../fixtures/discord/discord-openapi-v10.json', import.meta.url);
const SCHEMA_ID = 'discord-v10';

type Json = Record<string, unknown>;

/** One refusal in Discord's own error shape: `{code: 50035, errors: {field: {_errors: [...]}}}` flattened. */
export interface SpecProblem {
  path: string;
  message: string;
}

export interface DiscordSpec {
  document: Json;
  /** Validates the JSON body of `method path` (path as the spec names it, e.g. `/channels/{channel_id}/messages`). */
  check(method: string, path: string, body: unknown): SpecProblem[];
  /** The spec's path templates, for routing. */
  paths: string[];
}

let compiled: DiscordSpec | undefined;

export function discordSpec(): DiscordSpec {
  compiled ??= compile();
  return compiled;
}

function compile(): DiscordSpec {
  const document = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: true });
  ajv.addFormat('snowflake', /^(0|[1-9][0-9]*)$/);
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  for (const name of ['int32', 'int64', 'double', 'float', 'nonce', 'binary', 'byte', 'email'])
    ajv.addFormat(name, true);
  ajv.addSchema({ $id: SCHEMA_ID, components: document.components });
  const cache = new Map<string, ValidateFunction | null>();
  const validator = (method: string, path: string) => {
    const key = `${method} ${path}`;
    if (!cache.has(key)) {
      const content = (paths[path]?.[method.toLowerCase()]?.requestBody as Json | undefined)?.content as
        | Record<string, { schema: Json }>
        | undefined;
      const schema = content?.['application/json']?.schema;
      cache.set(key, schema ? ajv.compile(rewriteRefs(structuredClone(schema)) as Json) : null);
    }
    return cache.get(key) ?? null;
  };
  return {
    document,
    paths: Object.keys(paths),
    check(method, path, body) {
      const validate = validator(method, path);
      if (validate === null) return [{ path: '', message: `no body is documented for ${method} ${path}` }];
      return validate(body) ? [] : describe(validate.errors ?? []);
    },
  };
}

/** `#/components/...` inside an operation's schema points into the spec added under SCHEMA_ID. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const record = node as Json;
  for (const [key, value] of Object.entries(record)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) record[key] = `${SCHEMA_ID}${value}`;
    else record[key] = rewriteRefs(value);
  }
  return record;
}

/** The errors worth reading: those outside oneOf/anyOf branches first, as Discord names the field. */
function describe(errors: ErrorObject[]): SpecProblem[] {
  const rank = (error: ErrorObject) =>
    error.schemaPath.includes('/oneOf/') || error.schemaPath.includes('/anyOf/')
      ? 2
      : error.keyword === 'oneOf' || error.keyword === 'anyOf'
        ? 1
        : 0;
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
  return sorted.slice(0, 8).map((error) => ({
    path: error.instancePath.split('/').filter(Boolean).join('.'),
    message: `${error.keyword}: ${error.message ?? 'invalid'}`,
  }));
}
