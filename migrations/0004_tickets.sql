-- +goose Up
-- A ticket is a data request in the public queue. Its id is a number
-- people can say out loud ("#42"), given out as one more than the highest.
-- Links are JSON lists of {"kind","ref"}; what they point to is looked up
-- with the reader's rights when shown, never copied here.
CREATE TABLE tickets (
    id                BIGINT PRIMARY KEY,
    title             TEXT NOT NULL,
    body              TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL,
    urgency           TEXT NOT NULL DEFAULT 'normal',
    wanted_by         TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'new',
    priority          TEXT NOT NULL DEFAULT '',
    requester_id      TEXT NOT NULL REFERENCES users(id),
    assignee_id       TEXT REFERENCES users(id),
    links             TEXT NOT NULL DEFAULT '[]',
    access_table      TEXT NOT NULL DEFAULT '',
    access_pii        BOOLEAN NOT NULL DEFAULT FALSE,
    access_decision   TEXT NOT NULL DEFAULT '',
    answer            TEXT NOT NULL DEFAULT '',
    answer_links      TEXT NOT NULL DEFAULT '[]',
    answered_by       TEXT REFERENCES users(id),
    answered_at       BIGINT,
    guide             BOOLEAN NOT NULL DEFAULT FALSE,
    solved_by_guide   BIGINT,
    merged_into       BIGINT,
    first_response_at BIGINT,
    resolved_at       BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX tickets_status ON tickets (status, created_at);
CREATE INDEX tickets_requester ON tickets (requester_id, created_at);

CREATE TABLE ticket_comments (
    id         TEXT PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

-- Every change to a ticket, with who made it and when: the history the
-- ticket page shows and the queue health page measures. seq orders the
-- changes of one ticket, several of which can share a millisecond.
CREATE TABLE ticket_history (
    id         TEXT PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    actor_id   TEXT NOT NULL REFERENCES users(id),
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL DEFAULT '',
    new_value  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, seq);

CREATE TABLE ticket_watchers (
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

-- Office hours repeat weekly: a weekday, a start (minutes after midnight
-- in the server's time zone) and a length. A booking takes one occurrence.
CREATE TABLE office_hours (
    id           TEXT PRIMARY KEY,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 240),
    created_at   BIGINT NOT NULL
);

CREATE TABLE office_hour_bookings (
    slot_id    TEXT NOT NULL REFERENCES office_hours(id) ON DELETE CASCADE,
    starts_at  BIGINT NOT NULL,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    booked_by  TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (slot_id, starts_at)
);
CREATE INDEX office_hour_bookings_ticket ON office_hour_bookings (ticket_id);

-- Outgoing webhook messages wait here until delivered, so a slow or
-- failing receiver never holds up a request and a restart loses nothing.
CREATE TABLE webhook_deliveries (
    id           TEXT PRIMARY KEY,
    url          TEXT NOT NULL,
    payload      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      BIGINT,
    last_error   TEXT NOT NULL DEFAULT '',
    delivered_at BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at);

-- The audit log: changes to who may read what, with the reason.
CREATE TABLE audit_log (
    id         TEXT PRIMARY KEY,
    actor_id   TEXT NOT NULL REFERENCES users(id),
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT '',
    ticket_id  BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (created_at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE webhook_deliveries;
DROP TABLE office_hour_bookings;
DROP TABLE office_hours;
DROP TABLE ticket_watchers;
DROP TABLE ticket_history;
DROP TABLE ticket_comments;
DROP TABLE tickets;
