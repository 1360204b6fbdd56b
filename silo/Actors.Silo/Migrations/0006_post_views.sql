-- 0006: post views, counted in batches off the request path.
--
-- Views are the one figure allowed a bounded loss (README, "Background work"): gateways count them
-- in memory and publish a batch every second to aggregator grains, which add each batch to these
-- columns with one statement every few seconds.
ALTER TABLE posts ADD COLUMN view_count bigint NOT NULL DEFAULT 0;

-- Views per post and hour, for trending: the ranking reads only the buckets inside its window.
CREATE TABLE post_view_buckets (
    post_id uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    bucket  timestamptz NOT NULL,   -- the hour the views fall in (date_trunc('hour', ...))
    views   bigint      NOT NULL,
    PRIMARY KEY (post_id, bucket)
);
CREATE INDEX post_view_buckets_recent_idx ON post_view_buckets (bucket, post_id);
