//! The overview cache on disk, egui-free: the coarse pyramid levels of an image kept between
//! runs, so that reopening a project shows every image sharp at fit without waiting for its
//! decode (seconds for a 16 000 px JPEG; reading an entry takes milliseconds).
//!
//! One file per image in the user's cache folder (`$XDG_CACHE_HOME/sitediff/overviews/`, else
//! `~/.cache/sitediff/overviews/`), named after a key of the image file's size, modification time
//! and a hash of its content: the whole file when it is under [`WHOLE_FILE_HASH_LIMIT`], else its
//! first and last MiB and [`SAMPLE_BLOCKS`] blocks spread between them (with the size and time to
//! the nanosecond, which an edited file almost always changes too). The key is computed before
//! anything shows, so it must cost milliseconds, not the tenth of a second a 40 MB JPEG takes
//! to hash whole. An entry holds the exact levels from the first one whose longest side is at most
//! [`MAX_CACHED_SIDE`] down to the coarsest, as raw RGB8 (reading is a copy; a PNG would have to
//! be inflated), plus the luminance histogram and what the file held ([`SourceInfo`]).
//!
//! The cache is only ever an accelerator. A missing, damaged or foreign entry is a miss, never an
//! error shown to the analyst; entries are written atomically (temporary file, rename); the
//! folder stays under a size budget by removing the least recently used entries when storing;
//! and deleting the folder at any time is safe. Images whose full size is at most
//! [`MAX_CACHED_SIDE`] decode in a fraction of the reopen budget and are not cached.

use super::atomic_write::write_atomically;
use super::pyramid::{SourceInfo, StretchRange, TILE_SIZE, level_count, level_size};
use image::RgbImage;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::Hasher;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The longest side of the finest cached level: a 1600 x 1000 window at fit needs no more, and
/// an entry stays near 16 MiB.
pub const MAX_CACHED_SIDE: u32 = 2048;

/// Files up to this size are hashed whole (a few milliseconds); larger ones by their first and
/// last [`EDGE_BYTES`] and [`SAMPLE_BLOCKS`] blocks of [`SAMPLE_BYTES`] between.
pub const WHOLE_FILE_HASH_LIMIT: u64 = 4 << 20;

/// How much of each end of a large file is hashed.
pub const EDGE_BYTES: u64 = 1 << 20;

/// Blocks hashed between the ends of a large file, evenly spaced.
pub const SAMPLE_BLOCKS: u64 = 32;

/// Bytes per sampled block.
pub const SAMPLE_BYTES: u64 = 64 << 10;

/// The default size budget of the cache folder: about thirty large images.
pub const DEFAULT_BUDGET_BYTES: u64 = 512 << 20;

/// The environment variable that turns the cache off, for measuring the uncached path.
pub const DISABLE_VARIABLE: &str = "SITEDIFF_NO_OVERVIEW_CACHE";

/// The first bytes of every entry: the format and its version. A file starting otherwise is
/// not ours, or from another version, and is a miss.
const MAGIC: &[u8; 8] = b"SDOVR\x001\n";

/// The suffix of entry files; anything else in the folder is left alone.
const ENTRY_SUFFIX: &str = ".ovr";

/// What identifies one version of an image file's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheKey {
    /// File size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since 1970 (0 where the system has none).
    pub modified_ns: u128,
    /// Hash of the content (see the module documentation for which bytes).
    pub content_hash: u64,
}

impl CacheKey {
    /// Computes the key of the file at `path`; `None` when it cannot be read (then there is
    /// nothing to cache, and the decode reports the problem).
    pub fn of_file(path: &Path) -> Option<CacheKey> {
        let mut file = fs::File::open(path).ok()?;
        let meta = file.metadata().ok()?;
        let size = meta.len();
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let mut hasher = DefaultHasher::new();
        if size <= WHOLE_FILE_HASH_LIMIT {
            hash_stream(&mut file, &mut hasher).ok()?;
        } else {
            hash_stream(&mut (&mut file).take(EDGE_BYTES), &mut hasher).ok()?;
            let between = size - 2 * EDGE_BYTES;
            for i in 0..SAMPLE_BLOCKS {
                let at = EDGE_BYTES + between * i / SAMPLE_BLOCKS;
                file.seek(SeekFrom::Start(at)).ok()?;
                hash_stream(&mut (&mut file).take(SAMPLE_BYTES), &mut hasher).ok()?;
            }
            file.seek(SeekFrom::End(-(EDGE_BYTES as i64))).ok()?;
            hash_stream(&mut file, &mut hasher).ok()?;
        }
        Some(CacheKey {
            size,
            modified_ns,
            content_hash: hasher.finish(),
        })
    }

    /// The entry's file name: every part of the key, so two versions never share an entry.
    pub(crate) fn file_name(&self) -> String {
        format!(
            "{:016x}-{:x}-{:x}{ENTRY_SUFFIX}",
            self.content_hash, self.size, self.modified_ns
        )
    }
}

