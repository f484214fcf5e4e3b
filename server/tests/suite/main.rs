//! The server suite, one test binary (linking eleven binaries against the whole server took
//! longer than running them): each module is one area, and all of them run on SQLite, and on
//! PostgreSQL with `TEST_DATABASE_URL`. Single tests: `cargo test -p server --test suite orders::`.

mod common;

mod abuse;
mod api;
mod auction_crash;
mod auction_storm;
mod auctions;
mod auth;
mod campaigns;
mod crash;
mod demand;
mod money_histories;
mod orders;
mod pages;
mod production;
mod rush;
mod thresholds;
