import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rawRow, timestamp } from '../../../db/raw.ts';

export interface DeliveryClaim {
  period: string;
  /** True when an earlier, crashed attempt already emailed it: do not email again. */
  emailed: boolean;
}

/** The record of what each month's report sent where: a month is claimed by one sender at a time, and sent once. */
export function createDeliveries({ db }: { db: Db }) {
  return {
    /**
     * Claims a month for sending: a new month, or one whose earlier sender's lease ran out before it finished.
     * Answers undefined when it was sent already or another sender holds it right now.
     */
    async claim(period: string, by: string, now: Date, leaseMs: number): Promise<DeliveryClaim | undefined> {
      const until = new Date(now.getTime() + leaseMs);
      const row = await rawRow<{ period: string; emailed: boolean }>(
        db,
        sql`insert into report_deliveries (period, status, claimed_by, lease_until)
            values (${period}, 'sending', ${by}, ${timestamp(until)})
            on conflict (period) do update set claimed_by = excluded.claimed_by, lease_until = excluded.lease_until
              where report_deliveries.status = 'sending' and report_deliveries.lease_until < ${timestamp(now)}
            returning period, emailed_at is not null as emailed`,
      );
      return row;
    },
    async emailed(period: string, to: string[], now: Date) {
      await db.execute(
        sql`update report_deliveries set emailed_at = ${timestamp(now)}, emailed_to = ${to.join(', ')}
            where period = ${period}`,
      );
    },
    async sent(period: string, chats: number, now: Date) {
      await db.execute(
        sql`update report_deliveries set status = 'sent', chats = ${chats}, sent_at = ${timestamp(now)}
            where period = ${period}`,
      );
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
