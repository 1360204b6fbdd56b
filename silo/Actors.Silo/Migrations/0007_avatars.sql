-- 0007: avatars, stored in PostgreSQL.
--
-- Uploads are small (5 MB at most) and thumbnails smaller still, so one row per user keeps upload,
-- thumbnails and status consistent in one transaction, backed up with everything else. The upload
-- itself is kept only until its thumbnails exist. At a scale where this matters, the bytes move to
-- object storage and the row keeps their keys.
CREATE TABLE avatars (
    user_id      uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    version      bigint      NOT NULL,                -- bumped by every upload; drives ETags
    status       text        NOT NULL CHECK (status IN ('processing', 'ready', 'rejected')),
    content_type text        NOT NULL,
    original     bytea,                               -- the upload, until its thumbnails are made
    small        bytea,                               -- 64 x 64 PNG
    large        bytea,                               -- 256 x 256 PNG
    reason       text,                                -- why a rejected upload was rejected
    uploaded_at  timestamptz NOT NULL,
    processed_at timestamptz
);
