-- Demand back to the OEM: where each signal's person was, the demand cells kept up to date in
-- the same transaction as every signal, what of them may be shown, and the OEM's API tokens.
-- The same statements run on SQLite and PostgreSQL.

-- K: the smallest group an OEM's dashboard and feed may show.
ALTER TABLE organisations ADD COLUMN k_anonymity BIGINT NOT NULL DEFAULT 10;

-- Where a person is; every signal snapshots it, so a later move does not rewrite the past.
ALTER TABLE accounts ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN city TEXT NOT NULL DEFAULT '';

-- A saved configuration counts for the campaign its car line ran when it was saved; a person
-- counts once: a later save by the same account replaces the earlier one (`counted` = 0).
ALTER TABLE configurations ADD COLUMN campaign_id TEXT REFERENCES campaigns (id);
ALTER TABLE configurations ADD COLUMN account_id TEXT REFERENCES accounts (id);
ALTER TABLE configurations ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE configurations ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE configurations ADD COLUMN counted BIGINT NOT NULL DEFAULT 1;
CREATE INDEX configurations_by_campaign ON configurations (campaign_id, counted);
CREATE INDEX configurations_by_saver ON configurations (account_id, campaign_id) WHERE counted = 1;

ALTER TABLE orders ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE votes ADD COLUMN province TEXT NOT NULL DEFAULT '';
ALTER TABLE votes ADD COLUMN city TEXT NOT NULL DEFAULT '';

-- One cell: the people of one stage (configured, voted, reserved: reserved or locking, locked)
-- of one campaign, catalog version, day (China Standard Time, days since 1970-01-01), province
-- and sales mode ('' for votes). `counts` holds the cell's options, cities and configurations
-- as JSON (demand::Cell).
CREATE TABLE demand_cells (
    campaign_id      TEXT NOT NULL REFERENCES campaigns (id),
    stage            TEXT NOT NULL CHECK (stage IN ('configured', 'voted', 'reserved', 'locked')),
    catalog_version  BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    province         TEXT NOT NULL,
    sales_mode       TEXT NOT NULL,
    people           BIGINT NOT NULL CHECK (people >= 0),
    counts           TEXT NOT NULL,
    PRIMARY KEY (campaign_id, stage, catalog_version, day, province, sales_mode)
);

-- What of each cell may be shown (demand::release under the OEM's K): `n` people of the
-- cell's `base`. Every figure of the dashboard is a sum of these.
CREATE TABLE demand_shown (
    campaign_id      TEXT NOT NULL,
    kind             TEXT NOT NULL,
    stage            TEXT NOT NULL,
    catalog_version  BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    province         TEXT NOT NULL,
    sales_mode       TEXT NOT NULL,
    item             TEXT NOT NULL,
    n                BIGINT NOT NULL,
    base             BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, kind, stage, catalog_version, day, province, sales_mode, item)
);

-- The same sums over all provinces, for views without a province filter.
CREATE TABLE demand_rollup (
    campaign_id      TEXT NOT NULL,
    kind             TEXT NOT NULL,
    stage            TEXT NOT NULL,
    catalog_version  BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    sales_mode       TEXT NOT NULL,
    item             TEXT NOT NULL,
    n                BIGINT NOT NULL,
    base             BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, kind, stage, catalog_version, day, sales_mode, item)
);

-- Tokens for the demand feed: random, shown once, only their SHA-256 stored, one OEM each.
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES accounts (id),
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id, created_at);
