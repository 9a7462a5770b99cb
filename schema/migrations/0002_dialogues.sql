-- Dialogues (medborgardialog, brukardialog) and the decisions that move them through the nine steps.
-- `definition` holds the dialogue as JSON in the shape of the API (purpose, decision, target
-- groups, timeline, outside-purpose rule, routing hints, frågepanel); the columns beside it are
-- the parts queried or constrained on. dialogue/ parses and validates the JSON; SQLite stores it.
CREATE TABLE dialogues (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('medborgardialog', 'brukardialog')),
    language    TEXT NOT NULL DEFAULT 'sv',
    state       TEXT NOT NULL DEFAULT 'initiative'
                CHECK (state IN ('initiative', 'planning', 'execution', 'compilation', 'feedback',
                                 'processing', 'decided', 'evaluated')),
    opens_at    TEXT,                 -- YYYY-MM-DD, first day input is accepted
    closes_at   TEXT,                 -- YYYY-MM-DD, last day input is accepted
    definition  TEXT NOT NULL CHECK (json_valid(definition)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX dialogues_by_state ON dialogues (state);

-- Every step a dialogue took, with the decision that allowed it (who, when, and its data).
CREATE TABLE dialogue_transitions (
    id           INTEGER PRIMARY KEY,
    dialogue_id  INTEGER NOT NULL REFERENCES dialogues (id),
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    decided_by   TEXT NOT NULL,       -- username of the official who recorded it
    decided_at   TEXT NOT NULL,       -- UTC timestamp
    decision     TEXT NOT NULL CHECK (json_valid(decision))
) STRICT;

CREATE INDEX dialogue_transitions_by_dialogue ON dialogue_transitions (dialogue_id, id);
