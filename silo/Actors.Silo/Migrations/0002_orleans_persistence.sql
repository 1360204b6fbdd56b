-- =============================================================================
-- 0002 - Orleans ADO.NET grain storage (PostgreSQL / invariant "Npgsql")
-- =============================================================================
--
-- Why this file exists
--   Microsoft.Orleans.Persistence.AdoNet ships no SQL in its NuGet package; it
--   assumes the database already holds its schema. Every silo that registers an
--   ADO.NET grain storage provider (the streams' PubSubStore included) reads its
--   query text from OrleansQuery at startup and refuses to start if the rows
--   are missing. We own that schema here so it is versioned, reviewed and
--   deployed by our migration runner together with everything else.
--
-- Contract with the provider (checked against Orleans 10.4.2)
--   The provider never names our columns directly: it only runs the four
--   statements stored below. What it does depend on:
--     * table OrleansQuery with columns QueryKey / QueryText (unquoted, so
--       the lower-case names Postgres folds them to are fine);
--     * the keys WriteToStorageKey, ReadFromStorageKey, ClearStorageKey and
--       DeleteStorageKey (the last one is required only when
--       DeleteStateOnClear = true, but we always provide it);
--     * the bind names @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
--       @GrainTypeString, @GrainIdExtensionString, @ServiceId,
--       @GrainStateVersion and @PayloadBinary;
--     * the result names PayloadBinary + Version (read) and
--       NewGrainStateVersion (write; clear/delete are read by position).
--   The integer Version column is the grain's ETag. Orleans detects a
--   conflict when a write hands back the same version it sent, or none at all,
--   so the statements below must report failure that way instead of raising.
--
-- Only grain persistence lives here. Clustering and reminders are not stored
-- in PostgreSQL by this service, so their tables and query keys are left out.
-- Written for the single transaction our runner wraps around each file; the
-- function body is dollar-quoted, so the file must be sent as one batch.
-- =============================================================================


-- Shared with any other Orleans ADO.NET component we might add later, hence
-- the generic name the provider hard-codes rather than a storage-specific one.
CREATE TABLE orleansquery
(
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,
    CONSTRAINT orleansquery_key PRIMARY KEY (querykey)
);


-- One row per (service, grain type, grain id). Sizes follow upstream so that
-- data can move between this schema and a stock Orleans one unchanged.
CREATE TABLE orleansstorage
(
    -- Hashes come from the provider's hasher; they exist only to give the
    -- lookups a narrow integer index instead of one over long strings.
    grainidhash            integer      NOT NULL,
    graintypehash          integer      NOT NULL,

    -- Guid keys are split over n0/n1, integer keys use n1, string keys leave
    -- both at 0 and travel in grainidextensionstring (PubSub grains do this).
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512),
    serviceid              varchar(150) NOT NULL,

    -- NULL after a non-deleting clear: the row survives to keep the ETag.
    payloadbinary          bytea,

    -- timestamptz, as upstream's 3.6.0 migration settled on; nothing in the
    -- provider reads it, it is kept for operators.
    modifiedon             timestamptz  NOT NULL DEFAULT now(),
    version                integer
);

-- Hash collisions are resolved by the full-key predicates in the queries.
CREATE INDEX ix_orleansstorage
    ON orleansstorage USING btree (grainidhash, graintypehash);


-- Parameters are typed the way Npgsql binds the provider's values
-- (Int32 -> integer, Int64 -> bigint, String -> text, byte[] -> bytea) so the
-- call resolves without casts. Returns the new version on success; on a lost
-- race it returns the caller's version (update path) or NULL (insert path),
-- which is exactly what the provider interprets as an ETag conflict.
CREATE FUNCTION writetostorage(
    p_grainidhash            integer,
    p_grainidn0              bigint,
    p_grainidn1              bigint,
    p_graintypehash          integer,
    p_graintypestring        text,
    p_grainidextensionstring text,
    p_serviceid              text,
    p_grainstateversion      integer,
    p_payloadbinary          bytea)
RETURNS integer
LANGUAGE plpgsql
VOLATILE
AS $fn$
DECLARE
    v_newversion integer;
