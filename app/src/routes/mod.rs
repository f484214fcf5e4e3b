//! One module per page.

pub mod configure;
pub mod landing;
pub mod not_found;
