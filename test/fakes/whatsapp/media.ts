// Media the business uploads (`POST /{version}/{phone-number-id}/media`, multipart: file, type, messaging_product),
// kept in memory so messages can send it by id and tests can read back exactly the bytes that arrived.
import { createHash } from 'node:crypto';
import { type GraphError, graphError, invalidParameter } from './errors.ts';

export interface StoredMedia {
  id: string;
  mimeType: string;
  filename: string | undefined;
  sha256: string;
  bytes: Buffer;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
const DOCUMENT_TYPES = new Set([
  'text/plain',
  'application/pdf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;

export type MediaKind = 'image' | 'document';

export function mediaKind(mimeType: string): MediaKind | undefined {
  if (IMAGE_TYPES.has(mimeType)) return 'image';
  return DOCUMENT_TYPES.has(mimeType) ? 'document' : undefined;
}

export function createMediaStore() {
  const items = new Map<string, StoredMedia>();
  let sequence = 0;

  /** Checks an upload the way the Cloud API does and stores it; answers the new media id or the Graph error. */
  async function upload(form: Record<string, unknown>): Promise<{ id: string } | GraphError> {
    if (form.messaging_product !== 'whatsapp')
      return invalidParameter('The parameter messaging_product is required and must be "whatsapp".');
    const file = form.file;
    if (!(file instanceof File)) return invalidParameter('The parameter file is required.');
    if (typeof form.type !== 'string' || form.type === '') return invalidParameter('The parameter type is required.');
    const kind = mediaKind(form.type);
    if (!kind) return graphError(131053, `Param type: unsupported file type ${form.type}`);
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) return graphError(131053, 'The uploaded file is empty.');
    const limit = kind === 'image' ? MAX_IMAGE_BYTES : MAX_DOCUMENT_BYTES;
    if (bytes.length > limit) return graphError(131053, `File is too big: ${bytes.length} bytes, max ${limit} bytes.`);
    sequence += 1;
    const id = String(1_000_000_000_000_000 + sequence);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    items.set(id, { id, mimeType: form.type, filename: file.name || undefined, sha256, bytes });
    return { id };
  }

  return { upload, get: (id: string) => items.get(id), all: () => [...items.values()] };
}

export type MediaStore = ReturnType<typeof createMediaStore>;
