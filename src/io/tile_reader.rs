//! PLACEHOLDER on the ondemand branch: replaced by the tiff branch's file at merge.
use crate::io::image_decode::ImageError;
use std::path::Path;
use std::sync::Arc;

/// An image read piece by piece: the tiles of its pyramid levels on demand, never the whole.
pub trait TileReader: Send + Sync {
    /// Full-resolution width and height.
    fn size(&self) -> (u32, u32);
    /// What the file holds.
    fn source_info(&self) -> crate::io::pyramid::SourceInfo;
    /// Whether pyramid level `level` can be read now.
    fn has_level(&self, level: usize) -> bool;
    /// Tile (tx, ty) of a level as display RGB8, edge tiles clipped to the level.
    fn read_tile(&self, level: usize, tx: u32, ty: u32) -> Result<image::RgbImage, String>;
    /// While missing levels are built in the background: the share done (0..=1).
    fn build_progress(&self) -> Option<f32> {
        None
    }
}

/// Opens `path` for tile-by-tile reading.
pub fn open_tile_reader(_path: &Path) -> Result<Option<Arc<dyn TileReader>>, ImageError> {
    Ok(None)
}
