-- Account lifecycle (SPEC §5b): the audit trail, and a revocation log that outlives the sessions it names.
--
-- Every revocation writes one row to revocation_log and one audit event, in the revoking transaction, by
-- trigger: whatever revokes (the service's UPDATEs, an expiry sweep, an operator's SQL) and whatever deletes
-- an active session (an erased account, a cascade from accounts) is logged. The safety net polls the log, not
-- sessions.revoked_at, so a node that missed the broadcast of an erasure still drops the erased sessions.
-- The functions pin search_path to this schema (the one Flyway migrates), so they work from any connection.

-- UUIDv7 on the database's clock (PostgreSQL 17 has none built in): 48 bits of Unix milliseconds, the
-- version, 12 bits of the microseconds within the millisecond (RFC 9562 §6.2, method 3: events of one
-- transaction sort in the order they were written), then the random bits and variant of a v4 UUID.
CREATE FUNCTION uuid7_now() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE
    SET search_path FROM CURRENT
AS $$
    SELECT encode(substring(int8send(us / 1000) FROM 3)
                  || set_byte(set_byte('\x0000'::bytea, 0, (112 | (sub >> 8))::int), 1, (sub & 255)::int)
                  || substring(uuid_send(gen_random_uuid()) FROM 9), 'hex')::uuid
      FROM (SELECT us, (us % 1000) * 4096 / 1000 AS sub
              FROM (SELECT floor(extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us) now) t
$$;

-- One row per admin action and per revocation. No foreign keys: an erased account's events stay, naming
-- the account by id only (never an identity's subject).
CREATE TABLE audit_events (
    event_id    uuid        PRIMARY KEY DEFAULT uuid7_now(),
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    account_id  uuid,
    session_id  uuid,
    reason      text,
    CONSTRAINT audit_events_actor_check CHECK (actor IN ('user', 'admin', 'internal', 'system'))
);

-- an account's events, oldest first, paged by event id
CREATE INDEX audit_events_account_idx ON audit_events (account_id, event_id);

-- Every revocation, kept REVOCATION_LOG_RETENTION_SECONDS (pruned by the nodes through the revoked_at
-- index). seq orders commits' rows for a reader that resumes from a cursor; token_hash lets a cache keyed by
-- hash drop the entry although the session row may be gone.
CREATE TABLE revocation_log (
    seq        bigserial   PRIMARY KEY,
    revoked_at timestamptz NOT NULL,
    session_id uuid        NOT NULL,
    account_id uuid        NOT NULL,
    token_hash bytea       NOT NULL,
    reason     text,
    actor      text
);

-- the safety net's time watermark, and the retention prune
CREATE INDEX revocation_log_revoked_at_idx ON revocation_log (revoked_at);

-- The old safety-net index: nothing reads sessions by revoked_at any more.
DROP INDEX sessions_revoked_at_idx;

-- an actor revoked_by does not name (a hand-written UPDATE) is recorded as 'system': the audit check must
-- never make a revocation fail
CREATE FUNCTION log_revocation(s sessions, p_at timestamptz, p_reason text, p_actor text) RETURNS void
    LANGUAGE sql VOLATILE
    SET search_path FROM CURRENT
AS $$
    INSERT INTO revocation_log (revoked_at, session_id, account_id, token_hash, reason, actor)
    VALUES (p_at, s.session_id, s.account_id, s.token_hash, p_reason,
            CASE WHEN p_actor IN ('user', 'admin', 'internal', 'system') THEN p_actor ELSE 'system' END);
    INSERT INTO audit_events (occurred_at, actor, action, account_id, session_id, reason)
    VALUES (p_at, CASE WHEN p_actor IN ('user', 'admin', 'internal', 'system') THEN p_actor ELSE 'system' END,
            'session.revoked', s.account_id, s.session_id, p_reason);
$$;

-- active -> revoked, by any UPDATE: reason and actor are the row's revoked_reason and revoked_by
CREATE FUNCTION sessions_revoked() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
AS $$
BEGIN
    PERFORM log_revocation(NEW, NEW.revoked_at, NEW.revoked_reason, NEW.revoked_by);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_revoked AFTER UPDATE OF status ON sessions
    FOR EACH ROW WHEN (OLD.status = 'active' AND NEW.status = 'revoked')
    EXECUTE FUNCTION sessions_revoked();

-- an active session deleted (an erased account, a cascade): a revocation too. Reason and actor come from
-- the transaction's settings latchkey.revoked_reason / latchkey.revoked_by when it set them.
CREATE FUNCTION sessions_deleted() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path FROM CURRENT
AS $$
BEGIN
    PERFORM log_revocation(OLD, clock_timestamp(),
        coalesce(nullif(current_setting('latchkey.revoked_reason', true), ''), 'deleted'),
        coalesce(nullif(current_setting('latchkey.revoked_by', true), ''), 'system'));
    RETURN OLD;
END
$$;

CREATE TRIGGER sessions_deleted BEFORE DELETE ON sessions
    FOR EACH ROW WHEN (OLD.status = 'active')
    EXECUTE FUNCTION sessions_deleted();

-- the account list, paged by id, is the primary key; an account's identities have their index (V1)
