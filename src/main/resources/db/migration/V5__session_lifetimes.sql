-- the expiry sweep (SESSION_MAX_LIFETIME_SECONDS): active sessions created before a bound; the idle bound
-- (SESSION_IDLE_TIMEOUT_SECONDS) uses sessions_active_recency_idx on coalesce(last_seen_at, created_at)
CREATE INDEX sessions_active_created_at_idx ON sessions (created_at) WHERE status = 'active';
