-- The invalidation stream (SPEC §5c): a reader resumes from a cursor and must receive every revocation
-- committed after it. revocation_log.seq alone cannot be that cursor: sequence values are taken in one order
-- and committed in another, so a reader past seq 11 would never see a seq 10 that commits later. The cursor
-- is (xid, seq) instead, xid being the revoking transaction's id, and a reader only reads entries whose
-- transaction has finished (xid below its snapshot's xmin): every transaction that can still commit has an
-- xid at or above that, so nothing can later appear behind a cursor.

-- The writing transaction's id (the 64-bit, never wrapping form). Entries written before this migration
-- all get the migration's own id and keep their seq order.
ALTER TABLE revocation_log
    ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    -- the transaction revoked every active session of account_id (a disable, an erasure, a revoke-all
    -- keeping none): a cache may then drop the whole account
    ADD COLUMN account_wide boolean NOT NULL DEFAULT false;

-- the stream's reads, in cursor order
CREATE INDEX revocation_log_xid_seq_idx ON revocation_log (xid, seq);

-- One row: the stream's identity (a cursor from another database is recognised) and the largest (xid, seq)
-- the retention prune has deleted, advanced in the deleting transaction. A cursor below it may have missed
-- deleted entries: its reader is told to reset.
CREATE TABLE revocation_horizon (
    singleton boolean PRIMARY KEY DEFAULT true,
    stream_id bigint  NOT NULL,
    xid       xid8    NOT NULL,
    seq       bigint  NOT NULL,
    CONSTRAINT revocation_horizon_singleton CHECK (singleton)
);

INSERT INTO revocation_horizon (stream_id, xid, seq)
VALUES (('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint, '0', 0);

-- As in V4, plus: account_wide when the transaction declared, through the setting latchkey.revoked_account,
-- that it revokes every active session of this row's account; and a notification on commit, so each node's
-- stream reads at once (the payload names the schema: several may share a database).
CREATE OR REPLACE FUNCTION log_revocation(s sessions, p_at timestamptz, p_reason text, p_actor text) RETURNS void
    LANGUAGE sql VOLATILE
    SET search_path FROM CURRENT
AS $$
    INSERT INTO revocation_log (revoked_at, session_id, account_id, token_hash, reason, actor, account_wide)
    VALUES (p_at, s.session_id, s.account_id, s.token_hash, p_reason,
            CASE WHEN p_actor IN ('user', 'admin', 'internal', 'system') THEN p_actor ELSE 'system' END,
            coalesce(current_setting('latchkey.revoked_account', true), '') = s.account_id::text);
    INSERT INTO audit_events (occurred_at, actor, action, account_id, session_id, reason)
    VALUES (p_at, CASE WHEN p_actor IN ('user', 'admin', 'internal', 'system') THEN p_actor ELSE 'system' END,
            'session.revoked', s.account_id, s.session_id, p_reason);
    SELECT pg_notify('latchkey_revocations', current_schema());
$$;
