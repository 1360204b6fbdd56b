-- 0003: Idempotency-Key support for the creating endpoints (sign-up, new post).
--
-- A client that retries a create after a timeout must not create a second user or post. The key
-- row is inserted by the same statement that creates the resource, so the two commit together:
-- a concurrent duplicate fails on the primary key and creates nothing, and a later repeat finds the
-- row, compares the request fingerprint and answers with the resource first created.

CREATE TABLE idempotency_keys (
    -- Who may reuse the key: "users" for anonymous sign-ups, "posts:<user id>" for a user's posts,
    -- so two users' keys never collide.
    scope        text        NOT NULL,
    key          text        NOT NULL,
    -- SHA-256 of the request's meaningful fields (never of a password): a repeat with another
    -- body is refused with 422 instead of being answered with someone else's result.
    request_hash bytea       NOT NULL,
    resource_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
