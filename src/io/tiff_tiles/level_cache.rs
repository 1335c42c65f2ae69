//! Pyramid levels built from a large TIFF and kept on disk, so that a file without internal
//! overviews is read in full once, not at every open.
//!
//! One file per built level, `<key>-L<level>.tiles` in the cache folder
//! (`$XDG_CACHE_HOME/sitediff/levels/` or `~/.cache/sitediff/levels/`). The key hashes the
//! source file's size, modification time, its first and last MiB and the display stretch, so a
//! changed source never meets a stale level. A level file is a header, an index of its tiles and
//! the tiles as deflated RGB8, written to a temporary name and renamed when complete; any file
//! may be deleted at any time (the level is rebuilt at the next open). The folder is kept under a
//! size bound, oldest files removed first.

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use image::RgbImage;
use std::fs::File;
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The bytes every level file starts with; the digit is the format version.
const MAGIC: &[u8; 8] = b"SDLEVEL1";

/// Bytes of the header after the magic: width, height, tile side, tile count (u32 each).
const HEADER_BYTES: u64 = 8 + 16;

/// Bytes per index entry: offset (u64) and length (u32) of a tile's deflated pixels.
const INDEX_ENTRY_BYTES: u64 = 12;

/// The cache folder of the user: `$XDG_CACHE_HOME/sitediff/levels` or `~/.cache/...`, else a
/// folder under the system's temporary directory.
pub(super) fn default_cache_dir() -> PathBuf {
    crate::io::user_cache_folder("levels")
        .unwrap_or_else(|| std::env::temp_dir().join("sitediff").join("levels"))
}

/// A key naming the levels of one version of one source file under one display stretch.
pub(super) fn source_key(path: &Path, display_tag: &str) -> io::Result<String> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    let mut hasher = DefaultHasher::new();
    hasher.write_u64(meta.len());
    if let Ok(modified) = meta.modified()
        && let Ok(since) = modified.duration_since(std::time::UNIX_EPOCH)
    {
        hasher.write_u128(since.as_nanos());
    }
    hasher.write(display_tag.as_bytes());
    let mib = 1u64 << 20;
    let mut buf = vec![0u8; mib as usize];
    let n = read_up_to(&mut file, &mut buf)?;
    hasher.write(&buf[..n]);
    if meta.len() > mib {
        file.seek(SeekFrom::Start(meta.len() - mib))?;
        let n = read_up_to(&mut file, &mut buf)?;
        hasher.write(&buf[..n]);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The path of level `level`'s file for `key`.
pub(super) fn level_path(dir: &Path, key: &str, level: usize) -> PathBuf {
    dir.join(format!("{key}-L{level}.tiles"))
}

/// A built level on disk, open for reading tiles.
#[derive(Debug)]
pub(super) struct LevelFile {
    pub width: u32,
    pub height: u32,
    tile: u32,
    index: Vec<(u64, u32)>,
    file: Mutex<File>,
    path: PathBuf,
}

impl LevelFile {
    /// Opens a level file, checking its header and index against the expected size. `Ok(None)`
    /// when it does not exist or does not match (then it is rebuilt).
    pub fn open(path: &Path, width: u32, height: u32, tile: u32) -> io::Result<Option<LevelFile>> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        let mut header = [0u8; HEADER_BYTES as usize];
        if len < HEADER_BYTES || file.read_exact(&mut header).is_err() || &header[..8] != MAGIC {
            return Ok(None);
        }
        let word =
            |i: usize| u32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
        let count = u64::from(width.div_ceil(tile)) * u64::from(height.div_ceil(tile));
        if (word(8), word(12), word(16), u64::from(word(20))) != (width, height, tile, count)
            || len < HEADER_BYTES + count * INDEX_ENTRY_BYTES
        {
            return Ok(None);
        }
        let mut raw = vec![0u8; (count * INDEX_ENTRY_BYTES) as usize];
        file.read_exact(&mut raw)?;
        let index: Vec<(u64, u32)> = raw
            .chunks_exact(INDEX_ENTRY_BYTES as usize)
            .map(|e| {
                let mut off = [0u8; 8];
                off.copy_from_slice(&e[..8]);
                (
                    u64::from_le_bytes(off),
                    u32::from_le_bytes([e[8], e[9], e[10], e[11]]),
                )
            })
            .collect();
        if index
            .iter()
            .any(|(off, n)| off.saturating_add(u64::from(*n)) > len)
        {
            return Ok(None);
        }
        // Opening counts as use: the size bound removes the least recently used first.
        let _ = file.set_modified(std::time::SystemTime::now());
        Ok(Some(LevelFile {
            width,
            height,
            tile,
            index,
            file: Mutex::new(file),
            path: path.to_path_buf(),
        }))
    }

    /// Tile (tx, ty) as RGB8, edge tiles clipped. The file lock is held only while reading
    /// the compressed bytes.
    pub fn read_tile(&self, tx: u32, ty: u32) -> Result<RgbImage, String> {
        let across = self.width.div_ceil(self.tile);
        let down = self.height.div_ceil(self.tile);
        if tx >= across || ty >= down {
            return Err(format!("tile ({tx}, {ty}) is outside the level"));
        }
        let (offset, len) = self.index[(ty * across + tx) as usize];
        let mut compressed = vec![0u8; len as usize];
        {
            let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(offset))
                .and_then(|_| file.read_exact(&mut compressed))
                .map_err(|e| format!("cannot read the level cache {}: {e}", self.path.display()))?;
        }
        let tw = self.tile.min(self.width - tx * self.tile);
        let th = self.tile.min(self.height - ty * self.tile);
        let want = tw as usize * th as usize * 3;
        let mut raw = Vec::with_capacity(want);
        ZlibDecoder::new(&compressed[..])
            .take(want as u64 + 1)
            .read_to_end(&mut raw)
            .map_err(|e| format!("the level cache {} is damaged: {e}", self.path.display()))?;
        if raw.len() != want {
            return Err(format!(
                "the level cache {} is damaged (tile size)",
                self.path.display()
            ));
        }
        RgbImage::from_raw(tw, th, raw)
            .ok_or_else(|| format!("the level cache {} is damaged", self.path.display()))
    }
}

