import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';

/**
 * The key that encrypts secrets at rest. ENCRYPTION_KEY wins; on a single machine with the embedded
 * database it is generated once into `$DATA_DIR/encryption.key`. With DATABASE_URL every instance
 * must share the key, so none is invented: undefined means encrypted features stay off.
 */
export async function resolveEncryptionKey(config: Config): Promise<Buffer | undefined> {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.database.url) return undefined;
  const file = join(config.dataDir, 'encryption.key');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing) {
    const key = Buffer.from(existing.trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key; restore it or remove it`);
    return key;
  }
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
