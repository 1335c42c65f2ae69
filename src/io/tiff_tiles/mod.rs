//! Tiled and striped TIFFs read tile by tile, for imagery larger than memory.
//!
//! Each pyramid level comes from the best source there is:
//! - an IFD of the file with the level's size (the full image, or an internal overview as in a
//!   Cloud Optimized GeoTIFF; ±1 px per side for writers that round down);
//! - else the nearest finer level that is read directly, downsampled at most twice (at most 16
//!   source tiles per output tile), on demand;
//! - else a level built once, in one pass over a finer one, and kept in the on-disk cache of
//!   [`level_cache`]. Levels the coarsest one needs are built while opening (the first view needs
//!   them); the others on a low-priority background thread, reported by `build_progress`.
//!
//! No whole-level buffer is held for a large level: chunks are decoded as tiles are asked for,
//! by a small pool of `tiff` decoders per IFD (a decoder is not `Sync`), never under a lock.

mod build;
mod level_cache;
mod samples;

use super::headers::{TiffSignature, tiff_signature};
use super::image_decode::{ImageError, ImageInfo};
use super::pyramid::{SourceInfo, TILE_SIZE, downsample_2x_on, level_count, level_size};
use super::tile_reader::TileReader;
use image::RgbImage;
use level_cache::LevelFile;
use samples::{Display, PixelFormat, chunk_to_rgb8};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tiff::decoder::{ChunkType, Decoder, DecodingResult, Limits};
use tiff::tags::Tag;

/// TIFFs larger than this once decoded are read tile by tile; smaller ones are decoded whole,
/// which is faster for them and keeps one path for ordinary images.
pub const TILED_FROM_DECODED_BYTES: u64 = 512 << 20;

/// The longest side of a TIFF read tile by tile. The `tiff` crate also caps a tag's values at
/// 1 MiB, so a BigTIFF of 512 px tiles stops near 185 000 px a side in practice.
pub const MAX_TILED_SIDE: u32 = 1_000_000;

/// The largest decoded chunk (tile or strip) read; a file with larger chunks (e.g. one strip
/// for the whole image) cannot be read in pieces and goes the whole-image path.
const MAX_CHUNK_BYTES: u64 = 64 << 20;

/// A level is derived on demand from a finer one at most this many halvings away (16 source
/// tiles per output tile); further ones are built and cached.
const MAX_DERIVE_STEPS: usize = 2;

/// Decoders kept per IFD between tile reads.
const POOL_PER_IFD: usize = 4;

/// Decoded strips kept for neighbouring tiles (a strip spans the whole width).
const STRIP_CACHE_BYTES: usize = 256 << 20;

/// No TIFF compression shrinks pixels more than this (deflate's limit is about 1 032 to 1).
const MAX_COMPRESSION_RATIO: u64 = 1100;

/// IFDs looked at, at most (a chain of thousands is damaged or hostile).
const MAX_IFDS: usize = 64;

/// Chunks sampled to measure the display stretch of 16-bit and float data.
const STRETCH_SAMPLE_CHUNKS: usize = 64;

/// Choices for [`super::tile_reader::open_tile_reader_with`].
#[derive(Clone, Debug)]
pub struct TileReaderOptions {
    /// Files decoded to at most this many bytes go the whole-image path.
    pub min_decoded_bytes: u64,
    /// Where built levels are cached; `None` for the user's cache folder.
    pub cache_dir: Option<PathBuf>,
    /// The cache folder's size bound; the least recently used level files go first.
    pub cache_limit_bytes: u64,
    /// Hears how far the build of the levels the first view needs has come, when the file
    /// lacks overviews (seconds to minutes of work), and stops it by returning false.
    pub first_view_progress: Option<BuildProgress>,
}

/// A callback given the share (0..=1) of a build done, returning whether to go on.
#[derive(Clone)]
pub struct BuildProgress(pub Arc<dyn Fn(f32) -> bool + Send + Sync>);

impl std::fmt::Debug for BuildProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BuildProgress")
    }
}

