-- Logins of the public tier (SPEC §5d). Both tables are small and short-lived: every write purges a few
-- rows that no check can need any more, through the expiry indexes.

-- One emailed one-time code. Only an HMAC-SHA-256 of (challenge id, code) under a server secret that is
-- not in the database is kept. Wrong guesses are counted in the row itself by one UPDATE, so concurrent
-- guesses on any node can never exceed max_guesses. A new challenge for an address closes the address's
-- open ones (superseded) and starts with the wrong guesses of the past hour already deducted.
CREATE TABLE login_challenges (
    challenge_id  uuid        PRIMARY KEY,
    email         text        NOT NULL,
    code_hash     bytea       NOT NULL CHECK (octet_length(code_hash) = 32),
    max_guesses   integer     NOT NULL CHECK (max_guesses > 0),
    wrong_guesses integer     NOT NULL DEFAULT 0 CHECK (wrong_guesses >= 0 AND wrong_guesses <= max_guesses),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    closed_reason text        CHECK (closed_reason IN ('used', 'superseded')),
    CHECK ((closed_at IS NULL) = (closed_reason IS NULL))
);

-- an address's challenges of the past hour (the budget and the hourly cap), newest last
CREATE INDEX login_challenges_email ON login_challenges (email, created_at);
-- the purge of challenges no budget counts any more
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- Telegram payloads that have signed in, remembered until they would be refused as stale anyway: one
-- payload logs in once, on whichever node.
CREATE TABLE telegram_logins (
    payload_hash bytea       PRIMARY KEY CHECK (octet_length(payload_hash) = 32),
    stale_at     timestamptz NOT NULL
);

CREATE INDEX telegram_logins_stale ON telegram_logins (stale_at);
