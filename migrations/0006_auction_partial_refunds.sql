-- Money correct to the fen at settlement: the buyer pays the price and no more. Their deposit
-- counts towards the price; only the rest is charged, and any deposit above the price is
-- refunded. A deposit payment can therefore be refunded in part: `refund_fen` is the amount of
-- the payment to refund once `refund_status` is set, NULL meaning the whole payment (a released
-- deposit, a payment the auction could not take, and every refund before this migration).
-- A buyer's deposit payment that covered more than what was left of the price is 'applied'
-- with a pending refund of the part above it. The same statement runs on SQLite and PostgreSQL.
ALTER TABLE auction_payments ADD COLUMN refund_fen BIGINT
    CHECK (refund_fen > 0 AND refund_fen <= amount_fen);
