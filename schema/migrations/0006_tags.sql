-- Tags (issue 8): a vocabulary per dialogue plus shared tags, and the tags on each item.
-- Tag names are compared case-insensitively and stored as typed the first time.
CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL COLLATE NOCASE,
    dialogue_id  INTEGER REFERENCES dialogues (id),   -- NULL: a shared tag
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX tags_by_name ON tags (coalesce(dialogue_id, 0), name);

CREATE TABLE submission_tags (
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    tag_id         INTEGER NOT NULL REFERENCES tags (id),
    added_by       TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    PRIMARY KEY (submission_id, tag_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX submission_tags_by_tag ON submission_tags (tag_id, submission_id);
