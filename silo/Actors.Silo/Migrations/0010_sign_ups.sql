-- 0010: sign-ups wait for their email to be confirmed.
--
-- A sign-up answers the same whether or not its email already has an account, so it reveals
-- nothing; the account is created when the link mailed to that address is followed. Until then
-- the request waits here, keyed by the id the account will have. Only a SHA-256 of the link's
-- secret is kept. The row goes when the account is created, or by the retention purge once it
-- expired (by expires_at).
CREATE TABLE sign_ups (
    id            uuid        PRIMARY KEY,
    token_hash    bytea       NOT NULL,
    handle        text        NOT NULL,
    email         text        NOT NULL,
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE INDEX sign_ups_expires_idx ON sign_ups (expires_at);
