-- Money that cannot be forged, replayed or stranded (issue 16).
--
-- The ledger: every money movement once, as it happened: a charge the provider confirmed, a
-- refund it paid out. The row's id is the payment's or the refund's own id, so recording the
-- same movement twice fails on the primary key instead of counting twice. Rows are only ever
-- added: UPDATE and DELETE are refused by triggers created at connection (`services::db`), one
-- per backend, since the two dialects write triggers differently.
CREATE TABLE ledger (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('charge', 'refund')),
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    order_id    TEXT REFERENCES orders (id),
    auction_id  TEXT REFERENCES auctions (id),
    payment_id  TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen >= 0),
    at          BIGINT NOT NULL,
    -- Every movement belongs to an order or to an auction, never both.
    CHECK ((order_id IS NULL AND auction_id IS NOT NULL) OR (order_id IS NOT NULL AND auction_id IS NULL))
);
CREATE INDEX ledger_by_account ON ledger (account_id, at);

-- What moved before the ledger existed, from the tables that recorded it.
INSERT INTO ledger (id, kind, account_id, order_id, auction_id, payment_id, amount_fen, at)
SELECT p.id, 'charge', o.account_id, p.order_id, NULL, p.id, p.amount_fen, COALESCE(p.settled_at, p.created_at)
  FROM payments p JOIN orders o ON o.id = p.order_id
 WHERE p.status = 'succeeded';
INSERT INTO ledger (id, kind, account_id, order_id, auction_id, payment_id, amount_fen, at)
SELECT r.id, 'refund', o.account_id, p.order_id, NULL, p.id, r.amount_fen, COALESCE(r.settled_at, r.created_at)
  FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN orders o ON o.id = p.order_id
 WHERE r.status = 'succeeded';
INSERT INTO ledger (id, kind, account_id, order_id, auction_id, payment_id, amount_fen, at)
SELECT id, 'charge', account_id, NULL, auction_id, id, amount_fen, COALESCE(settled_at, created_at)
  FROM auction_payments
 WHERE status = 'succeeded';
INSERT INTO ledger (id, kind, account_id, order_id, auction_id, payment_id, amount_fen, at)
SELECT id || '_refund', 'refund', account_id, NULL, auction_id, id, COALESCE(refund_fen, amount_fen),
       COALESCE(settled_at, created_at)
  FROM auction_payments
 WHERE refund_status = 'succeeded';

-- Callbacks already applied, by the SHA-256 of their signed body: the same body again is a
-- replay and is refused. A callback older than five minutes is refused as stale anyway, so
-- rows older than that are pruned by the payments' background task (the table stays small).
CREATE TABLE payment_callbacks (
    digest       TEXT PRIMARY KEY,
    received_at  BIGINT NOT NULL
);
CREATE INDEX payment_callbacks_by_time ON payment_callbacks (received_at);

-- A charge still pending past its deadline expires: it is marked failed with the time it
-- expired, and gives back what it held (the batch unit of a reservation, the room under an
-- auction's deposit bound). A confirmation arriving after that is recorded and refunded.
ALTER TABLE payments ADD COLUMN expired_at BIGINT;
ALTER TABLE auction_payments ADD COLUMN expired_at BIGINT;
