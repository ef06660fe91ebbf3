-- Reservations committed before sales existed become sales, one line each at the product's price, so that
-- `sold` always equals the units of sales not yet shipped.
INSERT INTO sales (source, reservation_id, currency, status, actor, created_at)
SELECT CASE WHEN r.actor LIKE 'api:%' THEN 'api' ELSE 'manual' END, r.id, p.currency, 'committed', r.actor, r.updated_at
FROM reservations r JOIN products p ON p.id = r.product_id
WHERE r.status = 'committed' AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.reservation_id = r.id);
--> statement-breakpoint
INSERT INTO sale_lines (sale_id, product_id, qty, unit_price_minor)
SELECT s.id, r.product_id, r.qty, p.price_minor
FROM sales s JOIN reservations r ON r.id = s.reservation_id JOIN products p ON p.id = r.product_id
WHERE NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id);
