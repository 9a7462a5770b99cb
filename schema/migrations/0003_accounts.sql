-- Officials' accounts (issue 3): users and their roles, login sessions, API tokens, and the
-- audit trail that every change made by an official writes to. Residents have no account.
--
-- Secrets are never stored: a session's cookie value and an API token are kept only as their
-- BLAKE2b hash (hex), a password only as its Argon2id hash (crypto_pwhash_str). Sessions keep
-- their times as Unix seconds because the server compares them on every request; everything a
-- person reads keeps ISO 8601 UTC text.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE
                  CHECK (length(username) BETWEEN 2 AND 64 AND username NOT GLOB '*[^a-z0-9._@-]*'),
    role          TEXT NOT NULL CHECK (role IN ('admin', 'official', 'elected')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT                   -- set once; a disabled user has no sessions and no live tokens
) STRICT;

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    secret_hash   TEXT NOT NULL UNIQUE,  -- BLAKE2b of the cookie value
    user_id       INTEGER NOT NULL REFERENCES users (id),
    csrf_token    TEXT NOT NULL,         -- sent back with every state-changing request
    created_at    INTEGER NOT NULL,      -- Unix seconds
    last_seen_at  INTEGER NOT NULL,      -- refreshed at most about once a minute
    expires_at    INTEGER NOT NULL       -- created_at plus the absolute limit
) STRICT;

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    prefix        TEXT NOT NULL UNIQUE,  -- the token's first characters: names it in lists and on revoke
    secret_hash   TEXT NOT NULL UNIQUE,  -- BLAKE2b of the whole token
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,                  -- refreshed at most about once a minute
    revoked_at    TEXT
) STRICT;

CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Who did what to which object, when and from where. Rows are only ever added: the triggers
-- refuse UPDATE and DELETE, so not even a bug in Inspel can rewrite history through SQL.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor          TEXT NOT NULL,        -- a username, or "system" for the command line
    action         TEXT NOT NULL,        -- e.g. "user.login", "dialogue.transition"
    object_type    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    details        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
    client_address TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_time ON audit_log (at);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
