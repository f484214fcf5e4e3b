//! One module per page.

pub mod auctions;
pub mod configure;
pub mod landing;
pub mod login;
pub mod not_found;
pub mod oem;
pub mod orders;
pub mod payments;
pub mod studio;
