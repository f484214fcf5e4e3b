-- Demand thresholds: "this option is built if N people reserve it". At the deadline the option
-- is confirmed or dropped; active orders that depend on a dropped option are flagged so their
-- holders are offered a change or a full refund (whatever the cooling-off period says).

CREATE TABLE thresholds (
    id           TEXT PRIMARY KEY,
    campaign_id  TEXT NOT NULL REFERENCES campaigns (id),
    option_id    TEXT NOT NULL,
    target       BIGINT NOT NULL CHECK (target > 0),
    deadline     BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dropped')),
    reached      BIGINT,
    decided_at   BIGINT,
    UNIQUE (campaign_id, option_id)
);

-- The dropped option an order depends on (NULL: none); such an order may be cancelled with a
-- full refund at any time.
ALTER TABLE orders ADD COLUMN dropped_option TEXT;
