import { join } from 'node:path';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createFileStore, type FileStore, fileLinks } from '../domain/files/index.ts';
import { createMailer, createReports, type Reports } from '../domain/reports/index.ts';
import { resolveEncryptionKey } from '../secrets.ts';

/** The file store of signed links, keyed by ENCRYPTION_KEY (or the one kept in $DATA_DIR); undefined without a key. */
export async function fileStore(config: Config, db: Db): Promise<FileStore | undefined> {
  const key = await resolveEncryptionKey(config);
  return key ? createFileStore({ db, dir: join(config.dataDir, 'files'), key }) : undefined;
}

/** Reports wired to SMTP_URL/REPORT_EMAIL_TO and, with PUBLIC_URL, to signed links for files too big for a chat. */
export function reportsService(config: Config, db: Db, clock: Clock): Reports {
  const mailer = config.mail ? createMailer({ smtpUrl: config.mail.smtpUrl }) : undefined;
  const publicUrl = config.publicUrl;
  const links = publicUrl
    ? fileLinks({ store: () => fileStore(config, db), publicUrl, now: () => clock.now() })
    : undefined;
  return createReports({ db, clock, mailer, mailTo: config.mail?.reportTo ?? [], links });
}
