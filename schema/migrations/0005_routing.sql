-- Triage (issue 7): where each item was routed, why, and every decision made about it.
--
-- The current decision lives on the submission, so lists, search and exports read it without a
-- join; `routing_decisions` keeps every decision in order (the machine's first, then each
-- official's confirmation or override), which is both the history officials see and the labelled
-- data the routing learns from.
--   routing_outcome      in_purpose | outside_purpose | needs_review | no_dialogue (NULL: not decided yet)
--   routing_dialogue_id  the dialogue it was routed to or judged against (may be a suggested one
--                        for an item sent to no dialogue)
--   routing_action       for outside_purpose: the dialogue's outside-purpose action applied
--                        (forward_to_feedback | forward_to_department | register_as_proposal |
--                        answer_directly | keep); for no_dialogue: the handling of its kind
--   routing_score        the score that decided it (NULL for a person's decision)
--   routing_explanation  JSON: {"terms": [...], "rule": "...", "version": "...", "decided_by": ...}
--   duplicate_of         the earlier item this one closely repeats (a campaign, a re-sent proposal)
ALTER TABLE submissions ADD COLUMN routing_outcome TEXT
    CHECK (routing_outcome IN ('in_purpose', 'outside_purpose', 'needs_review', 'no_dialogue'));
ALTER TABLE submissions ADD COLUMN routing_dialogue_id INTEGER REFERENCES dialogues (id);
ALTER TABLE submissions ADD COLUMN routing_action TEXT;
ALTER TABLE submissions ADD COLUMN routing_score REAL;
ALTER TABLE submissions ADD COLUMN routing_explanation TEXT CHECK (routing_explanation IS NULL OR json_valid(routing_explanation));
ALTER TABLE submissions ADD COLUMN duplicate_of INTEGER REFERENCES submissions (id);

CREATE INDEX submissions_by_routing ON submissions (routing_outcome, received_at);

CREATE TABLE routing_decisions (
    id             INTEGER PRIMARY KEY,
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    outcome        TEXT NOT NULL
                   CHECK (outcome IN ('in_purpose', 'outside_purpose', 'needs_review', 'no_dialogue')),
    dialogue_id    INTEGER REFERENCES dialogues (id),
    action         TEXT,
    score          REAL,
    explanation    TEXT NOT NULL CHECK (json_valid(explanation)),
    decided_by     TEXT NOT NULL,       -- 'machine' or an official's username
    reason         TEXT,                -- an official's reason for an override
    decided_at     TEXT NOT NULL
) STRICT;

CREATE INDEX routing_decisions_by_submission ON routing_decisions (submission_id, id);
