//! Server functions, by domain: the UI's door onto the service layer. Each is a few lines:
//! take the services from context, call one method.

pub mod account;
pub mod auctions;
pub mod campaign;
pub mod configuration;
pub mod demand;
pub mod orders;
pub mod payments;
pub mod presale;
