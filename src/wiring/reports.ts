import { join } from 'node:path';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { createFileStore, directoryBlobs, type FileStore, fileLinks, s3Blobs } from '../domain/files/index.ts';
import { createMailer, createReports, type Reports } from '../domain/reports/index.ts';
import { resolveEncryptionKey } from '../secrets.ts';

/** The file store of signed links (bytes in S3 when configured, else `$DATA_DIR/files/store`), keyed by ENCRYPTION_KEY (or the one kept in $DATA_DIR); undefined without a key. */
export async function fileStore(config: Config, db: Db): Promise<FileStore | undefined> {
  const key = await resolveEncryptionKey(config);
  if (!key) return undefined;
  const blobs = config.s3 ? s3Blobs(config.s3, 'files/') : directoryBlobs(join(config.dataDir, 'files', 'store'));
  return createFileStore({ db, blobs, key });
}

/** Reports wired to SMTP_URL/REPORT_EMAIL_TO and, with PUBLIC_URL, to signed links for files too big for a chat. */
export function reportsService(config: Config, db: Db, clock: Clock): Reports {
  const mailer = config.mail ? createMailer({ smtpUrl: config.mail.smtpUrl }) : undefined;
  const publicUrl = config.publicUrl;
  // With a bucket, links are presigned URLs and need no PUBLIC_URL.
  const links =
    publicUrl || config.s3
      ? fileLinks({ store: () => fileStore(config, db), publicUrl: publicUrl ?? '', now: () => clock.now() })
      : undefined;
  return createReports({ db, clock, mailer, mailTo: config.mail?.reportTo ?? [], links });
}
