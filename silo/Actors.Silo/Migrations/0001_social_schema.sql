-- 0001: the social data model (users, posts, follows, likes) and the transactional outbox.
--
-- Grains hold these rows in memory and write through; every write that changes a row also
-- changes, in the same statement or transaction, the counters that summarize it and the outbox
-- row that announces it. Reads of hot entities never reach this database, so the indexes here
-- serve cold loads, keyset-paginated lists and constraint checks.

CREATE TABLE users (
    id              uuid        PRIMARY KEY,   -- time-ordered (UUIDv7), so id order is sign-up order
    handle          text        NOT NULL,
    email           text        NOT NULL,
    display_name    text        NOT NULL,
    bio             text        NOT NULL DEFAULT '',
    password_hash   text        NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- Bumped by every profile edit: the ETag / If-Match version. Counter changes do not bump it,
    -- so being followed never makes the owner's pending edit stale.
    version         bigint      NOT NULL DEFAULT 1,
    follower_count  integer     NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
    following_count integer     NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    post_count      integer     NOT NULL DEFAULT 0 CHECK (post_count >= 0),
    -- Bumped by every counter change, so grains told about counters by several writers can keep
    -- the newest snapshot regardless of arrival order.
    stats_version   bigint      NOT NULL DEFAULT 0
);

-- Case-insensitive uniqueness: "Ada@Example.com" and "ada@example.com" are one account.
-- The constraint names are part of the contract: the data layer maps them to 409 codes.
CREATE UNIQUE INDEX users_email_key  ON users (lower(email));
CREATE UNIQUE INDEX users_handle_key ON users (lower(handle));

CREATE TABLE posts (
    id          uuid        PRIMARY KEY,
    author_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body        text        NOT NULL,
    created_at  timestamptz NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    like_count  integer     NOT NULL DEFAULT 0 CHECK (like_count >= 0)
);

-- "A user's posts, newest first" as a keyset walk: WHERE author_id = $1 AND (created_at, id) < ($2, $3)
-- ORDER BY created_at DESC, id DESC reads this index in order and stops after one page.
CREATE INDEX posts_author_recent_idx ON posts (author_id, created_at DESC, id DESC);

-- The primary key answers "whom does X follow"; the reverse index answers "who follows Y".
CREATE TABLE follows (
    follower_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    followee_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

-- One like per user and post by construction; the reverse index serves "what did X like" and the
-- cascade from users.
CREATE TABLE likes (
    post_id    uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX likes_user_idx ON likes (user_id, created_at DESC);

-- The transactional outbox: an event row commits with the data change it describes, so no event is
-- announced for a rolled-back change and none is lost for a committed one. A relay publishes pending
-- rows to streams; consumers mark them done only once their effect is recorded.
CREATE TABLE outbox (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    event_type      text        NOT NULL,
    aggregate_id    uuid        NOT NULL,
    payload         jsonb       NOT NULL,
    occurred_at     timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    dead_lettered_at timestamptz,
    last_error      text
);

-- The relay's work queue: only unfinished rows, in due order. Partial, so it stays small however
-- long the processed history grows.
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, seq)
    WHERE processed_at IS NULL AND dead_lettered_at IS NULL;
