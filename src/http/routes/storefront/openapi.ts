import { MAX_QTY } from '../../../domain/inventory/index.ts';

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const answer = (description: string, schema = ref('Error')) => ({ description, content: json(schema) });

const errors = {
  401: answer('Missing, unknown or revoked API key'),
  429: answer('Too many refused keys from this address; see Retry-After'),
};
const reservationId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The reservation id returned when it was made',
  schema: { type: 'string', pattern: '^res_[0-9a-f]{32}$' },
};
const notYours = answer('No such reservation for this API key');

/** The storefront API as an OpenAPI 3.1 document, served at /api/v1/openapi.json and checked against the routes in tests. */
export const storefrontOpenApi = {
  openapi: '3.1.0',
  info: {
    title: 'bodega storefront API',
    version: '1.0.0',
    description:
      'Stock reads and reservations for a web shop’s cart and checkout. A reservation belongs to the API key that made it.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ apiKey: [] }],
  paths: {
    '/stock/{sku}': {
      get: {
        summary: 'Stock of one product',
        parameters: [{ name: 'sku', in: 'path', required: true, schema: ref('Sku') }],
        responses: {
          200: answer('The product’s levels and price', ref('Stock')),
          404: answer('No such product'),
          ...errors,
        },
      },
    },
    '/stock': {
      get: {
        summary: 'Stock of up to 100 products at once (a cart)',
        parameters: [
          {
            name: 'skus',
            in: 'query',
            required: true,
            description: 'Comma-separated SKUs, 1 to 100',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: answer('The products found, in SKU order, and the SKUs not found', ref('StockList')),
          422: answer('No SKUs, more than 100, or one that is not a SKU'),
          ...errors,
        },
      },
    },
    '/reservations': {
      post: {
        summary: 'Hold units until the TTL ends',
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            description: 'Retries with the same key answer the same reservation; with a different body, 422',
            schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
          },
        ],
        requestBody: { required: true, content: json(ref('ReservationRequest')) },
        responses: {
          201: answer('Held (or the earlier reservation with this Idempotency-Key)', ref('Reservation')),
          400: answer('Missing Idempotency-Key or a body that is not JSON'),
          404: answer('No such product'),
          409: answer('Not enough available', ref('InsufficientStock')),
          413: answer('Body over 16 KB'),
          422: answer('Invalid body, or the Idempotency-Key was used with a different body'),
          ...errors,
        },
      },
    },
    '/reservations/{id}': {
      get: {
        summary: 'One reservation made with this key',
        parameters: [reservationId],
        responses: { 200: answer('The reservation', ref('Reservation')), 404: notYours, ...errors },
      },
      delete: {
        summary: 'Release a reservation; releasing again answers the same',
        parameters: [reservationId],
        responses: {
          200: answer('Released (or already released or expired)', ref('ReservationState')),
          404: notYours,
          409: answer('It is a sale already (committed or shipped)'),
          ...errors,
        },
      },
    },
    '/reservations/{id}/commit': {
      post: {
        summary: 'Turn a reservation into a sale; committing again answers the same',
        parameters: [reservationId],
        responses: {
          200: answer('Committed', ref('ReservationState')),
          404: notYours,
          409: answer('Expired or released'),
          ...errors,
        },
      },
    },
    '/reservations/{id}/ship': {
      post: {
        summary: 'The sale left the shelf: its units leave total and sold',
        parameters: [reservationId],
        responses: {
          200: answer('Shipped (or already shipped)', ref('ReservationState')),
          404: notYours,
          409: answer('Not committed'),
          ...errors,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { 200: { description: 'The OpenAPI document', content: json({ type: 'object' }) } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'bearer', description: 'A key made with `bodega apikey create <name>`' },
    },
    schemas: {
      Sku: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$' },
      Stock: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'title', 'total', 'reserved', 'sold', 'available', 'price', 'currency'],
        properties: {
          sku: { type: 'string' },
          title: { type: 'string' },
          total: { type: 'integer', minimum: 0 },
          reserved: { type: 'integer', minimum: 0 },
          sold: { type: 'integer', minimum: 0 },
          available: { type: 'integer', minimum: 0 },
          price: { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'Exact decimal, e.g. "199.90"' },
          currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        },
      },
      StockList: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'missing'],
        properties: {
          items: { type: 'array', items: ref('Stock') },
          missing: { type: 'array', items: { type: 'string' } },
        },
      },
      ReservationRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['sku', 'qty'],
        properties: {
          sku: ref('Sku'),
          qty: { type: 'integer', minimum: 1, maximum: MAX_QTY },
          ttl_seconds: { type: 'integer', minimum: 30, maximum: 604800, default: 900 },
          reference: { type: 'string', maxLength: 200 },
        },
      },
      ReservationStatus: {
        type: 'string',
        enum: ['pending', 'committed', 'shipped', 'cancelled', 'released', 'expired'],
      },
      Reservation: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'sku', 'qty', 'status', 'expires_at', 'reference'],
        properties: {
          id: { type: 'string', pattern: '^res_[0-9a-f]{32}$' },
          sku: { type: 'string' },
          qty: { type: 'integer', minimum: 1 },
          status: ref('ReservationStatus'),
          expires_at: { type: 'string', format: 'date-time' },
          reference: { type: ['string', 'null'] },
        },
      },
      ReservationState: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status'],
        properties: { id: { type: 'string' }, status: ref('ReservationStatus') },
      },
      Error: {
        type: 'object',
        required: ['error', 'message'],
        properties: { error: { type: 'string' }, message: { type: 'string' }, request_id: { type: 'string' } },
      },
      InsufficientStock: {
        type: 'object',
        required: ['error', 'available'],
        properties: { error: { const: 'insufficient_stock' }, available: { type: 'integer', minimum: 0 } },
      },
    },
  },
} as const;
