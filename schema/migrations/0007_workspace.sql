-- The officials' workspace (issue 8): the workflow on each item, internal notes, response
-- templates, the outgoing mail queue, and the marks that personal data was removed.
--
-- Workflow. `status` (0004) runs received -> in_progress -> answered -> closed, or to rejected with
-- a reason (workspace/workflow.hpp decides which steps are allowed; the trigger below only keeps
-- out values that are not statuses at all). `assignee` is the official handling the item.
-- `taken_up_at` is when it first left 'received': the acknowledgement deadline is measured to it.
-- `anonymised_at` is set once contact data and the original text were removed (on request or by
-- the retention rule); from then on title and body hold the redacted text, a public record.
ALTER TABLE submissions ADD COLUMN assignee TEXT REFERENCES users (username);
ALTER TABLE submissions ADD COLUMN rejection_reason TEXT;
ALTER TABLE submissions ADD COLUMN taken_up_at TEXT;
ALTER TABLE submissions ADD COLUMN anonymised_at TEXT;

CREATE INDEX submissions_by_status ON submissions (status, received_at);
CREATE INDEX submissions_by_assignee ON submissions (assignee, status) WHERE assignee IS NOT NULL;
CREATE INDEX submissions_by_duplicate ON submissions (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TRIGGER submissions_status_is_known_insert BEFORE INSERT ON submissions
WHEN NEW.status NOT IN ('received', 'in_progress', 'answered', 'closed', 'rejected')
BEGIN
    SELECT RAISE(ABORT, 'unknown submission status');
END;

CREATE TRIGGER submissions_status_is_known_update BEFORE UPDATE OF status ON submissions
WHEN NEW.status NOT IN ('received', 'in_progress', 'answered', 'closed', 'rejected')
BEGIN
    SELECT RAISE(ABORT, 'unknown submission status');
END;

-- Officials' notes on an item: internal, never shown to the resident, never indexed.
CREATE TABLE submission_notes (
    id             INTEGER PRIMARY KEY,
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    author         TEXT NOT NULL,
    text           TEXT NOT NULL,
    created_at     TEXT NOT NULL
) STRICT;

CREATE INDEX submission_notes_by_submission ON submission_notes (submission_id, id);

-- Ready-made answers an official starts from. `kind` NULL: for every kind.
CREATE TABLE response_templates (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT CHECK (kind IN ('proposal', 'feedback', 'panel_response', 'public_question')),
    language    TEXT NOT NULL DEFAULT 'sv',
    body        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- Mail to residents, queued in the same transaction as the answer it carries, so an answer that
-- was saved is never lost on its way out. The sender (workspace/mail.hpp) delivers rows whose
-- next_attempt_at has come, and on failure pushes next_attempt_at back (exponential backoff).
-- A row is never given up: sent_at is set on delivery; cancelled_at when the recipient's data
-- was anonymised before delivery (the address is then gone from the row).
CREATE TABLE outgoing_mail (
    id               INTEGER PRIMARY KEY,
    submission_id    INTEGER NOT NULL REFERENCES submissions (id),
    recipient        TEXT,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    sent_at          TEXT,
    cancelled_at     TEXT
) STRICT;

CREATE INDEX outgoing_mail_due ON outgoing_mail (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX outgoing_mail_by_submission ON outgoing_mail (submission_id);
