// Etsy's own Open API v3 spec (test/fixtures/etsy, verbatim) read once per process and compiled into one
// openapi-backend router + validator that every Etsy fake in the process shares. Two in-memory adjustments,
// both so the spec says what Etsy does rather than what a JSON Schema validator can read:
// - `nullable` beside an `allOf` with no `type` (ajv refuses it) becomes "the referenced schema, or null";
// - updateListingInventory's body refuses fields it does not name: Etsy answers 400 to the `product_id`,
//   `offering_id`, `is_deleted`, `scale_name` or Money-object `price` a client copies from getListingInventory.
import { readFileSync } from 'node:fs';
import type { Document, Operation } from 'openapi-backend';
import { OpenAPIBackend } from 'openapi-backend';

const SPEC_FILE = new URL('../../fixtures/etsy/etsy-openapi-v3.json', import.meta.url);

type Json = Record<string, any>;

let raw: string | undefined;
let shared: Promise<OpenAPIBackend> | undefined;
let scopes: string[] | undefined;

/** A fresh, mutable copy of Etsy's spec as vendored (the file is read once). */
export function readEtsySpec(): Json {
  raw ??= readFileSync(SPEC_FILE, 'utf8');
  return JSON.parse(raw);
}

/** Calls `visit` on every object in the JSON tree under `node`, parents first. */
function eachObject(node: unknown, visit: (object: Json) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) eachObject(item, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  visit(node as Json);
  for (const value of Object.values(node)) eachObject(value, visit);
}

/** Rewrites `{allOf, nullable}` without a type into `anyOf: [the schema, null]`, in place. */
export function allowNullReferences(node: unknown): void {
  eachObject(node, (schema) => {
    if (schema.nullable !== true || schema.type !== undefined || !Array.isArray(schema.allOf)) return;
    const { allOf } = schema;
    delete schema.allOf;
    delete schema.nullable;
    schema.anyOf = [{ allOf }, { type: 'object', nullable: true, enum: [null] }];
  });
}

/** Marks every object schema under `node` closed to properties it does not list, in place. */
export function closeObjects(node: unknown): void {
  eachObject(node, (schema) => {
    if (schema.type === 'object' && schema.properties) schema.additionalProperties = false;
  });
}

/** Adds the string formats Etsy's spec names, so ajv checks them instead of warning about them. */
function addEtsyFormats(ajv: any) {
  ajv.addFormat('ISO 3166-1 alpha-2', /^[A-Z]{2}$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  ajv.addFormat('binary', true);
  return ajv;
}

/** An initialised openapi-backend over `definition` (coercing query and path parameters). */
export async function createSpecBackend(definition: Json): Promise<OpenAPIBackend> {
  const api = new OpenAPIBackend({
    definition: definition as Document,
    // quick: validators compile on first use and the 840 KB document is not re-validated (seconds saved per process).
    quick: true,
    validate: true,
    coerceTypes: true,
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: addEtsyFormats,
  });
  await api.init();
  return api;
}

/** The process-wide router and request validator the fake serves through. */
export function etsySpecBackend(): Promise<OpenAPIBackend> {
  shared ??= (() => {
    const definition = readEtsySpec();
    allowNullReferences(definition);
    closeObjects(definition.paths['/v3/application/listings/{listing_id}/inventory'].put.requestBody);
    return createSpecBackend(definition);
  })();
  return shared;
}

/** The OAuth scopes an operation needs, or undefined when Etsy serves it with the API key alone. */
export function requiredScopes(operation: Operation): string[] | undefined {
  const security = (operation.security ?? []) as Array<Record<string, string[]>>;
  return security.find((entry) => entry.oauth2)?.oauth2;
}

/** Every scope Etsy's spec defines (the only ones /oauth/connect accepts). */
export function knownScopes(): string[] {
  scopes ??= Object.keys(readEtsySpec().components.securitySchemes.oauth2.flows.authorizationCode.scopes);
  return scopes;
}
