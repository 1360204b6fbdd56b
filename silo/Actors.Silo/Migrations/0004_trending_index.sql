-- Trending ranks posts by likes within a recent window: this index lets the ranking read only the
-- likes inside the window instead of the whole table.
CREATE INDEX likes_recent_idx ON likes (created_at, post_id);