/// Feeds everything `reader` yields into `hasher`, a MiB at a time.
fn hash_stream(reader: &mut impl Read, hasher: &mut DefaultHasher) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => hasher.write(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// The coarse levels of one image, as stored and as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct CachedOverview {
    /// Full size of the image (level 0) in pixels.
    pub width: u32,
    pub height: u32,
    /// What the file held.
    pub info: SourceInfo,
    /// Luminance histogram of the display pixels, for the display stretch.
    pub histogram: Box<[u64; 256]>,
    /// (pyramid level index, its exact pixels), finest first, down to the coarsest level.
    pub levels: Vec<(usize, Arc<RgbImage>)>,
}

/// The first pyramid level an entry holds for an image of this size: the first whose longest
/// side is at most [`MAX_CACHED_SIDE`]. `None` when that is level 0 (the image is small enough
/// to decode quickly) or the size is degenerate.
pub fn first_cached_level(width: u32, height: u32) -> Option<usize> {
    let count = level_count(width, height, TILE_SIZE);
    let first = (0..count).find(|&k| {
        let (w, h) = level_size(width, height, k);
        w.max(h) <= MAX_CACHED_SIDE
    })?;
    (first > 0).then_some(first)
}

/// Why an entry could not be stored. Storing is best effort: the caller may ignore it, since a
/// missing entry only costs a decode next time.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("{}: cannot create the overview cache folder: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the overview does not hold the levels an entry needs ({0})")]
    Incomplete(String),
    #[error(transparent)]
    Write(#[from] super::SaveError),
}

/// The overview cache: a folder and its size budget.
#[derive(Clone, Debug)]
pub struct OverviewCache {
    folder: PathBuf,
    budget_bytes: u64,
}

impl OverviewCache {
    /// A cache in `folder` (created when first stored to) kept under `budget_bytes`.
    pub fn new(folder: PathBuf, budget_bytes: u64) -> OverviewCache {
        OverviewCache {
            folder,
            budget_bytes,
        }
    }

    /// The analyst's cache: `$XDG_CACHE_HOME/sitediff/overviews`, else
    /// `$HOME/.cache/sitediff/overviews`, with the default budget. `None` when
    /// [`DISABLE_VARIABLE`] is set (to anything but `0`) or no home is known.
    ///
    /// In the library's own unit tests it is `None`, so that running them never fills or
    /// reads the analyst's cache (the tests of the cache pass a folder of their own).
    pub fn for_user() -> Option<OverviewCache> {
        let disabled =
            std::env::var_os(DISABLE_VARIABLE).is_some_and(|v| !v.is_empty() && v != "0");
        if disabled || cfg!(test) {
            return None;
        }
        Some(OverviewCache::new(
            crate::io::user_cache_folder("overviews")?,
            DEFAULT_BUDGET_BYTES,
        ))
    }

    /// The folder entries live in.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Whether an entry for `key` is on disk (it may still turn out unreadable when loaded).
    pub fn contains(&self, key: &CacheKey) -> bool {
        self.folder.join(key.file_name()).is_file()
    }

    /// The entry for `key`, if there is a whole, readable one; anything else is a miss. A hit
    /// marks the entry as recently used, so the size budget removes others first.
    pub fn load(&self, key: &CacheKey) -> Option<CachedOverview> {
        let path = self.folder.join(key.file_name());
        let bytes = fs::read(&path).ok()?;
        let overview = decode_entry(&bytes, key)?;
        if let Ok(file) = fs::File::options().write(true).open(&path) {
            // Best effort: an entry whose time cannot be set is only evicted sooner.
            let _ = file.set_modified(SystemTime::now());
        }
        Some(overview)
    }

    /// Stores `overview` under `key` atomically, first removing the least recently used entries
    /// until the folder fits the budget with it.
    pub fn store(&self, key: &CacheKey, overview: &CachedOverview) -> Result<(), CacheError> {
        let bytes = encode_entry(key, overview)?;
        fs::create_dir_all(&self.folder).map_err(|source| CacheError::CreateFolder {
            path: self.folder.clone(),
            source,
        })?;
        self.make_room(bytes.len() as u64);
        write_atomically(&self.folder.join(key.file_name()), &bytes, false)?;
        Ok(())
    }

    /// Removes entries, oldest use first, until `incoming` more bytes fit in the budget.
    fn make_room(&self, incoming: u64) {
        let Ok(listing) = fs::read_dir(&self.folder) else {
            return;
        };
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = listing
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(ENTRY_SUFFIX))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                Some((meta.modified().unwrap_or(UNIX_EPOCH), meta.len(), e.path()))
            })
            .collect();
        entries.sort();
        let mut total: u64 = entries.iter().map(|e| e.1).sum::<u64>() + incoming;
        for (_, len, path) in entries {
            if total <= self.budget_bytes {
                break;
            }
            // Another process may have removed it already; either way it is gone.
            let _ = fs::remove_file(&path);
            total = total.saturating_sub(len);
        }
    }
}