/// Writes a level file tile by tile (row-major order), then renames it into place.
pub(super) struct LevelWriter {
    out: BufWriter<File>,
    temp: PathBuf,
    path: PathBuf,
    index: Vec<(u64, u32)>,
    position: u64,
}

impl LevelWriter {
    /// Starts the level file `path` for a `width` x `height` level cut in `tile` tiles.
    pub fn create(path: &Path, width: u32, height: u32, tile: u32) -> io::Result<LevelWriter> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        let mut out = BufWriter::new(File::create(&temp)?);
        let count = width.div_ceil(tile) * height.div_ceil(tile);
        out.write_all(MAGIC)?;
        for v in [width, height, tile, count] {
            out.write_all(&v.to_le_bytes())?;
        }
        // The index is written at the end, over these zeros.
        let index_bytes = u64::from(count) * INDEX_ENTRY_BYTES;
        io::copy(&mut io::repeat(0).take(index_bytes), &mut out)?;
        Ok(LevelWriter {
            out,
            temp,
            path: path.to_path_buf(),
            index: Vec::with_capacity(count as usize),
            position: HEADER_BYTES + index_bytes,
        })
    }

    /// Deflates one tile (fast level: the cache is for speed).
    pub fn compress(tile: &RgbImage) -> io::Result<Vec<u8>> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(tile.as_raw())?;
        encoder.finish()
    }

    /// Appends the next tile, already compressed by [`Self::compress`].
    pub fn push(&mut self, compressed: &[u8]) -> io::Result<()> {
        self.out.write_all(compressed)?;
        let len = u32::try_from(compressed.len()).map_err(io::Error::other)?;
        self.index.push((self.position, len));
        self.position += compressed.len() as u64;
        Ok(())
    }

    /// Writes the index, syncs and renames the file into place.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.seek(SeekFrom::Start(HEADER_BYTES))?;
        for (offset, len) in &self.index {
            self.out.write_all(&offset.to_le_bytes())?;
            self.out.write_all(&len.to_le_bytes())?;
        }
        self.out.flush()?;
        self.out.get_ref().sync_all()?;
        std::fs::rename(&self.temp, &self.path)?;
        Ok(self.path.clone())
    }
}

impl Drop for LevelWriter {
    fn drop(&mut self) {
        // An unfinished level leaves nothing behind (after `finish` the name is gone already).
        let _ = std::fs::remove_file(&self.temp);
    }
}

/// Removes the least recently used level files until the folder holds at most `limit` bytes,
/// never touching `keep`.
pub(super) fn enforce_bound(dir: &Path, limit: u64, keep: &[PathBuf]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "tiles"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort();
    for (_, len, path) in files {
        if total <= limit {
            break;
        }
        if keep.contains(&path) {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(len);
        }
    }
}
