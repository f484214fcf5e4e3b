//! The pieces pages are made of.

pub mod auction_form;
pub mod auction_parts;
pub mod auction_settle;
pub mod campaign_form;
pub mod car;
pub mod charts;
pub mod configurator;
pub mod countdown;
pub mod island;
pub mod layout;
pub mod poll;
pub mod price;
pub mod reserve;
pub mod time;
