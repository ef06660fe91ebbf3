// The two batch statements the hold batcher runs (hold-batch.ts): the full one and the distinct-products one.
// Parameters, as hold-batch.ts's `statement` sends them: BATCH_HOLD ($1 requests as JSON, $2 now, $3 keys, $4 SKUs,
// $5 storefront key ids); DISTINCT_HOLD ($1 requests as JSON, $2 SKUs, $3 keys).

/** The batch's requests, sent as one JSON array ($1) in the shape hold-batch.ts's `statement` builds. */
const SENT = `with sent as (
  select * from jsonb_to_recordset($1::text::jsonb) as r(
    i int, sku text, qty int, expires_at timestamptz, reference text, key text, hash text, api_key_id bigint, actor text)),`;

/**
 * How both batch statements write what they granted: each request's reservation (in key order, so two batches that
 * share keys meet at the unique index in the same order and the later one waits instead of deadlocking) and its
 * ledger row with the levels after it. `granted` carries the ids drawn for it and `reserved_after`.
 */
const WRITE_GRANTED = `made as (
  insert into reservations (id, public_id, product_id, qty, expires_at, reference, idempotency_key, request_hash,
    api_key_id, actor)
  select g.rid, g.pid, g.product_id, g.qty, g.expires_at, g.reference, g.key, g.hash, g.api_key_id, g.actor
  from granted g order by g.key, g.i),
logged as (
  insert into stock_ledger (product_id, reason, delta_reserved, total_after, reserved_after, sold_after, actor,
    reference, idempotency_key)
  select g.product_id, 'reserve', g.qty, g.total, g.reserved_after, g.sold, g.actor,
    coalesce(g.reference, 'reservation:' || g.rid), 'reservation:' || g.rid || ':reserve'
  from granted g order by g.i)`;

/**
 * Every request of a batch in one statement and one commit. Per product, the requests are ranked in arrival order
 * and granted while their running sum fits what is available, all in one UPDATE of the product's row (locked first,
 * in product order, so two batches cannot deadlock and the sum is taken against the row as it is now). Each granted
 * request gets its own reservation row (id and public id drawn here, so rows map back to callers) and its own ledger
 * row with the levels as they stood after it. Keys seen before answer their earlier reservation and write nothing.
 * The CHECK constraints on stock_levels still refuse any oversell, whatever this arithmetic says. A request whose
 * storefront key is revoked is refused here, in the same snapshot as the work, so a revoke is seen by the very next
 * request on every instance however the caller cached the key's identity.
 *
 * The answer is one row per outcome, a UNION of small scans rather than one row per request joined across every
 * step: a statement's fixed cost (a node, a hash table per join) is most of what a batch of a few requests pays, and
 * the caller knows each request's place and key anyway. A request with no row of its own names no active product.
 */
