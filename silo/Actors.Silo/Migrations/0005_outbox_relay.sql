-- 0005: what the outbox relay needs.
--
-- A relay claims due events by pushing next_attempt_at one lease ahead and naming itself in
-- leased_by: other relays skip the row (FOR UPDATE SKIP LOCKED while claiming, then not due until
-- the lease runs out), and if the claiming silo dies the event is simply due again after the lease.
-- leased_until marks an event as in flight, so each relay can bound how many it has out at once.
ALTER TABLE outbox
    ADD COLUMN leased_by    text,
    ADD COLUMN leased_until timestamptz;

-- Counting one relay's events in flight reads only claimed, unfinished rows.
CREATE INDEX outbox_in_flight_idx ON outbox (leased_by, leased_until)
    WHERE processed_at IS NULL AND dead_lettered_at IS NULL AND leased_until IS NOT NULL;

-- Dead letters, for the backlog gauge and the operator's list, without scanning the history.
CREATE INDEX outbox_dead_letter_idx ON outbox (dead_lettered_at, seq)
    WHERE dead_lettered_at IS NOT NULL;

-- Processed events are purged after a retention period: by processed_at.
CREATE INDEX outbox_processed_idx ON outbox (processed_at)
    WHERE processed_at IS NOT NULL;
