//! The images as the window shows them: background loads, tile textures, thumbnails and display
//! adjustments. Reads files through [`crate::io::loader`]; knows nothing of footprints.

pub mod adjust;
pub mod images;
pub mod tiles;

pub use adjust::Adjustments;
pub use images::{ImageSlot, ImageStore};