export const BATCH_HOLD = `
${SENT}
keys as materialized (select array(select id from api_keys where id = any($5::bigint[]) and revoked_at is null) as live),
earlier as materialized (
  select r.idempotency_key as key, r.id, r.public_id, (select sku from products where id = r.product_id) as sku,
    r.qty, r.status, r.expires_at, r.reference, r.request_hash
  from reservations r where r.idempotency_key = any($3::text[])),
ranked as materialized (
  select s.*, p.id as product_id, p.low_stock_threshold as threshold,
    sum(s.qty) over (partition by p.id order by s.i) as running
  from sent s join products p on p.sku = s.sku and p.active
  where p.sku = any($4::text[])
    and (s.api_key_id is null or s.api_key_id = any((select live from keys)::bigint[]))
    and (s.key is null or s.key <> all(array(select key from earlier)))),
locked as materialized (
  select s.product_id, s.total - s.reserved - s.sold as available from stock_levels s
  where s.product_id = any(array(select product_id from ranked)) order by s.product_id for update of s),
held as (
  update stock_levels s set reserved = s.reserved + t.qty, updated_at = now()
  from (select l.product_id, max(r.running) as qty from locked l join ranked r
        on r.product_id = l.product_id and r.running <= l.available group by l.product_id) t
  where s.product_id = t.product_id and s.total - s.reserved - s.sold >= t.qty
  returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted, t.qty as batch_qty),
granted as materialized (
  select r.i, r.product_id, r.qty, r.expires_at, r.reference, r.key, r.hash, r.api_key_id, r.actor, r.threshold,
    h.total, h.reserved - h.batch_qty + r.running as reserved_after, h.sold, h.available, h.low_alerted,
    nextval('reservations_id_seq') as rid, 'res_' || replace(gen_random_uuid()::text, '-', '') as pid
  from ranked r join held h on h.product_id = r.product_id and r.running <= h.batch_qty
  order by r.i),
${WRITE_GRANTED}
select 'held' as outcome, g.i, g.product_id, g.rid as id, g.pid as public_id, g.available,
  g.threshold > 0 and g.available < g.threshold and not g.low_alerted as flag,
  null::text as key, null::text as sku, null::int as qty, null::text as status, null::timestamptz as expires_at,
  null::text as reference, null::text as request_hash
from granted g
union all
select 'short', r.i, r.product_id, null, null,
  l.available - coalesce((select sum(g.qty) from granted g where g.product_id = r.product_id), 0)::int,
  exists (select 1 from reservations o
    where o.product_id = r.product_id and o.status = 'pending' and o.expires_at <= $2::timestamptz),
  null, null, null, null, null, null, null
from ranked r join locked l on l.product_id = r.product_id
where r.i <> all(array(select i from granted))
union all
select 'earlier', null, null, e.id, e.public_id, null, null, e.key, e.sku, e.qty, e.status, e.expires_at, e.reference,
  e.request_hash
from earlier e
union all
select 'revoked', s.i, null, null, null, null, null, null, null, null, null, null, null, null
from sent s where s.api_key_id is not null and not s.api_key_id = any((select live from keys)::bigint[])`;

/**
 * The common case in a cheaper statement: every request of the batch names a different product, so no running sum
 * is needed and each is one conditional hold on its product's row (locked first, in product order, and written as
 * the full statement writes). It answers only what it held. Whatever it leaves (a key seen
 * before, a revoked storefront key, a SKU that names nothing, short of stock) wrote nothing and goes through
 * BATCH_HOLD, which knows how to answer it; so does the whole batch if this statement fails (two callers racing with
 * one key meet at the unique index).
 */
export const DISTINCT_HOLD = `
${SENT}
ranked as materialized (
  select s.*, p.id as product_id, p.low_stock_threshold as threshold
  from sent s join products p on p.sku = s.sku and p.active
  where p.sku = any($2::text[])
    and (s.api_key_id is null or exists (select 1 from api_keys k where k.id = s.api_key_id and k.revoked_at is null))
    and (s.key is null or s.key <> all(array(
      select o.idempotency_key from reservations o where o.idempotency_key = any($3::text[]))))),
locked as materialized (
  select s.product_id from stock_levels s
  where s.product_id = any(array(select product_id from ranked)) order by s.product_id for update of s),
held as (
  update stock_levels s set reserved = s.reserved + r.qty, updated_at = now()
  from ranked r join locked l on l.product_id = r.product_id
  where s.product_id = r.product_id and s.total - s.reserved - s.sold >= r.qty
  returning s.product_id, s.total, s.reserved, s.sold, s.available, s.low_alerted),
granted as materialized (
  select r.i, r.product_id, r.qty, r.expires_at, r.reference, r.key, r.hash, r.api_key_id, r.actor, r.threshold,
    h.total, h.reserved as reserved_after, h.sold, h.available, h.low_alerted,
    nextval('reservations_id_seq') as rid, 'res_' || replace(gen_random_uuid()::text, '-', '') as pid
  from ranked r join held h on h.product_id = r.product_id
  order by r.i),
${WRITE_GRANTED}
select 'held' as outcome, g.i, g.product_id, g.rid as id, g.pid as public_id, g.available,
  g.threshold > 0 and g.available < g.threshold and not g.low_alerted as flag
from granted g`;
