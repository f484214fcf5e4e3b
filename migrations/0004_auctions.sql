-- Live auctions for numbered editions. The auction's state is the `auction` crate's state
-- machine replayed from `auction_log` (every accepted command, in order, with the server time
-- it was applied at); `auctions` keeps the head of that log (`version`) and a summary for
-- lists and deadlines. Locking the `auctions` row orders commands across server instances.
-- Money is integer fen; times are UTC milliseconds.

CREATE TABLE auctions (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    car_line            TEXT NOT NULL REFERENCES car_lines (id),
    configuration_code  TEXT NOT NULL REFERENCES configurations (code),
    -- The validated `auction::RulesSpec` as JSON, and the bidders it refuses (a re-run's).
    rules               TEXT NOT NULL,
    excluded            TEXT NOT NULL,
    rerun_of            TEXT REFERENCES auctions (id),
    version             BIGINT NOT NULL DEFAULT 0,
    -- The phase's name, and the public state after `version` (JSON, as watchers see it).
    phase               TEXT NOT NULL,
    state               TEXT NOT NULL,
    starts_at           BIGINT NOT NULL,
    ends_at             BIGINT NOT NULL,
    -- When the state machine must next be ticked (the end, or a settlement deadline).
    next_due_at         BIGINT,
    created_by          TEXT NOT NULL REFERENCES accounts (id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX auctions_due ON auctions (next_due_at);

-- A registered bidder: a public paddle number (what watchers see instead of a name).
CREATE TABLE auction_bidders (
    auction_id     TEXT NOT NULL REFERENCES auctions (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    paddle         BIGINT NOT NULL,
    registered_at  BIGINT NOT NULL,
    PRIMARY KEY (auction_id, account_id),
    UNIQUE (auction_id, paddle)
);

-- Every accepted command: replaying them in `seq` order rebuilds the auction exactly.
-- `feed` is what watchers see of the entry (no hidden maxima, paddles instead of accounts).
CREATE TABLE auction_log (
    auction_id  TEXT NOT NULL REFERENCES auctions (id),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    command     TEXT NOT NULL,
    feed        TEXT NOT NULL,
    PRIMARY KEY (auction_id, seq)
);

-- The bid history (never withdrawn), manual and automatic.
CREATE TABLE auction_bids (
    auction_id  TEXT NOT NULL REFERENCES auctions (id),
    seq         BIGINT NOT NULL,
    log_seq     BIGINT NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    paddle      BIGINT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    kind        TEXT NOT NULL CHECK (kind IN ('manual', 'proxy', 'proxy_match')),
    at          BIGINT NOT NULL,
    PRIMARY KEY (auction_id, seq)
);

-- Money of an auction: deposits (and top-ups) and the price, through the payment provider.
-- A deposit counts for bidding once its charge succeeded; `outcome` follows the auction
-- (released deposits are refunded, forfeited ones kept, the buyer's applied to the price).
CREATE TABLE auction_payments (
    id             TEXT PRIMARY KEY,
    auction_id     TEXT NOT NULL REFERENCES auctions (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    purpose        TEXT NOT NULL CHECK (purpose IN ('deposit', 'price')),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    outcome        TEXT NOT NULL DEFAULT 'held' CHECK (outcome IN ('held', 'released', 'forfeited', 'applied')),
    -- 1 once the auction counted it (the deposit command, or the payment of the price).
    counted        BIGINT NOT NULL DEFAULT 0 CHECK (counted IN (0, 1)),
    refund_status  TEXT CHECK (refund_status IN ('pending', 'succeeded')),
    provider_ref   TEXT,
    created_at     BIGINT NOT NULL,
    settled_at     BIGINT
);
CREATE INDEX auction_payments_by_bidder ON auction_payments (auction_id, account_id);
CREATE INDEX auction_payments_by_status ON auction_payments (status);
