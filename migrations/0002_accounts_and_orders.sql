-- Accounts, sessions, campaign commerce (batches, polls), orders, payments, refunds and
-- idempotency keys. Times are UTC milliseconds (BIGINT); money is integer fen (BIGINT).
-- The same statements run on SQLite and PostgreSQL.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The OEM organisation that owns a car line (NULL: owned by none, visible to admins only).
ALTER TABLE car_lines ADD COLUMN org_id TEXT REFERENCES organisations (id);

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    email          TEXT UNIQUE,
    mobile         TEXT UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('consumer', 'marketer', 'oem', 'admin')),
    org_id         TEXT REFERENCES organisations (id),
    display_name   TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    CHECK (email IS NOT NULL OR mobile IS NOT NULL)
);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Commerce terms of a campaign: set by the marketer, fixed into every order's snapshot.
ALTER TABLE campaigns ADD COLUMN reservation_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN earnest_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN cooling_off_hours BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN created_by TEXT REFERENCES accounts (id);

-- Units of a campaign, released in numbered batches. `held` counts the orders that occupy a
-- unit; the conditional update `held < cap` is what keeps a batch from being oversold.
CREATE TABLE campaign_batches (
    campaign_id  TEXT NOT NULL REFERENCES campaigns (id),
    seq          BIGINT NOT NULL,
    cap          BIGINT NOT NULL CHECK (cap > 0),
    held         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, seq),
    CHECK (held >= 0 AND held <= cap)
);

CREATE TABLE polls (
    id           TEXT PRIMARY KEY,
    campaign_id  TEXT NOT NULL REFERENCES campaigns (id),
    question     TEXT NOT NULL,
    choices      TEXT NOT NULL,
    closes_at    BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

-- One vote per account per poll, changeable until the poll closes.
CREATE TABLE votes (
    poll_id     TEXT NOT NULL REFERENCES polls (id),
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    choice      TEXT NOT NULL,
    voted_at    BIGINT NOT NULL,
    PRIMARY KEY (poll_id, account_id)
);

-- An order keeps a snapshot of what was reserved: configuration, catalog version, prices.
-- `held_fen` is the money the order holds (payments received minus refunds paid out).
CREATE TABLE orders (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    campaign_id         TEXT NOT NULL REFERENCES campaigns (id),
    batch_seq           BIGINT NOT NULL,
    configuration_code  TEXT NOT NULL REFERENCES configurations (code),
    car_line            TEXT NOT NULL,
    catalog_version     BIGINT NOT NULL,
    selections          TEXT NOT NULL,
    sales_mode          TEXT NOT NULL,
    total_fen           BIGINT NOT NULL,
    price               TEXT NOT NULL,
    reservation_fen     BIGINT NOT NULL,
    earnest_fen         BIGINT NOT NULL,
    cooling_off_hours   BIGINT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN
        ('pending_payment', 'reserved', 'payment_failed', 'cancelled', 'locking', 'locked')),
    holds_unit          BIGINT NOT NULL CHECK (holds_unit IN (0, 1)),
    held_fen            BIGINT NOT NULL DEFAULT 0 CHECK (held_fen >= 0),
    created_at          BIGINT NOT NULL,
    locked_at           BIGINT,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX orders_by_account ON orders (account_id, created_at);
CREATE INDEX orders_by_campaign ON orders (campaign_id, status);
-- One active order (one that holds a unit) per account and campaign.
CREATE UNIQUE INDEX orders_one_active ON orders (account_id, campaign_id) WHERE holds_unit = 1;

CREATE TABLE order_events (
    order_id  TEXT NOT NULL REFERENCES orders (id),
    seq       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- Money in: one row per charge the provider is asked for.
CREATE TABLE payments (
    id           TEXT PRIMARY KEY,
    order_id     TEXT NOT NULL REFERENCES orders (id),
    purpose      TEXT NOT NULL CHECK (purpose IN ('reservation', 'earnest')),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    provider_ref TEXT,
    created_at   BIGINT NOT NULL,
    settled_at   BIGINT
);
CREATE INDEX payments_by_status ON payments (status);

-- Money out.
CREATE TABLE refunds (
    id           TEXT PRIMARY KEY,
    payment_id   TEXT NOT NULL REFERENCES payments (id),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded')),
    created_at   BIGINT NOT NULL,
    settled_at   BIGINT
);
CREATE INDEX refunds_by_status ON refunds (status);

-- A request that moves money, by its idempotency key: the first answer, replayed on retry.
CREATE TABLE idempotency_keys (
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    idem_key     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status_code  BIGINT NOT NULL,
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