BEGIN
    IF p_grainstateversion IS NOT NULL THEN
        -- Optimistic concurrency: the row lock taken by UPDATE serialises
        -- racing writers, and whoever comes second no longer matches the
        -- version predicate and falls through to the conflict result.
        UPDATE orleansstorage
           SET payloadbinary = p_payloadbinary,
               modifiedon    = now(),
               version       = version + 1
         WHERE grainidhash     = p_grainidhash
           AND graintypehash   = p_graintypehash
           AND grainidn0       = p_grainidn0
           AND grainidn1       = p_grainidn1
           AND graintypestring = p_graintypestring
           AND grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
           AND serviceid       = p_serviceid
           AND version         = p_grainstateversion
        RETURNING version INTO v_newversion;

        RETURN coalesce(v_newversion, p_grainstateversion);
    END IF;

    -- First write of a grain. The table has no unique key (the natural key can
    -- outgrow a btree entry), so two activations of the same grain during
    -- a split brain could both pass NOT EXISTS and insert twice. Serialising on
    -- the hash pair until commit closes that window; the INSERT below takes a
    -- fresh snapshot after the lock is granted, so the loser sees the winner's
    -- row and returns NULL.
    PERFORM pg_advisory_xact_lock(p_grainidhash, p_graintypehash);

    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring,
         grainidextensionstring, serviceid, payloadbinary, modifiedon, version)
    SELECT p_grainidhash, p_grainidn0, p_grainidn1, p_graintypehash, p_graintypestring,
           p_grainidextensionstring, p_serviceid, p_payloadbinary, now(), 1
     WHERE NOT EXISTS
           (SELECT 1
              FROM orleansstorage
             WHERE grainidhash     = p_grainidhash
               AND graintypehash   = p_graintypehash
               AND grainidn0       = p_grainidn0
               AND grainidn1       = p_grainidn1
               AND graintypestring = p_graintypestring
               AND grainidextensionstring IS NOT DISTINCT FROM p_grainidextensionstring
               AND serviceid       = p_serviceid)
    RETURNING version INTO v_newversion;

    RETURN v_newversion;
END;
$fn$;


-- The texts below are what the provider executes verbatim through Npgsql,
-- which rewrites @Name placeholders into positional parameters. Result
-- columns are aliased to the names the provider looks up.
INSERT INTO orleansquery (querykey, querytext) VALUES
(
    'WriteToStorageKey',
    'SELECT writetostorage(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash,
                          @GrainTypeString, @GrainIdExtensionString, @ServiceId,
                          @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion'
),
(
    -- A missing row is a valid answer (never-written grain): the provider
    -- then creates default state with no ETag.
    'ReadFromStorageKey',
    'SELECT payloadbinary AS PayloadBinary,
            modifiedon    AS ModifiedOn,
            version       AS Version
       FROM orleansstorage
      WHERE grainidhash     = @GrainIdHash
        AND graintypehash   = @GrainTypeHash
        AND grainidn0       = @GrainIdN0
        AND grainidn1       = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND serviceid       = @ServiceId'
),
(
    -- Default ClearStateAsync: keep the row so the version keeps counting up
    -- and a stale activation cannot resurrect old state with an old ETag.
    'ClearStorageKey',
    'UPDATE orleansstorage
        SET payloadbinary = NULL,
            modifiedon    = now(),
            version       = version + 1
      WHERE grainidhash     = @GrainIdHash
        AND graintypehash   = @GrainTypeHash
        AND grainidn0       = @GrainIdN0
        AND grainidn1       = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND serviceid       = @ServiceId
        AND version         = @GrainStateVersion
    RETURNING version AS NewGrainStateVersion'
),
(
    -- Used when DeleteStateOnClear = true. Returning version + 1 gives the
    -- provider a value that differs from the ETag it sent, which is how it
    -- tells success from a conflict (no row returned).
    'DeleteStorageKey',
    'DELETE FROM orleansstorage
      WHERE grainidhash     = @GrainIdHash
        AND graintypehash   = @GrainTypeHash
        AND grainidn0       = @GrainIdN0
        AND grainidn1       = @GrainIdN1
        AND graintypestring = @GrainTypeString
        AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
        AND serviceid       = @ServiceId
        AND version         = @GrainStateVersion
    RETURNING version + 1 AS NewGrainStateVersion'
);
