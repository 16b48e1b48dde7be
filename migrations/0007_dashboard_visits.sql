-- +goose Up
-- Who opened which dashboard: the view counter counts a person once a day
-- (last_day changes), and the home page lists what a person opened last.
CREATE TABLE dashboard_visits (
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    last_day     TEXT NOT NULL,
    last_at      BIGINT NOT NULL,
    PRIMARY KEY (user_id, dashboard_id)
);
CREATE INDEX dashboard_visits_recent ON dashboard_visits (user_id, last_at);

-- Dashboards a person pinned to their home page.
CREATE TABLE dashboard_pins (
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dashboard_id TEXT NOT NULL REFERENCES dashboards(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, dashboard_id)
);

-- +goose Down
DROP TABLE dashboard_pins;
DROP TABLE dashboard_visits;