/// The bytes of an entry: magic, key, size, source info, histogram, then each level (index,
/// width, height, RGB8 pixels), all little-endian, and a hash of everything before it.
fn encode_entry(key: &CacheKey, overview: &CachedOverview) -> Result<Vec<u8>, CacheError> {
    let first = first_cached_level(overview.width, overview.height)
        .ok_or_else(|| CacheError::Incomplete("the image is too small to cache".into()))?;
    let count = level_count(overview.width, overview.height, TILE_SIZE);
    let indices: Vec<usize> = overview.levels.iter().map(|(k, _)| *k).collect();
    if indices != (first..count).collect::<Vec<_>>() {
        return Err(CacheError::Incomplete(format!(
            "levels {indices:?}, wanted {first} to {}",
            count - 1
        )));
    }
    let pixels: usize = overview.levels.iter().map(|(_, l)| l.as_raw().len()).sum();
    let mut out = Vec::with_capacity(pixels + 4096);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.size.to_le_bytes());
    out.extend_from_slice(&key.modified_ns.to_le_bytes());
    out.extend_from_slice(&key.content_hash.to_le_bytes());
    out.extend_from_slice(&overview.width.to_le_bytes());
    out.extend_from_slice(&overview.height.to_le_bytes());
    let info = &overview.info;
    out.extend_from_slice(&[info.bits_per_sample, info.bands, u8::from(info.float)]);
    let (has_stretch, low, high) = match info.stretch {
        Some(s) => (1u8, s.low, s.high),
        None => (0, 0.0, 0.0),
    };
    out.push(has_stretch);
    out.extend_from_slice(&low.to_le_bytes());
    out.extend_from_slice(&high.to_le_bytes());
    for count in overview.histogram.iter() {
        out.extend_from_slice(&count.to_le_bytes());
    }
    out.extend_from_slice(&(overview.levels.len() as u32).to_le_bytes());
    for (k, level) in &overview.levels {
        let expected = level_size(overview.width, overview.height, *k);
        if level.dimensions() != expected {
            return Err(CacheError::Incomplete(format!(
                "level {k} is {:?}, not {expected:?}",
                level.dimensions()
            )));
        }
        out.extend_from_slice(&(*k as u32).to_le_bytes());
        out.extend_from_slice(&level.width().to_le_bytes());
        out.extend_from_slice(&level.height().to_le_bytes());
        out.extend_from_slice(level.as_raw());
    }
    let checksum = checksum(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    Ok(out)
}

/// A hash of an entry's bytes, so that a damaged entry (a flipped bit, a short write from
/// another program) is found out and treated as a miss.
fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// Reads fixed-size fields off the front of an entry; every read fails softly past the end.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    fn f64(&mut self) -> Option<f64> {
        self.array().map(f64::from_le_bytes)
    }
}

/// Parses an entry; `None` for anything but a whole entry of this version for `key`.
fn decode_entry(bytes: &[u8], key: &CacheKey) -> Option<CachedOverview> {
    let (body, tail) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if checksum(body).to_le_bytes() != tail {
        return None;
    }
    let mut f = Fields(body);
    if f.take(MAGIC.len())? != MAGIC {
        return None;
    }
    let stored = CacheKey {
        size: f.u64()?,
        modified_ns: u128::from_le_bytes(f.array()?),
        content_hash: f.u64()?,
    };
    if stored != *key {
        return None;
    }
    let (width, height) = (f.u32()?, f.u32()?);
    let (bits_per_sample, bands, float) = (f.u8()?, f.u8()?, f.u8()? != 0);
    let (has_stretch, low, high) = (f.u8()?, f.f64()?, f.f64()?);
    let info = SourceInfo {
        bits_per_sample,
        bands,
        float,
        stretch: (has_stretch != 0).then_some(StretchRange { low, high }),
    };
    let mut histogram = Box::new([0u64; 256]);
    for count in histogram.iter_mut() {
        *count = f.u64()?;
    }
    let first = first_cached_level(width, height)?;
    let count = level_count(width, height, TILE_SIZE);
    let stored_levels = f.u32()? as usize;
    if stored_levels != count - first {
        return None;
    }
    let mut levels = Vec::with_capacity(stored_levels);
    for k in first..count {
        let (w, h) = level_size(width, height, k);
        if (f.u32()? as usize, f.u32()?, f.u32()?) != (k, w, h) {
            return None;
        }
        let raw = f.take(w as usize * h as usize * 3)?;
        levels.push((k, Arc::new(RgbImage::from_raw(w, h, raw.to_vec())?)));
    }
    if !f.0.is_empty() {
        return None;
    }
    Some(CachedOverview {
        width,
        height,
        info,
        histogram,
        levels,
    })
}

#[cfg(test)]
#[path = "overview_cache_tests.rs"]
mod tests;
