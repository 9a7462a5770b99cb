-- Residents' submissions (issue 4): what they sent, its redacted copy, and how to follow it.
--
-- `title` and `body` are what the resident wrote, NFC-normalised; they and the contact_* columns
-- are personal data and are shown only to officials. `title_redacted`, `body_redacted` and
-- `answers_redacted` have personnummer, samordningsnummer, e-mail addresses and phone numbers
-- replaced by placeholders ("[personnummer]", "[e-post]", "[telefon]", ...): search, snippets,
-- logs and public exports use only those. `personal_data` lists the kinds that were found.
-- `receipt` is the resident's random code (Crockford base32, grouped as K7QM-3XHD-9TRA-PV2W);
-- it is the only way a resident reaches the item, so it is never derived from `id`.
-- Timestamps are UTC ISO-8601 with milliseconds (2026-05-12T08:30:00.123Z).
CREATE TABLE submissions (
    id               INTEGER PRIMARY KEY,
    receipt          TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL
                     CHECK (kind IN ('proposal', 'feedback', 'panel_response', 'public_question')),
    feedback_type    TEXT CHECK (feedback_type IN ('praise', 'complaint', 'idea', 'question')),
    title            TEXT,
    title_redacted   TEXT,
    body             TEXT,
    body_redacted    TEXT,
    dialogue_id      INTEGER REFERENCES dialogues (id),
    area             TEXT,
    language         TEXT NOT NULL DEFAULT 'sv',
    consent_publish  INTEGER NOT NULL DEFAULT 0 CHECK (consent_publish IN (0, 1)),
    contact_name     TEXT,
    contact_email    TEXT,
    contact_phone    TEXT,
    answers          TEXT CHECK (answers IS NULL OR json_valid(answers)),
    answers_redacted TEXT CHECK (answers_redacted IS NULL OR json_valid(answers_redacted)),
    personal_data    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(personal_data)),
    channel          TEXT NOT NULL DEFAULT 'api' CHECK (channel IN ('api', 'form')),
    -- The workflow (issue 8) owns the values after 'received'; no CHECK here so it can add them.
    status           TEXT NOT NULL DEFAULT 'received',
    answer           TEXT,               -- the official's answer to the resident, shown on the receipt
    answered_at      TEXT,
    received_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE INDEX submissions_by_dialogue ON submissions (dialogue_id, id);
CREATE INDEX submissions_by_received ON submissions (received_at);
CREATE INDEX submissions_by_contact_email ON submissions (contact_email) WHERE contact_email IS NOT NULL;
CREATE INDEX submissions_by_contact_phone ON submissions (contact_phone) WHERE contact_phone IS NOT NULL;

-- A retried POST with the same Idempotency-Key (or a web form sent twice with the same form token)
-- gets the first answer instead of a second item. `request_hash` is a hash of the request body:
-- the same key with another body is refused. `response` is the JSON of the first answer.
-- Rows older than two days are deleted by the writer.
CREATE TABLE idempotency_keys (
    key            TEXT PRIMARY KEY,
    request_hash   TEXT NOT NULL,
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    response       TEXT NOT NULL CHECK (json_valid(response)),
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);

-- The search outbox: one row per item to (re)index, written in the same transaction as the change.
-- The indexer (issue 6) drains it in id order.
CREATE TABLE index_outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    enqueued_at    TEXT NOT NULL
) STRICT;
