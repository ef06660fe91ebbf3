import { createPublicKey, type KeyObject, verify } from 'node:crypto';

// An Ed25519 public key in SPKI DER is this fixed prefix followed by the 32 raw key bytes.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (64 hex characters, as the Developer Portal shows it) as a Node key. */
export function publicKeyFromHex(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes of hex');
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/**
 * Checks Discord's signature: Ed25519 over `X-Signature-Timestamp` followed by the raw body. Verification does
 * not depend on where a forged signature differs (no early exit on bytes), and a malformed header is just false.
 */
export function signatureValid(key: KeyObject, signature: string | null, timestamp: string | null, body: Uint8Array) {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
  try {
    return verify(null, message, key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}