/// The variable that sets, in bytes, from what decoded size a tiled or striped TIFF is read tile
/// by tile instead of [`TILED_FROM_DECODED_BYTES`]: for trying and testing the tiled path on
/// small files (`SITEDIFF_TILED_FROM_BYTES=0` reads every tiled TIFF so).
pub const TILED_FROM_VARIABLE: &str = "SITEDIFF_TILED_FROM_BYTES";

fn tiled_from_bytes() -> u64 {
    std::env::var(TILED_FROM_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(TILED_FROM_DECODED_BYTES)
}

impl Default for TileReaderOptions {
    fn default() -> Self {
        TileReaderOptions {
            min_decoded_bytes: tiled_from_bytes(),
            cache_dir: None,
            cache_limit_bytes: 4 << 30,
            first_view_progress: None,
        }
    }
}

type TiffDecoder = Decoder<BufReader<File>>;

/// One image (IFD) of the file used as a level source.
#[derive(Debug)]
struct Ifd {
    /// Its position in the IFD chain, for `seek_to_image`.
    index: usize,
    width: u32,
    height: u32,
    /// Tile size, or (width, rows per strip).
    chunk: (u32, u32),
    tiled: bool,
    /// Compressed size of every chunk: 0 marks an empty (sparse) chunk.
    byte_counts: Vec<u64>,
    pool: Mutex<Vec<TiffDecoder>>,
}

impl Ifd {
    fn chunks_across(&self) -> u32 {
        if self.tiled {
            self.width.div_ceil(self.chunk.0)
        } else {
            1
        }
    }
}

/// Where a pyramid level's tiles come from.
#[derive(Clone, Debug)]
enum LevelSource {
    /// An IFD of the file (index into `TiffTileReader::ifds`).
    Ifd(usize),
    /// A built level on disk.
    Cached(Arc<LevelFile>),
    /// Level `from` (an `Ifd` or `Cached` one) halved `steps` times, on demand.
    Derived { from: usize, steps: usize },
    /// Not readable yet: waits for the background build.
    Pending,
}

/// A tiled or striped TIFF read tile by tile; see the module documentation.
pub struct TiffTileReader {
    path: PathBuf,
    width: u32,
    height: u32,
    format: PixelFormat,
    display: Display,
    ifds: Vec<Ifd>,
    levels: RwLock<Vec<LevelSource>>,
    /// Decoded strips as RGB8, most recent last: (ifd, strip, pixels).
    strips: Mutex<VecDeque<(usize, u32, Arc<RgbImage>)>>,
    /// Background build progress in 1/1000, or `u32::MAX` when no build runs.
    progress: Arc<AtomicU32>,
}

/// A reason a file is refused, as the error the caller shows.
fn unsupported(path: &Path, message: impl Into<String>) -> ImageError {
    ImageError::Unsupported {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn corrupt(path: &Path, message: impl Into<String>) -> ImageError {
    ImageError::Corrupt {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The decoder limits: chunks up to [`MAX_CHUNK_BYTES`], tag values (chunk indexes) within the
/// crate's own bound.
fn decoder_limits() -> Limits {
    let mut limits = Limits::default();
    limits.decoding_buffer_size = MAX_CHUNK_BYTES as usize;
    limits.intermediate_buffer_size = MAX_CHUNK_BYTES as usize;
    limits
}

/// Opens a fresh decoder on `path`, positioned at IFD `index`.
fn open_decoder(path: &Path, index: usize) -> Result<TiffDecoder, String> {
    let file = File::open(path).map_err(|e| format!("cannot open the file: {e}"))?;
    let mut decoder = Decoder::new(BufReader::with_capacity(64 << 10, file))
        .map_err(|e| e.to_string())?
        .with_limits(decoder_limits());
    if index > 0 {
        decoder.seek_to_image(index).map_err(|e| e.to_string())?;
    }
    Ok(decoder)
}

/// What one IFD holds, read from its tags.
struct IfdInfo {
    width: u32,
    height: u32,
    format: Result<PixelFormat, String>,
    reduced: bool,
    mask: bool,
    planar: bool,
    tiled: bool,
    chunk: (u32, u32),
    offsets: Vec<u64>,
    byte_counts: Vec<u64>,
}

fn ifd_info(decoder: &mut TiffDecoder) -> Result<IfdInfo, String> {
    let (width, height) = decoder.dimensions().map_err(|e| e.to_string())?;
    let float = decoder
        .find_tag_unsigned::<u16>(Tag::SampleFormat)
        .ok()
        .flatten()
        == Some(3);
    let format = decoder
        .colortype()
        .map_err(|e| e.to_string())
        .and_then(|c| PixelFormat::of(c, float));
    let subfile = decoder
        .find_tag_unsigned::<u32>(Tag::NewSubfileType)
        .ok()
        .flatten()
        .unwrap_or(0);
    let planar = decoder
        .find_tag_unsigned::<u16>(Tag::PlanarConfiguration)
        .ok()
        .flatten()
        == Some(2);
    let tiled = decoder.get_chunk_type() == ChunkType::Tile;
    // A strip may claim more rows than the image has (one strip for all): count those it has.
    let (cw, ch) = decoder.chunk_dimensions();
    let chunk = if tiled {
        (cw, ch)
    } else {
        (cw, ch.min(height))
    };
    let (offsets_tag, counts_tag) = if tiled {
        (Tag::TileOffsets, Tag::TileByteCounts)
    } else {
        (Tag::StripOffsets, Tag::StripByteCounts)
    };
    let offsets = decoder
        .get_tag_u64_vec(offsets_tag)
        .map_err(|e| e.to_string())?;
    let byte_counts = decoder
        .get_tag_u64_vec(counts_tag)
        .map_err(|e| e.to_string())?;
    Ok(IfdInfo {
        width,
        height,
        format,
        reduced: subfile & 1 == 1,
        mask: subfile & 4 == 4,
        planar,
        tiled,
        chunk,
        offsets,
        byte_counts,
    })
}

impl TiffTileReader {
    /// Opens `path` if it is a TIFF to read tile by tile; see
    /// [`super::tile_reader::open_tile_reader`].
    pub fn open(path: &Path, options: &TileReaderOptions) -> Result<Option<Arc<Self>>, ImageError> {
        catch_unwind(AssertUnwindSafe(|| Self::open_unguarded(path, options))).unwrap_or_else(
            |_| {
                Err(corrupt(
                    path,
                    "the TIFF decoder failed on this data (internal decoder error)",
                ))
            },
        )
    }

    fn open_unguarded(
        path: &Path,
        options: &TileReaderOptions,
    ) -> Result<Option<Arc<Self>>, ImageError> {
        let Some(mut reader) = Self::inspect(path, options)? else {
            return Ok(None);
        };
        reader.display = reader.measure_display().map_err(|e| corrupt(path, e))?;
        build::plan_and_build(reader, options)
            .map(Some)
            .map_err(|e| corrupt(path, e))
    }

    /// What the header says, for [`probe_tiled`]: the reader with its IFDs found and checked,
    /// before any pixel is read or level built. `None` for the whole-image path.
    fn inspect(path: &Path, options: &TileReaderOptions) -> Result<Option<Self>, ImageError> {
        let (mut file, file_size) = crate::io::image_decode::open_file(path)?;
        let mut magic = [0u8; 4];
        let signature = file
            .read_exact(&mut magic)
            .ok()
            .and_then(|()| tiff_signature(&magic));
        let Some(signature) = signature else {
            return Ok(None);
        };
        drop(file);
        // `image` cannot decode a BigTIFF whole: any size goes this way.
        let bigtiff = signature == TiffSignature::Big;
        let mut decoder = open_decoder(path, 0).map_err(|e| corrupt(path, e))?;
        let mut infos = vec![ifd_info(&mut decoder).map_err(|e| corrupt(path, e))?];
        let main = &infos[0];
        let format = main.format.clone().map_err(|e| unsupported(path, e))?;
        let (width, height) = (main.width, main.height);
        let decoded = u64::from(width) * u64::from(height) * format.pixel_bytes();
        if (decoded <= options.min_decoded_bytes && !bigtiff) || main.planar || main.mask {
            return Ok(None);
        }
        if u64::from(main.chunk.0) * u64::from(main.chunk.1) * format.pixel_bytes()
            > MAX_CHUNK_BYTES
        {
            return Ok(None);
        }
        if width > MAX_TILED_SIDE || height > MAX_TILED_SIDE {
            return Err(unsupported(
                path,
                format!(
                    "image is {width} x {height} pixels; sitediff reads tiled TIFFs up to \
                     {MAX_TILED_SIDE} pixels per side"
                ),
            ));
        }
        // The further IFDs: a damaged one ends the list (the levels it would give are built).
        while infos.len() < MAX_IFDS && decoder.more_images() {
            if decoder.next_image().is_err() {
                break;
            }
            match ifd_info(&mut decoder) {
                Ok(info) => infos.push(info),
                Err(_) => break,
            }
        }
        let count = level_count(width, height, TILE_SIZE);
        let mut ifds: Vec<Ifd> = Vec::new();
        let mut levels = vec![LevelSource::Pending; count];
        for (index, info) in infos.into_iter().enumerate() {
            let usable = index == 0
                || (info.reduced
                    && !info.mask
                    && !info.planar
                    && info.format.as_ref().ok() == Some(&format)
                    && u64::from(info.chunk.0) * u64::from(info.chunk.1) * format.pixel_bytes()
                        <= MAX_CHUNK_BYTES);
            if !usable {
                continue;
            }
            let Some(level) = (0..count).find(|&k| {
                let (lw, lh) = level_size(width, height, k);
                lw.abs_diff(info.width) <= 1 && lh.abs_diff(info.height) <= 1
            }) else {
                continue;
            };
            if !matches!(levels[level], LevelSource::Pending) {
                continue;
            }
            check_chunks(path, &info, file_size, format)?;
            levels[level] = LevelSource::Ifd(ifds.len());
            ifds.push(Ifd {
                index,
                width: info.width,
                height: info.height,
                chunk: info.chunk,
                tiled: info.tiled,
                byte_counts: info.byte_counts,
                pool: Mutex::new(Vec::new()),
            });
        }
        // Keep the first decoder: it sits on IFD 0 after a re-seek.
        if decoder.seek_to_image(0).is_ok() {
            ifds[0]
                .pool
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(decoder);
        }
        Ok(Some(TiffTileReader {
            path: path.to_path_buf(),
            width,
            height,
            format,
            display: Display::identity(),
            ifds,
            levels: RwLock::new(levels),
            strips: Mutex::new(VecDeque::new()),
            progress: Arc::new(AtomicU32::new(u32::MAX)),
        }))
    }

    /// The display stretch, from chunks spread over the coarsest IFD.
    fn measure_display(&self) -> Result<Display, String> {
        if self.format.kind == samples::SampleKind::U8 {
            return Ok(Display::identity());
        }
        let coarsest = self
            .ifds
            .iter()
            .enumerate()
            .min_by_key(|(_, ifd)| u64::from(ifd.width) * u64::from(ifd.height))
            .map(|(i, _)| i)
            .unwrap_or(0);
        let chunks = self.ifds[coarsest].byte_counts.len();
        let step = chunks.div_ceil(STRETCH_SAMPLE_CHUNKS).max(1);
        let mut sampled = Vec::new();
        for chunk in (0..chunks).step_by(step) {
            if let Some(decoded) = self.decode_chunk(coarsest, chunk as u32)? {
                sampled.push(decoded.0);
            }
        }
        Ok(Display::measured(self.format, &sampled))
    }

    /// Decodes chunk `chunk` of IFD `ifd` with a pooled decoder; `None` for an empty (sparse)
    /// chunk. Returns the samples and the chunk's data size.
    fn decode_chunk(
        &self,
        ifd: usize,
        chunk: u32,
    ) -> Result<Option<(DecodingResult, u32, u32)>, String> {
        let source = &self.ifds[ifd];
        if source.byte_counts.get(chunk as usize).copied().unwrap_or(0) == 0 {
            return Ok(None);
        }
        let pooled = source.pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut decoder = match pooled {
            Some(d) => d,
            None => open_decoder(&self.path, source.index)?,
        };
        let (cw, ch) = source.chunk;
        let across = source.chunks_across();
        let (cx, cy) = (chunk % across, chunk / across);
        let w = cw.min(source.width - cx * cw);
        let h = ch.min(source.height.saturating_sub(cy * ch));
        let result = catch_unwind(AssertUnwindSafe(|| decoder.read_chunk(chunk)));
        match result {
            Ok(Ok(decoded)) => {
                let mut pool = source.pool.lock().unwrap_or_else(|e| e.into_inner());
                if pool.len() < POOL_PER_IFD {
                    pool.push(decoder);
                }
                Ok(Some((decoded, w, h)))
            }
            // A failed decoder may be in any state: it is dropped, not pooled.
            Ok(Err(e)) => Err(format!("chunk {chunk} of image {}: {e}", source.index)),
            Err(_) => Err(format!(
                "chunk {chunk} of image {}: the TIFF decoder failed on this data",
                source.index
            )),
        }
    }

    /// Chunk `chunk` of IFD `ifd` as display RGB8 (black for an empty chunk). Strips are kept
    /// a while, since the tiles beside each other share them.
    fn chunk_rgb(&self, ifd: usize, chunk: u32) -> Result<Arc<RgbImage>, String> {
        let strip = !self.ifds[ifd].tiled;
        if strip {
            let cache = self.strips.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, img)) = cache.iter().find(|(i, c, _)| *i == ifd && *c == chunk) {
                return Ok(img.clone());
            }
        }
        let source = &self.ifds[ifd];
        let rgb = match self.decode_chunk(ifd, chunk)? {
            Some((decoded, w, h)) => chunk_to_rgb8(&decoded, w, h, self.format, &self.display)
                .map_err(|e| format!("chunk {chunk} of image {}: {e}", source.index))?,
            None => {
                let (cw, ch) = source.chunk;
                let across = source.chunks_across();
                let w = cw.min(source.width - (chunk % across) * cw);
                let h = ch.min(source.height.saturating_sub((chunk / across) * ch));
                RgbImage::new(w, h)
            }
        };
        let rgb = Arc::new(rgb);
        if strip {
            let mut cache = self.strips.lock().unwrap_or_else(|e| e.into_inner());
            cache.push_back((ifd, chunk, rgb.clone()));
            let mut bytes: usize = cache.iter().map(|(_, _, i)| i.as_raw().len()).sum();
            while bytes > STRIP_CACHE_BYTES && cache.len() > 1 {
                if let Some((_, _, old)) = cache.pop_front() {
                    bytes -= old.as_raw().len();
                }
            }
        }
        Ok(rgb)
    }

    /// The pixels `x0..x0 + w`, `y0..y0 + h` of IFD `ifd` as RGB8, clipped to the IFD.
    fn ifd_region(&self, ifd: usize, x0: u32, y0: u32, w: u32, h: u32) -> Result<RgbImage, String> {
        let source = &self.ifds[ifd];
        let w = w.min(source.width.saturating_sub(x0));
        let h = h.min(source.height.saturating_sub(y0));
        let mut out = RgbImage::new(w, h);
        if w == 0 || h == 0 {
            return Ok(out);
        }
        let (cw, ch) = source.chunk;
        let across = source.chunks_across();
        let (cx0, cx1) = if source.tiled {
            (x0 / cw, (x0 + w - 1) / cw)
        } else {
            (0, 0)
        };
        for cy in y0 / ch..=(y0 + h - 1) / ch {
            for cx in cx0..=cx1 {
                let chunk = self.chunk_rgb(ifd, cy * across + cx)?;
                let (chunk_x, chunk_y) = (cx * if source.tiled { cw } else { 0 }, cy * ch);
                copy_overlap(&chunk, chunk_x, chunk_y, &mut out, x0, y0);
            }
        }
        Ok(out)
    }

    /// A region of a level that is read directly (an IFD or a cached level), clipped to it.
    fn real_region(
        &self,
        source: &LevelSource,
        x0: u32,
        y0: u32,
        w: u32,
        h: u32,
    ) -> Result<RgbImage, String> {
        match source {
            LevelSource::Ifd(i) => self.ifd_region(*i, x0, y0, w, h),
            LevelSource::Cached(file) => {
                let w = w.min(file.width.saturating_sub(x0));
                let h = h.min(file.height.saturating_sub(y0));
                let mut out = RgbImage::new(w, h);
                if w == 0 || h == 0 {
                    return Ok(out);
                }
                for ty in y0 / TILE_SIZE..=(y0 + h - 1) / TILE_SIZE {
                    for tx in x0 / TILE_SIZE..=(x0 + w - 1) / TILE_SIZE {
                        let tile = file.read_tile(tx, ty)?;
                        copy_overlap(&tile, tx * TILE_SIZE, ty * TILE_SIZE, &mut out, x0, y0);
                    }
                }
                Ok(out)
            }
            _ => Err("the level is not built yet".to_string()),
        }
    }

    /// Tile (tx, ty) of `level`, or why not, without naming the file.
    fn tile(&self, level: usize, tx: u32, ty: u32, threads: usize) -> Result<RgbImage, String> {
        let count = self.levels.read().unwrap_or_else(|e| e.into_inner()).len();
        if level >= count {
            return Err(format!(
                "level {level} does not exist (the image has {count})"
            ));
        }
        let (lw, lh) = level_size(self.width, self.height, level);
        if tx >= lw.div_ceil(TILE_SIZE) || ty >= lh.div_ceil(TILE_SIZE) {
            return Err(format!("tile ({tx}, {ty}) is outside level {level}"));
        }
        let (x0, y0) = (tx * TILE_SIZE, ty * TILE_SIZE);
        let (tw, th) = (TILE_SIZE.min(lw - x0), TILE_SIZE.min(lh - y0));
        let source = self.levels.read().unwrap_or_else(|e| e.into_inner())[level].clone();
        let img = match source {
            LevelSource::Derived { from, steps } => {
                let real = self.levels.read().unwrap_or_else(|e| e.into_inner())[from].clone();
                let scale = 1u32 << steps;
                let mut img = self.real_region(
                    &real,
                    x0 * scale,
                    y0 * scale,
                    TILE_SIZE * scale,
                    TILE_SIZE * scale,
                )?;
                for _ in 0..steps {
                    img = downsample_2x_on(&img, threads);
                }
                img
            }
            LevelSource::Pending => {
                return Err(format!("level {level} is still being built"));
            }
            real => self.real_region(&real, x0, y0, tw, th)?,
        };
        Ok(fit_to(img, tw, th))
    }
}

/// What a TIFF read tile by tile holds, from its header and IFDs only (no pixel is read, no
/// level built): for [`crate::io::image_decode::probe_image`], which refuses whole-image
/// decodes past its limits but must accept the files the tile reader opens. `Ok(None)` when the
/// file is not such a TIFF.
pub fn probe_tiled(path: &Path) -> Result<Option<ImageInfo>, ImageError> {
    let inspected = catch_unwind(AssertUnwindSafe(|| {
        TiffTileReader::inspect(path, &TileReaderOptions::default())
    }))
    .unwrap_or_else(|_| Err(corrupt(path, "the TIFF decoder failed on this data")))?;
    Ok(inspected.map(|reader| {
        let file_size = std::fs::metadata(path).map_or(0, |m| m.len());
        let info = reader.format.source_info(None);
        ImageInfo {
            width: reader.width,
            height: reader.height,
            format: "TIFF",
            pixel_type: reader.format.pixel_type(),
            bands: info.bands,
            bits_per_sample: info.bits_per_sample,
            file_size,
            decoded_bytes: u64::from(reader.width)
                * u64::from(reader.height)
                * reader.format.pixel_bytes(),
        }
    }))
}

/// Copies the overlap of `src` (placed at `sx, sy`) into `dst` (placed at `dx, dy`).
fn copy_overlap(src: &RgbImage, sx: u32, sy: u32, dst: &mut RgbImage, dx: u32, dy: u32) {
    let x_start = sx.max(dx);
    let x_end = (sx + src.width()).min(dx + dst.width());
    let y_start = sy.max(dy);
    let y_end = (sy + src.height()).min(dy + dst.height());
    if x_start >= x_end || y_start >= y_end {
        return;
    }
    let n = (x_end - x_start) as usize * 3;
    let (src_row, dst_row) = (src.width() as usize * 3, dst.width() as usize * 3);
    let (src_raw, dst_raw) = (src.as_raw(), &mut **dst);
    for y in y_start..y_end {
        let s = (y - sy) as usize * src_row + (x_start - sx) as usize * 3;
        let d = (y - dy) as usize * dst_row + (x_start - dx) as usize * 3;
        dst_raw[d..d + n].copy_from_slice(&src_raw[s..s + n]);
    }
}

/// `img` cut or extended (repeating its last column and row) to exactly `w` x `h`: an overview
/// rounded down by its writer is a pixel short of the level it stands for.
fn fit_to(img: RgbImage, w: u32, h: u32) -> RgbImage {
    if img.dimensions() == (w, h) {
        return img;
    }
    let (iw, ih) = img.dimensions();
    if iw == 0 || ih == 0 {
        return RgbImage::new(w, h);
    }
    RgbImage::from_fn(w, h, |x, y| *img.get_pixel(x.min(iw - 1), y.min(ih - 1)))
}

/// Refuses an IFD whose chunks point past the end of the file or claim absurd sizes, before
/// any is read.
fn check_chunks(
    path: &Path,
    info: &IfdInfo,
    file_size: u64,
    format: PixelFormat,
) -> Result<(), ImageError> {
    let expected = if info.tiled {
        info.width.div_ceil(info.chunk.0.max(1)) as usize
            * info.height.div_ceil(info.chunk.1.max(1)) as usize
    } else {
        info.height.div_ceil(info.chunk.1.max(1)) as usize
    };
    if info.offsets.len() != expected || info.byte_counts.len() != expected {
        return Err(corrupt(
            path,
            format!(
                "a {} x {} image needs {expected} chunks but the file lists {} offsets and {} sizes",
                info.width,
                info.height,
                info.offsets.len(),
                info.byte_counts.len()
            ),
        ));
    }
    // Compression never grows data by more than a little; allow twice the raw size.
    let raw = u64::from(info.chunk.0) * u64::from(info.chunk.1) * format.pixel_bytes();
    // Nor shrinks it past deflate's ~1 032 to 1: a small file claiming far more pixels in its
    // non-empty chunks reuses one chunk for many (a decompression bomb), and reading it would
    // decode without end.
    let stored = info.byte_counts.iter().filter(|n| **n > 0).count() as u64;
    if stored.saturating_mul(raw) > file_size.saturating_mul(MAX_COMPRESSION_RATIO) {
        return Err(corrupt(
            path,
            format!(
                "its {stored} chunks claim {} GiB of pixels, which a file of {file_size} bytes \
                 cannot hold (chunks reused?)",
                stored.saturating_mul(raw) >> 30
            ),
        ));
    }
    let plausible = raw.saturating_mul(2).saturating_add(1 << 16);
    for (i, (offset, count)) in info.offsets.iter().zip(&info.byte_counts).enumerate() {
        if *count > plausible {
            return Err(corrupt(
                path,
                format!("chunk {i} claims {count} compressed bytes for {raw} bytes of pixels"),
            ));
        }
        if *count > 0 && offset.saturating_add(*count) > file_size {
            return Err(corrupt(
                path,
                format!(
                    "chunk {i} lies at bytes {offset}..{} of a {file_size}-byte file (truncated?)",
                    offset.saturating_add(*count)
                ),
            ));
        }
    }
    Ok(())
}

impl TileReader for TiffTileReader {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn source_info(&self) -> SourceInfo {
        self.format.source_info(self.display.stretch)
    }

    fn has_level(&self, level: usize) -> bool {
        let levels = self.levels.read().unwrap_or_else(|e| e.into_inner());
        match levels.get(level) {
            None | Some(LevelSource::Pending) => false,
            Some(LevelSource::Derived { from, .. }) => {
                !matches!(levels.get(*from), None | Some(LevelSource::Pending))
            }
            Some(_) => true,
        }
    }

    fn read_tile(&self, level: usize, tx: u32, ty: u32) -> Result<RgbImage, String> {
        self.tile(level, tx, ty, 1)
            .map_err(|e| format!("{}: {e}", self.path.display()))
    }

    fn build_progress(&self) -> Option<f32> {
        match self.progress.load(Ordering::Relaxed) {
            u32::MAX => None,
            n => Some(n as f32 / 1000.0),
        }
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
