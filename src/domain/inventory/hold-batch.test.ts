import { sql } from 'drizzle-orm';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connect } from '../../../db/client.ts';
import { isInvalidText } from '../../../db/errors.ts';
import { useTestDatabase } from '../../../test/helpers/database.ts';
import { manualClock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { createApiKeys } from '../apikeys/index.ts';
import { fingerprint } from './holds.ts';
import { type BatchReport, createInventory, type LowStockAlert, type ReserveRequest } from './index.ts';

const database = useTestDatabase({ poolSize: 20 });
const clock = manualClock('2026-05-01T12:00:00Z');
const alerts: LowStockAlert[] = [];
/** What each batch statement reported, in the order they settled (cleared by reserveAll). */
const reports: BatchReport[] = [];
/**
 * Each batch statement: a full one as its size, or `fell back: <size>` when it failed and its requests ran one by
 * one; a distinct-products one as `distinct: <size>`, or `distinct failed: <size>`.
 */
const label = ({ size, statement, answered }: BatchReport) =>
  statement === 'distinct'
    ? answered
      ? `distinct: ${size}`
      : `distinct failed: ${size}`
    : answered
      ? size
      : `fell back: ${size}`;
const batches = () => reports.map(label);
let inventory: ReturnType<typeof createInventory> | undefined;
/** One inventory for the whole file, as bodega start has: its reservations share batches. */
const shop = () => {
  inventory ??= createInventory({
    db: database().db,
    batchDb: database().batchDb,
    clock,
    notify: async (_tx, alert) => void alerts.push(alert),
    onHoldBatch: (report) => void reports.push(report),
  });
  return inventory;
};

async function product(sku: string, stock: number, threshold = 0) {
  await shop().products.add(
    { sku, title: `Product ${sku}`, priceMinor: 500, currency: 'MXN', stock, threshold },
    { actor: 'test', key: `seed:${sku}` },
  );
}

/** The batches that failed as a whole and ran request by request (none should, but for the one test that makes it so). */
const fellBack = () => reports.filter((report) => !report.answered).map(label);

/** Each request's answer: its reservation id, or the reason it was refused. */
async function reserveAll(requests: ReserveRequest[]) {
  reports.length = 0;
  const settled = await Promise.allSettled(requests.map((request) => shop().reservations.reserve(request)));
  return settled.map((result) => {
    if (result.status === 'fulfilled') return { ok: result.value.reservation, replayed: result.value.replayed };
    if (result.reason instanceof AppError) return { refused: result.reason.reason, details: result.reason.details };
    return { failed: isInvalidText(result.reason) ? 'invalid_text' : String(result.reason) };
  });
}

/**
 * Resolves once `count` batch statements of this test database wait on a lock (another transaction's row), each on
 * a connection of the batch pool.
 */
async function batchStatementsWaiting(count: number) {
  for (let waited = 0; ; waited++) {
    const [waiting] = await database().db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query like '%jsonb_to_recordset%'
          and application_name = 'bodega-batches'`,
    );
    if ((waiting?.n ?? 0) >= count) return;
    if (waited > 200) throw new Error(`${count} batch statements never waited`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Units reserved of each product, in the order given. */
async function reservedOf(skus: string[]) {
  return Promise.all(skus.map(async (sku) => (await shop().stock.get(sku))?.reserved));
}

async function ledgerOf(sku: string) {
  return database().db.execute(sql`
    select l.delta_reserved, l.reserved_after, l.total_after from stock_ledger l join products p on p.id = l.product_id
    where p.sku = ${sku} and l.reason = 'reserve' order by l.id`);
}

describe('reservations arriving together', () => {
  it('share one statement, granted in arrival order while the running sum fits, each with its own rows', async () => {
    await product('FLASH-B', 5);
    const answers = await reserveAll(
      Array.from({ length: 8 }, (_, i) => ({ sku: 'FLASH-B', qty: 1, actor: `buyer${i}`, idempotencyKey: `f:${i}` })),
    );
    expect(batches()).toEqual([8]);
    expect(answers.slice(0, 5).every((a) => 'ok' in a)).toBe(true);
    expect(answers.slice(5)).toEqual(
      Array.from({ length: 3 }, () => ({ refused: 'error.insufficient_stock', details: { available: 0 } })),
    );
    const ids = answers.flatMap((a) => ('ok' in a && a.ok ? [a.ok.id] : []));
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await ledgerOf('FLASH-B')).toEqual(
      [1, 2, 3, 4, 5].map((reserved) => ({ delta_reserved: 1, reserved_after: reserved, total_after: 5 })),
    );
    expect(await shop().stock.get('FLASH-B')).toMatchObject({ reserved: 5, available: 0 });
    expect(await shop().verify()).toEqual([]);
  });

  it('fails only the requests that are wrong, and their neighbours in the batch still reserve', async () => {
    await product('MIX-A', 10);
    await product('MIX-B', 3);
    await shop().reservations.reserve({ sku: 'MIX-A', qty: 1, actor: 'early', idempotencyKey: 'mix:used' });
    const answers = await reserveAll([
      { sku: 'MIX-A', qty: 2, actor: 'a', idempotencyKey: 'mix:1' },
      { sku: 'NO-SUCH', qty: 1, actor: 'b', idempotencyKey: 'mix:2' },
      { sku: 'MIX-A', qty: 5, actor: 'c', idempotencyKey: 'mix:used' },
      { sku: 'MIX-B', qty: 4, actor: 'd', idempotencyKey: 'mix:3' },
      { sku: 'MIX-B', qty: 3, actor: 'e', idempotencyKey: 'mix:4' },
      { sku: 'MIX-A', qty: 1, actor: 'f', idempotencyKey: 'mix:used' },
    ]);
    expect(batches()[0]).toBe(5);
    expect(fellBack()).toEqual([]);
    expect(answers.map((a) => ('ok' in a ? (a.replayed ? 'replayed' : 'held') : a.refused))).toEqual([
      'held',
      'product.not_found',
      'reservation.key_reused',
      'error.insufficient_stock',
      'held',
      'replayed',
    ]);
    expect(await shop().stock.get('MIX-A')).toMatchObject({ reserved: 3, available: 7 });
    expect(await shop().stock.get('MIX-B')).toMatchObject({ reserved: 3, available: 0 });
    expect(await shop().verify()).toEqual([]);
  });

  it('keeps the others when one request makes the whole statement fail', async () => {
    await product('NUL-1', 10);
    const answers = await reserveAll(
      Array.from({ length: 6 }, (_, i) => ({
        sku: 'NUL-1',
        qty: 1,
        actor: 'buyer',
        idempotencyKey: `nul:${i}`,
        reference: i === 2 ? 'order\u0000 2' : `order ${i}`,
      })),
    );
    expect(batches()).toEqual(['fell back: 6']);
    expect(answers.filter((a) => 'ok' in a)).toHaveLength(5);
    expect(answers[2]).toEqual({ failed: 'invalid_text' });
    expect(await shop().stock.get('NUL-1')).toMatchObject({ reserved: 5, available: 5 });
    const [pending] = await database().db.execute(
      sql`select count(*)::int as n from reservations r join products p on p.id = r.product_id where p.sku = 'NUL-1'`,
    );
    expect(pending?.n).toBe(5);
    expect(await shop().verify()).toEqual([]);
  });

  it('grants a small request that a larger one ranked before it could not use', async () => {
    await product('BIG-1', 4);
    const answers = await reserveAll([
      { sku: 'BIG-1', qty: 6, actor: 'a' },
      { sku: 'BIG-1', qty: 3, actor: 'b' },
      { sku: 'BIG-1', qty: 2, actor: 'c' },
    ]);
    expect(answers.map((a) => ('ok' in a ? a.ok?.qty : a.refused))).toEqual([
      'error.insufficient_stock',
      3,
      'error.insufficient_stock',
    ]);
    expect(await shop().stock.get('BIG-1')).toMatchObject({ reserved: 3, available: 1 });
    expect(fellBack()).toEqual([]);
  });

  it('expires overdue holds for a request the batch found short, and alerts once on crossing the threshold', async () => {
    await product('DUE-1', 4, 3);
    await shop().reservations.reserve({ sku: 'DUE-1', qty: 4, ttlSeconds: 30, actor: 'early' });
    expect(alerts.filter((a) => a.sku === 'DUE-1')).toHaveLength(1);
    clock.advance(31_000);
    const answers = await reserveAll([
      { sku: 'DUE-1', qty: 1, actor: 'a' },
      { sku: 'DUE-1', qty: 1, actor: 'b' },
    ]);
    expect(answers.every((a) => 'ok' in a)).toBe(true);
    expect(await shop().stock.get('DUE-1')).toMatchObject({ reserved: 2, available: 2 });
    expect(alerts.filter((a) => a.sku === 'DUE-1')).toHaveLength(2);
    expect(fellBack()).toEqual([]);
    expect(await shop().verify()).toEqual([]);
  });

  it('refuses only the request whose storefront key was revoked, and the same statement answers the rest', async () => {
    await product('KEY-1', 10);
    const apiKeys = createApiKeys({ db: database().db });
    const live = await apiKeys.create('shop-live');
    const gone = await apiKeys.create('shop-gone');
    await apiKeys.revoke(String(gone.id));
    const answers = await reserveAll([
      { sku: 'KEY-1', qty: 1, actor: 'api:shop-live', apiKeyId: live.id, idempotencyKey: 'key:1' },
      { sku: 'KEY-1', qty: 2, actor: 'api:shop-gone', apiKeyId: gone.id, idempotencyKey: 'key:2' },
      { sku: 'KEY-1', qty: 3, actor: 'chat' },
    ]);
    expect(batches()).toEqual([3]);
    expect(answers.map((a) => ('ok' in a ? a.ok?.qty : a.refused))).toEqual([1, 'apikey.revoked', 3]);
    expect(await shop().stock.get('KEY-1')).toMatchObject({ reserved: 4, available: 6 });
  });

  it('answers a key seen before from its reservation, and refuses it with another SKU even one that names nothing', async () => {
    await product('OLD-1', 5);
    const first = await shop().reservations.reserve({ sku: 'OLD-1', qty: 1, actor: 'a', idempotencyKey: 'old:1' });
    const answers = await reserveAll([
      { sku: 'OLD-1', qty: 1, actor: 'a', idempotencyKey: 'old:1' },
      { sku: 'NOTHING-1', qty: 1, actor: 'a', idempotencyKey: 'old:1' },
    ]);
    expect(answers[0]).toEqual({ ok: first.reservation, replayed: true });
    expect(answers[1]).toMatchObject({ refused: 'reservation.key_reused' });
    expect(fellBack()).toEqual([]);
    expect(await shop().stock.get('OLD-1')).toMatchObject({ reserved: 1, available: 4 });
  });
});

describe('reservations of different products arriving together', () => {
  it('share the cheaper statement, each with its own reservation and ledger row', async () => {
    const skus = ['ONE-A', 'ONE-B', 'ONE-C', 'ONE-D'];
    for (const sku of skus) await product(sku, 3, 3);
    const answers = await reserveAll(
      skus.map((sku, i) => ({ sku, qty: Math.min(i + 1, 3), actor: 'buyer', idempotencyKey: `one:${i}` })),
    );
    expect(batches()).toEqual(['distinct: 4']);
    expect(answers.map((a) => ('ok' in a ? a.ok?.qty : a.refused))).toEqual([1, 2, 3, 3]);
    expect(await ledgerOf('ONE-B')).toEqual([{ delta_reserved: 2, reserved_after: 2, total_after: 3 }]);
    expect(await shop().stock.get('ONE-A')).toMatchObject({ reserved: 1, available: 2 });
    expect(await shop().stock.get('ONE-D')).toMatchObject({ reserved: 3, available: 0 });
    // Each product crossed its threshold of 3 and alerts once.
    expect(alerts.filter((a) => a.sku.startsWith('ONE-')).map((a) => a.sku)).toEqual(expect.arrayContaining(skus));
    expect(alerts.filter((a) => a.sku.startsWith('ONE-'))).toHaveLength(4);
    expect(await shop().verify()).toEqual([]);
  });

  it('send what the cheaper statement cannot settle through the full one, and only that', async () => {
    for (const [sku, stock] of [
      ['LEFT-A', 5],
      ['LEFT-B', 1],
      ['LEFT-C', 5],
      ['LEFT-D', 5],
      ['LEFT-E', 2],
    ] as const) {
      await product(sku, stock);
    }
    const earlier = await shop().reservations.reserve({ sku: 'LEFT-C', qty: 1, actor: 'a', idempotencyKey: 'left:c' });
    await shop().reservations.reserve({ sku: 'LEFT-E', qty: 2, ttlSeconds: 30, actor: 'early' });
    const apiKeys = createApiKeys({ db: database().db });
    const gone = await apiKeys.create('left-gone');
    await apiKeys.revoke(String(gone.id));
    clock.advance(31_000);
    const answers = await reserveAll([
      { sku: 'LEFT-A', qty: 1, actor: 'a', idempotencyKey: 'left:a' },
      { sku: 'NO-SUCH-LEFT', qty: 1, actor: 'a' },
      { sku: 'LEFT-B', qty: 2, actor: 'a' },
      { sku: 'LEFT-C', qty: 1, actor: 'a', idempotencyKey: 'left:c' },
      { sku: 'LEFT-D', qty: 1, actor: 'api:left-gone', apiKeyId: gone.id },
      { sku: 'LEFT-E', qty: 1, actor: 'a' },
    ]);
    // Six in the cheaper statement; the five it left in the full one; the overdue one once more after its expiry.
    expect(batches()).toEqual(['distinct: 6', 5, 1]);
    expect(answers.map((a) => ('ok' in a ? (a.replayed ? 'replayed' : 'held') : a.refused))).toEqual([
      'held',
      'product.not_found',
      'error.insufficient_stock',
      'replayed',
      'apikey.revoked',
      'held',
    ]);
    expect(answers[2]).toMatchObject({ details: { available: 1 } });
    expect(answers[3]).toEqual({ ok: earlier.reservation, replayed: true });
    expect(await reservedOf(['LEFT-A', 'LEFT-B', 'LEFT-C', 'LEFT-D', 'LEFT-E'])).toEqual([1, 0, 1, 0, 1]);
    expect(await shop().verify()).toEqual([]);
  });

  it('answer a key that another caller is writing at that moment from what that caller made', async () => {
    await product('RACE-1', 5);
    const request = { sku: 'RACE-1', qty: 1, actor: 'b', idempotencyKey: 'race:1' };
    // The fingerprint bodega keeps of this request, so the other caller's row is the same request.
    const hash = fingerprint(request, 'RACE-1');
    let answers: Awaited<ReturnType<typeof reserveAll>> | undefined;
    const made = await database().db.transaction(async (tx) => {
      const [row] = await tx.execute<{ id: string }>(sql`
        with p as (select id from products where sku = 'RACE-1'),
        l as (update stock_levels set reserved = reserved + 1 where product_id = (select id from p)
          returning total, reserved, sold),
        r as (insert into reservations (product_id, qty, expires_at, idempotency_key, request_hash, actor)
          select id, 1, now() + interval '15 minutes', 'race:1', ${hash}, 'a' from p returning id)
        insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor,
          reference, idempotency_key)
        select (select id from p), 'reserve', 1, l.total, l.reserved, l.sold, 'a', 'reservation:' || r.id,
          'reservation:' || r.id || ':reserve'
        from l, r returning (select id from r) as id`);
      const racing = reserveAll([request]).then((settled) => {
        answers = settled;
      });
      // Commit only once the cheaper statement waits on this transaction's row.
      await batchStatementsWaiting(1);
      return { id: Number(row?.id), racing };
    });
    await made.racing;
    expect(batches()).toEqual(['distinct failed: 1', 1]);
    expect(answers).toEqual([{ ok: expect.objectContaining({ id: made.id }), replayed: true }]);
    expect(await shop().stock.get('RACE-1')).toMatchObject({ reserved: 1, available: 4 });
    expect(await shop().verify()).toEqual([]);
  });
  it('run alone when the cheaper statement and then the full one fail as a whole, so only the bad request fails', async () => {
    for (const sku of ['NUL-A', 'NUL-B', 'NUL-C']) await product(sku, 5);
    const answers = await reserveAll(
      ['NUL-A', 'NUL-B', 'NUL-C'].map((sku, i) => ({
        sku,
        qty: 1,
        actor: 'buyer',
        reference: i === 1 ? 'order\u0000 1' : `order ${i}`,
      })),
    );
    expect(batches()).toEqual(['distinct failed: 3', 'fell back: 3']);
    expect(answers.map((a) => ('ok' in a ? 'held' : (a.failed ?? a.refused)))).toEqual([
      'held',
      'invalid_text',
      'held',
    ]);
    expect(await reservedOf(['NUL-A', 'NUL-B', 'NUL-C'])).toEqual([1, 0, 1]);
    expect(await shop().verify()).toEqual([]);
  });

  it('never deadlock when two instances write the same keys in opposite orders at once', async () => {
    // Two bodega instances, each with its own batches, reserve different products with the same keys in opposite
    // orders. Both statements wait on a gate (a lock on their first product's row) and start together when it
    // opens; written in request order, they would lock each other at the unique index.
    // The other instance has its own connections, batch pool included, as a second process would.
    const otherDatabase = connect(database().url, 'external', 2);
    onTestFinished(() => otherDatabase.close());
    const other = createInventory({
      db: otherDatabase.db,
      batchDb: otherDatabase.batchDb,
      clock,
      onHoldBatch: (report) => void reports.push(report),
    });
    for (let i = 0; i < 16; i++) await product(`CROSS-${i}`, 100);
    reports.length = 0;
    // Each round catches request-order writes only sometimes (they must overlap), so there are many.
    for (let round = 0; round < 20; round++) {
      const keys = Array.from({ length: 8 }, (_, i) => `cross:${round}:${i}`);
      const settled = await database().db.transaction(async (gate) => {
        await gate.execute(sql`select 1 from stock_levels s join products p on p.id = s.product_id
          where p.sku in ('CROSS-0', 'CROSS-8') for update of s`);
        const racing = Promise.allSettled([
          ...keys.map((key, i) =>
            shop().reservations.reserve({ sku: `CROSS-${i}`, qty: 1, actor: 'a', idempotencyKey: key }),
          ),
          ...[...keys]
            .reverse()
            .map((key, i) =>
              other.reservations.reserve({ sku: `CROSS-${8 + i}`, qty: 1, actor: 'b', idempotencyKey: key }),
            ),
        ]);
        await batchStatementsWaiting(2);
        return { racing };
      });
      const answers = await settled.racing;
      // Each key made one reservation; its second use, with another SKU, is refused as a reused key.
      expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(8);
      expect(
        answers.every(
          (answer) =>
            answer.status === 'fulfilled' ||
            (answer.reason instanceof AppError && answer.reason.reason === 'reservation.key_reused'),
        ),
      ).toBe(true);
    }
    const deadlocks = reports.filter((report) => (report.error as { code?: string } | undefined)?.code === '40P01');
    expect(deadlocks).toEqual([]);
    expect(await shop().verify()).toEqual([]);
  });
});
