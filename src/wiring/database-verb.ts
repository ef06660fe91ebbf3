import type { Database } from '../../db/client.ts';
import { errorText } from '../chat/error-text.ts';
import type { Config } from '../config.ts';
import { openDatabase } from '../core.ts';
import { isAppError } from '../errors.ts';
import type { Translate } from '../i18n/index.ts';
import type { Logger } from '../logger.ts';

/**
 * A CLI verb's work on the database: opened (and migrated) for it, closed after it; an expected failure is one
 * line in the user's language on stderr and exit code 1, anything else propagates.
 */
export async function onDatabase(
  verb: string,
  context: { config: Config; log: Logger; t: Translate },
  work: (database: Database) => Promise<number>,
): Promise<number> {
  const database = await openDatabase(context.config, context.log, verb);
  try {
    return await work(database);
  } catch (error) {
    if (!isAppError(error)) throw error;
    process.stderr.write(`${errorText(error, context.t)}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
