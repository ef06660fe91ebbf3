// Meta's own Cloud API spec (test/fixtures/whatsapp, OpenAPI 3.1) compiled once per process into validators for
// what bodega sends. The spec has known mistakes that make it refuse what the real API (and Meta's own examples in
// the same file) accept; `correctErrata` fixes exactly those, each with the reason, and nothing else.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

const SPEC_URL = new URL('../../fixtures/whatsapp/whatsapp-business-messaging-openapi-v23.0.yaml', import.meta.url);
const SCHEMA_ID = 'whatsapp-cloud-v23';

type Json = Record<string, unknown>;
type Schemas = Record<string, Json>;

export interface SpecValidators {
  /** The parsed spec, for tests that read Meta's own examples. */
  document: Json;
  /** A send body (`POST /messages` without `status`), validated against the schema its `type` maps to. */
  message(body: unknown): SchemaProblem | undefined;
  /** A read receipt (`{messaging_product, status:'read', message_id}`). */
  markRead(body: unknown): SchemaProblem | undefined;
  /** A webhook body we send, against the spec's `WebhookPayload`. */
  webhook: ValidateFunction;
}

/** The most telling schema error as Graph words it, and every JSON Schema keyword that failed. */
export interface SchemaProblem {
  message: string;
  keywords: string[];
}

let compiled: SpecValidators | undefined;

export function specValidators(): SpecValidators {
  compiled ??= compile();
  return compiled;
}

function compile(): SpecValidators {
  const document = parse(readFileSync(SPEC_URL, 'utf8')) as Json;
  const schemas = structuredClone((document.components as { schemas: Schemas }).schemas);
  correctErrata(schemas);
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('url', (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value));
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });
  const schema = (name: string) => ajv.compile({ $ref: `${SCHEMA_ID}#/components/schemas/${name}` });
  const mapping = (schemas.Message as { discriminator: { mapping: Record<string, string> } }).discriminator.mapping;
  const byType = new Map(Object.entries(mapping).map(([type, ref]) => [type, schema(ref.split('/').at(-1) ?? '')]));
  const markRead = schema('MarkMessageRequestPayload');
  return {
    document,
    message(body) {
      // The API defaults `type` to text; the discriminator picks the one schema whose errors are worth reporting.
      const type = (body as { type?: unknown }).type ?? 'text';
      const validate = byType.get(String(type));
      if (!validate) {
        const allowed = [...byType.keys()].join(', ');
        return { keywords: ['enum'], message: `Param type must be one of {${allowed}} - got "${String(type)}".` };
      }
      return validate(body) ? undefined : describe(validate.errors ?? []);
    },
    markRead: (body) => (markRead(body) ? undefined : describe(markRead.errors ?? [])),
    webhook: schema('WebhookPayload'),
  };
}

/** The spec's mistakes, found by validating Meta's own request examples (see spec.test.ts). */
function correctErrata(schemas: Schemas): void {
  // Each message schema is `allOf: [BaseMessageProperties, {additionalProperties: false, ...}]`; read literally, the
  // second branch forbids `to` and `messaging_product`. The intent is "no keys beyond both branches", which JSON
  // Schema 2020-12 spells `unevaluatedProperties: false` on the parent.
  moveAdditionalPropertiesToParent(schemas);
  const base = schemas.BaseMessageProperties as { required: string[] };
  // `recipient_type` defaults to `individual`, and `type` to `text` (Meta's own "Send Text Message with Preview URL").
  base.required = base.required.filter((name) => name !== 'recipient_type' && name !== 'type');
  // Meta's own template examples send `language: {code}` alone; `policy` defaults to deterministic.
  (schemas.LanguageObject as { required: string[] }).required = ['code'];
  const component = (schemas.TemplateComponent as { properties: Record<string, Json> }).properties;
  // `index` carries the broken pattern `^[2-6, 11-14]$` that refuses Meta's own example `'0'`; the API takes 0-9
  // as a string or a number. `sub_type` is case-insensitive and includes `flow`, `copy_code`... in Meta's examples.
  component.index = {
    anyOf: [
      { type: 'string', pattern: '^[0-9]$' },
      { type: 'integer', minimum: 0, maximum: 9 },
    ],
  };
  component.sub_type = { type: 'string' };
  // Meta's own location examples send latitude and longitude as numbers.
  const location = findInlineProperty(schemas.LocationMessage, 'location') as { properties: Record<string, Json> };
  for (const axis of ['latitude', 'longitude']) location.properties[axis] = { type: ['number', 'string'] };
}

function moveAdditionalPropertiesToParent(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) moveAdditionalPropertiesToParent(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Json;
  for (const branch of Array.isArray(record.allOf) ? (record.allOf as Json[]) : []) {
    if (branch.additionalProperties === false) {
      delete branch.additionalProperties;
      record.unevaluatedProperties = false;
    }
  }
  for (const value of Object.values(record)) moveAdditionalPropertiesToParent(value);
}

function findInlineProperty(schema: Json | undefined, name: string): Json | undefined {
  for (const branch of (schema?.allOf as Json[] | undefined) ?? []) {
    const property = (branch.properties as Record<string, Json> | undefined)?.[name];
    if (property) return property;
  }
  return undefined;
}

/** `/interactive/action/buttons/0` → `interactive['action']['buttons'][0]`, the way Graph names parameters. */
function paramName(path: string, child?: string): string {
  const parts = [...path.split('/').filter(Boolean), ...(child === undefined ? [] : [child])];
  const [head = '', ...rest] = parts;
  return head + rest.map((part) => (/^\d+$/.test(part) ? `[${part}]` : `['${part}']`)).join('');
}

/** One Graph-style sentence for the most telling schema error. */
function describe(errors: ErrorObject[]): SchemaProblem {
  const error = [...errors].sort((a, b) => rank(a) - rank(b))[0];
  return { keywords: errors.map((each) => each.keyword), message: error ? sentence(error) : 'Invalid parameter' };
}

function sentence(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const name = paramName(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return `The parameter ${paramName(error.instancePath, String(params.missingProperty))} is required.`;
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const key = String(params.unevaluatedProperty ?? params.additionalProperty);
      return name ? `Unexpected key "${key}" on param "${name}".` : `Unexpected key "${key}".`;
    }
    case 'type': {
      const type = String(params.type);
      return `Param ${name} must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}.`;
    }
    case 'maxLength':
      return `Param ${name} must be at most ${String(params.limit)} characters long.`;
    case 'maxItems':
      return `Param ${name} must have at most ${String(params.limit)} elements.`;
    case 'minItems':
      return `Param ${name} must have at least ${String(params.limit)} elements.`;
    case 'enum':
      return `Param ${name} must be one of {${(params.allowedValues as unknown[]).join(', ')}}.`;
    case 'oneOf':
      return `Param ${name} must match exactly one of its allowed forms.`;
    default:
      return `Param ${name} ${error.message ?? 'is invalid'}.`;
  }
}

/** Errors about the body itself before errors inside alternatives (oneOf branches report noise first). */
function rank(error: ErrorObject): number {
  if (error.schemaPath.includes('/oneOf/') || error.schemaPath.includes('/anyOf/')) return 3;
  if (error.keyword === 'oneOf' || error.keyword === 'anyOf') return 2;
  return error.keyword === 'unevaluatedProperties' ? 1 : 0;
}
