import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { outbox, sentMessages } from '../../db/schema/chat.ts';
import type { OutboxRef } from './sender.ts';
import { closeWindow } from './windows.ts';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusReport {
  platform: string;
  messageId: string;
  status: DeliveryStatus;
  error?: { code: number; title: string } | undefined;
  /** The failure means the person's window is closed: the message waits for them instead of dying. */
  windowClosed?: boolean;
}

const RANK = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const;

/** Remembers which outbox row and part a platform message carried, so its later statuses find it. */
export async function recordSent(db: Db, platform: string, messageId: string, ref: OutboxRef): Promise<void> {
  await db
    .insert(sentMessages)
    .values({ platform, messageId, outboxId: ref.outboxId, part: ref.part })
    .onConflictDoNothing();
}

/**
 * Applies a delivery status: statuses only move forward (a late `delivered` never undoes `read`), a repeat changes
 * nothing. A failure is written on the outbox row: dead with the platform's reason, or, when the person's window
 * closed, back in the queue from the failed part so it goes as a template or waits for them. Answers whether it
 * changed anything.
 */
export async function applyStatus(db: Db, report: StatusReport, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Only from an earlier status; a message already read cannot fail.
    const earlier = (Object.keys(RANK) as Array<keyof typeof RANK>).filter(
      (status) => RANK[status] < RANK[report.status] && !(report.status === 'failed' && status === 'read'),
    );
    const [sent] = await tx
      .update(sentMessages)
      .set({
        status: report.status,
        errorCode: report.error?.code ?? null,
        errorTitle: report.error?.title ?? null,
        updatedAt: now,
      })
      .where(
        and(
          eq(sentMessages.platform, report.platform),
          eq(sentMessages.messageId, report.messageId),
          sql`${sentMessages.status} in ${earlier}`,
        ),
      )
      .returning({ outboxId: sentMessages.outboxId, part: sentMessages.part });
    if (!sent || report.status !== 'failed') return Boolean(sent);
    const reason = report.error ? `${report.error.code}: ${report.error.title}` : 'failed';
    const [row] = await tx
      .update(outbox)
      .set(
        report.windowClosed
          ? {
              status: 'pending',
              partsSent: sql`least(${outbox.partsSent}, ${sent.part})`,
              nextAttemptAt: now,
              lastError: reason,
            }
          : { status: 'dead', lastError: reason },
      )
      .where(and(eq(outbox.id, sent.outboxId), sql`${outbox.status} in ('sent', 'sending', 'pending')`))
      .returning({ chatId: outbox.chatId });
    if (row && report.windowClosed) await closeWindow(tx, { platform: report.platform, chatId: row.chatId });
    return true;
  });
}
