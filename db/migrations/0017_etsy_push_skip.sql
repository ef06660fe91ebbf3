-- Most stock changes touch no product linked to Etsy; the INSERT ... ON CONFLICT
-- into etsy_pushes still costs every reservation statement its executor set-up
-- (about a tenth of the hot path). A read-only existence check first is cheaper,
-- and the insert runs only when there is something to queue.
CREATE OR REPLACE FUNCTION etsy_queue_push() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM added a JOIN etsy_links l ON l.product_id = a.product_id
    WHERE a.actor <> 'etsy'
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO etsy_pushes (connection_id, listing_id)
    SELECT DISTINCT l.connection_id, l.listing_id
    FROM added a JOIN etsy_links l ON l.product_id = a.product_id
    WHERE a.actor <> 'etsy'
  ON CONFLICT (connection_id, listing_id) DO UPDATE SET queued_at = clock_timestamp();
  RETURN NULL;
END $$;
