//! Images read piece by piece: the tiles of pyramid levels on demand, never the whole image.
//!
//! Analysts' orthophotos are often tiled GeoTIFFs of several GB with internal overviews. Decoding
//! one whole needs more memory than the machine has; GIS tools show them at once by reading only
//! the tiles and the overview level in view. A [`TileReader`] gives the window that: the size,
//! what the file holds, and any tile of any pyramid level (as
//! [`crate::io::pyramid::level_size`] and [`crate::io::pyramid::TILE_SIZE`] define them) as
//! display RGB8. [`open_tile_reader`] picks the files that should be read this way; the others
//! go the whole-image path of [`crate::io::image_decode`].

use super::image_decode::{ImageError, decode_image};
use super::pyramid::{TILE_SIZE, level_count};
use std::path::Path;
use std::sync::Arc;

pub use super::tiff_tiles::{
    BuildProgress, MAX_TILED_SIDE, TILED_FROM_DECODED_BYTES, TileReaderOptions,
};

/// An image read piece by piece: the tiles of its pyramid levels on demand, never the whole.
pub trait TileReader: Send + Sync {
    /// Full-resolution width and height.
    fn size(&self) -> (u32, u32);
    /// What the file holds (bits, bands, the stretch applied to reach display RGB8), for the
    /// image's information panel.
    fn source_info(&self) -> crate::io::pyramid::SourceInfo;
    /// Whether pyramid level `level` (the image downsampled by 2^level, sizes as
    /// `pyramid::level_size`, cut in `pyramid::TILE_SIZE` tiles) can be read now. The coarsest
    /// level (`pyramid::level_count(w, h, TILE_SIZE) - 1`) and level 0 are readable as soon as
    /// the reader is open; others may turn readable later, while [`Self::build_progress`] runs.
    fn has_level(&self, level: usize) -> bool;
    /// Tile (tx, ty) of a level as display RGB8, edge tiles clipped to the level. Safe to call
    /// from several threads at once: no lock is held while decoding. The error names the file.
    fn read_tile(&self, level: usize, tx: u32, ty: u32) -> Result<image::RgbImage, String>;
    /// While missing levels are built in the background: the share done (0..=1). None otherwise.
    fn build_progress(&self) -> Option<f32> {
        None
    }
}

/// Opens `path` for tile-by-tile reading when it is a TIFF that should be read so: tiled or
/// striped in chunks of bounded size, and over [`TILED_FROM_DECODED_BYTES`] once decoded.
/// `Ok(None)` when the file should go the whole-image path (not a TIFF, small enough, or laid
/// out so that pieces cannot be read alone); `Err` with a message naming the file when it is
/// such a TIFF but cannot be read (damaged, hostile, unsupported samples).
///
/// May take long when the file has no overviews: the coarsest level is then built (one pass
/// over the file, on all cores) and cached on disk, so that the next open is immediate. Call it
/// off the UI thread.
pub fn open_tile_reader(path: &Path) -> Result<Option<Arc<dyn TileReader>>, ImageError> {
    open_tile_reader_with(path, &TileReaderOptions::default())
}

/// [`open_tile_reader`] with explicit options: a lower size threshold and a private cache
/// folder for tests, or a benchmark that wants every TIFF read by tiles.
pub fn open_tile_reader_with(
    path: &Path,
    options: &TileReaderOptions,
) -> Result<Option<Arc<dyn TileReader>>, ImageError> {
    Ok(super::tiff_tiles::TiffTileReader::open(path, options)?
        .map(|reader| reader as Arc<dyn TileReader>))
}

/// The coarsest pyramid level of `reader` (of the image `file`): one tile, at most
/// [`TILE_SIZE`] a side. Its error names the file once.
pub fn read_coarsest(reader: &dyn TileReader, file: &Path) -> Result<image::RgbImage, ImageError> {
    let (w, h) = reader.size();
    reader
        .read_tile(level_count(w, h, TILE_SIZE) - 1, 0, 0)
        .map_err(|message| {
            let prefix = format!("{}: ", file.display());
            ImageError::Corrupt {
                path: file.to_path_buf(),
                message: message.strip_prefix(&prefix).unwrap_or(&message).into(),
            }
        })
}

/// Reads `file` as the window would and returns its size: a large tiled TIFF by its header and
/// its coarsest level (decoding it whole would need more memory than the machine has), any
/// other image by a full decode.
pub fn check_image(file: &Path) -> Result<(u32, u32), ImageError> {
    match open_tile_reader(file) {
        Ok(Some(reader)) => {
            read_coarsest(reader.as_ref(), file)?;
            Ok(reader.size())
        }
        Ok(None) => decode_image(file).map(|image| (image.width(), image.height())),
        // A TIFF the tile reader refuses: its error, unless the whole decode has a better one.
        Err(tiled_error) => match decode_image(file) {
            Ok(image) => Ok((image.width(), image.height())),
            Err(ImageError::TooLarge { .. } | ImageError::TooManyBytes { .. }) => Err(tiled_error),
            Err(other) => Err(other),
        },
    }
}
