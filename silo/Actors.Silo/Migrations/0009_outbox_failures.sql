-- 0009: an event's retries count its failures, not its deliveries.
--
-- attempts still counts claims (it fences stale deliveries); failures counts deliveries that ran and
-- failed. A delivery lost with its silo, whose lease ran out, is no failure of the event.
ALTER TABLE outbox ADD COLUMN failures integer NOT NULL DEFAULT 0;
