-- 0008: every periodic query reads an index.
--
-- Expired Idempotency-Keys are deleted in batches, oldest first: by created_at.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- The backlog gauge counts unprocessed events, dead letters included, and reads the oldest one's age.
CREATE INDEX outbox_unprocessed_idx ON outbox (occurred_at)
    WHERE processed_at IS NULL;
