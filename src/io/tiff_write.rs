//! A streaming writer of tiled or striped TIFFs with internal overviews, egui-free.
//!
//! The `tiff` crate writes strips only and wants whole images in memory, but testing and
//! measuring the tile-by-tile reader ([`crate::io::tiff_tiles`]) needs files shaped like an
//! analyst's orthophoto: tiled (or striped), deflate-compressed, with reduced-resolution IFDs as
//! in a Cloud Optimized GeoTIFF, and up to 100 000 px a side (BigTIFF). So this writer takes the
//! full-resolution image a band of rows at a time, writes its chunks as they are ready, builds
//! each overview from the band below it with a 2x2 box filter (the rounding of
//! [`crate::io::pyramid::downsample_2x`]) and keeps only a few bands in memory. Compression runs
//! on all cores.

use super::pyramid::level_count;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// How the pixels are cut into chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChunkLayout {
    /// Square tiles of this side (a multiple of 16, as TIFF requires).
    Tiles(u32),
    /// Full-width strips of this many rows (even, so that overviews halve whole strips).
    Strips(u32),
}

/// How each chunk is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TiffCompression {
    /// Stored as is (compression tag 1).
    None,
    /// Zlib deflate at the given level 0..=9 (compression tag 8, "Adobe deflate").
    Deflate(u32),
}

/// The shape of the file to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TiffSpec {
    /// Full-resolution width in pixels.
    pub width: u32,
    /// Full-resolution height in pixels.
    pub height: u32,
    /// Samples per pixel: 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).
    pub bands: u16,
    /// Bits per sample: 8 or 16 (unsigned, little-endian).
    pub bits: u16,
    /// Tiles or strips.
    pub layout: ChunkLayout,
    /// Chunk compression.
    pub compression: TiffCompression,
    /// Whether to add reduced-resolution IFDs (NewSubfileType = 1), each half the size of the
    /// one before (rounding up), down to the first that fits in one 512 px tile.
    pub overviews: bool,
    /// The finest overview written (1 = half size): a file with only coarse overviews, as some
    /// writers leave, is made with a larger value.
    pub first_overview: usize,
    /// Whether to write a BigTIFF (64-bit offsets), needed past 4 GiB.
    pub bigtiff: bool,
}

impl TiffSpec {
    /// Bytes per pixel in the file.
    pub fn pixel_bytes(&self) -> usize {
        usize::from(self.bands) * usize::from(self.bits / 8)
    }

    /// The uncompressed size of the full-resolution image, for choosing BigTIFF.
    pub fn uncompressed_bytes(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height) * self.pixel_bytes() as u64
    }

    fn check(&self) -> io::Result<()> {
        let bad = |what: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                what.to_string(),
            ))
        };
        if self.width == 0 || self.height == 0 {
            return bad("the image has no pixels");
        }
        if !(1..=4).contains(&self.bands) {
            return bad("bands must be 1 to 4");
        }
        if self.bits != 8 && self.bits != 16 {
            return bad("bits must be 8 or 16");
        }
        match self.layout {
            ChunkLayout::Tiles(t) if t == 0 || t % 16 != 0 => {
                bad("tile side must be a multiple of 16")
            }
            ChunkLayout::Strips(r) if r == 0 || r % 2 != 0 => bad("rows per strip must be even"),
            _ => Ok(()),
        }
    }
}

/// One image (IFD) of the file: its size and where its chunks went.
struct ImageRecord {
    width: u32,
    height: u32,
    offsets: Vec<u64>,
    byte_counts: Vec<u64>,
    /// Rows received but not yet written (fewer than a chunk row).
    pending: Vec<u8>,
    pending_rows: u32,
    /// Rows written so far.
    rows_done: u32,
}

impl ImageRecord {
    fn new(width: u32, height: u32, layout: ChunkLayout) -> ImageRecord {
        let chunks = match layout {
            ChunkLayout::Tiles(t) => width.div_ceil(t) as usize * height.div_ceil(t) as usize,
            ChunkLayout::Strips(r) => height.div_ceil(r) as usize,
        };
        ImageRecord {
            width,
            height,
            offsets: vec![0; chunks],
            byte_counts: vec![0; chunks],
            pending: Vec::new(),
            pending_rows: 0,
            rows_done: 0,
        }
    }
}

/// Writes `spec` to `path`, asking `fill_rows(y0, rows, buffer)` for the full-resolution samples
/// of rows `y0..y0 + rows`, interleaved, little-endian, `rows x width x pixel_bytes` bytes. Rows
/// are asked for in order, in bands of one chunk row (or more). Returns the file's size.
pub fn write_tiff(
    path: &Path,
    spec: &TiffSpec,
    mut fill_rows: impl FnMut(u32, u32, &mut [u8]),
) -> io::Result<u64> {
    spec.check()?;
    let file = File::create(path)?;
    let mut writer = PyramidWriter::new(BufWriter::with_capacity(1 << 20, file), *spec)?;
    let band_rows = match spec.layout {
        ChunkLayout::Tiles(t) => t,
        ChunkLayout::Strips(r) => r * 512u32.div_ceil(r),
    };
    let row_bytes = spec.width as usize * spec.pixel_bytes();
    let mut band = Vec::new();
    let mut y = 0;
    while y < spec.height {
        let rows = band_rows.min(spec.height - y);
        band.clear();
        band.resize(rows as usize * row_bytes, 0);
        fill_rows(y, rows, &mut band);
        writer.push_rows(0, &band, rows)?;
        y += rows;
    }
    let out = writer.finish()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    file.metadata().map(|m| m.len())
}

struct PyramidWriter<W: Write + Seek> {
    out: W,
    position: u64,
    spec: TiffSpec,
    images: Vec<ImageRecord>,
}

impl<W: Write + Seek> PyramidWriter<W> {
    fn new(mut out: W, spec: TiffSpec) -> io::Result<Self> {
        // The header; the first IFD's offset is filled in by `finish`.
        let header: &[u8] = if spec.bigtiff {
            &[b'I', b'I', 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        } else {
            &[b'I', b'I', 42, 0, 0, 0, 0, 0]
        };
        out.write_all(header)?;
        let levels = if spec.overviews {
            level_count(spec.width, spec.height, 512)
        } else {
            1
        };
        let images = (0..levels)
            .map(|k| {
                let (w, h) = super::pyramid::level_size(spec.width, spec.height, k);
                ImageRecord::new(w, h, spec.layout)
            })
            .collect();
        Ok(PyramidWriter {
            out,
            position: header.len() as u64,
            spec,
            images,
        })
    }

    fn chunk_rows(&self) -> u32 {
        match self.spec.layout {
            ChunkLayout::Tiles(t) => t,
            ChunkLayout::Strips(r) => r,
        }
    }

    /// Takes the next `rows` rows of image `level`, writes every complete chunk row and passes
    /// the written rows, halved, to the next level.
    fn push_rows(&mut self, level: usize, data: &[u8], rows: u32) -> io::Result<()> {
        let chunk_rows = self.chunk_rows();
        let record = &mut self.images[level];
        record.pending.extend_from_slice(data);
        record.pending_rows += rows;
        loop {
            let record = &self.images[level];
            let remaining = record.height - record.rows_done;
            let take = if record.pending_rows >= chunk_rows {
                chunk_rows
            } else if record.pending_rows > 0 && record.pending_rows == remaining {
                record.pending_rows
            } else {
                return Ok(());
            };
            let row_bytes = record.width as usize * self.spec.pixel_bytes();
            let rest = self.images[level]
                .pending
                .split_off(take as usize * row_bytes);
            let block = std::mem::replace(&mut self.images[level].pending, rest);
            self.images[level].pending_rows -= take;
            if level == 0 || level >= self.spec.first_overview {
                self.write_chunk_row(level, &block, take)?;
            }
            self.images[level].rows_done += take;
            if level + 1 < self.images.len() {
                let width = self.images[level].width;
                let half = downsample_2x_samples(&block, width, take, &self.spec);
                self.push_rows(level + 1, &half, take.div_ceil(2))?;
            }
        }
    }

    /// Compresses and writes the chunks of one chunk row (`rows` rows starting at the level's
    /// `rows_done`).
    fn write_chunk_row(&mut self, level: usize, block: &[u8], rows: u32) -> io::Result<()> {
        let spec = self.spec;
        let px = spec.pixel_bytes();
        let width = self.images[level].width;
        let row_bytes = width as usize * px;
        let chunk_row = self.images[level].rows_done / self.chunk_rows();
        // Cut the chunks: tiles are padded to full size, strips are as long as they are.
        let cut = |i: u32| -> Vec<u8> {
            match spec.layout {
                ChunkLayout::Strips(_) => block.to_vec(),
                ChunkLayout::Tiles(t) => {
                    let tile_row = t as usize * px;
                    let mut tile = vec![0u8; tile_row * t as usize];
                    let x0 = (i * t) as usize;
                    let cols = (t as usize).min(width as usize - x0);
                    for r in 0..rows as usize {
                        let src = &block[r * row_bytes + x0 * px..r * row_bytes + (x0 + cols) * px];
                        tile[r * tile_row..r * tile_row + cols * px].copy_from_slice(src);
                    }
                    tile
                }
            }
        };
        let (across, first_index) = match spec.layout {
            ChunkLayout::Strips(_) => (1, chunk_row as usize),
            ChunkLayout::Tiles(t) => {
                let across = width.div_ceil(t);
                (across, chunk_row as usize * across as usize)
            }
        };
        let encoded = encode_all(across, |i| compress(&cut(i), spec.compression))?;
        for (i, bytes) in encoded.into_iter().enumerate() {
            let record = &mut self.images[level];
            record.offsets[first_index + i] = self.position;
            record.byte_counts[first_index + i] = bytes.len() as u64;
            self.out.write_all(&bytes)?;
            self.position += bytes.len() as u64;
        }
        Ok(())
    }

    /// Writes every IFD (full resolution first, then the overviews) and links them.
    fn finish(mut self) -> io::Result<W> {
        let mut ifd_offsets = Vec::new();
        let mut next_links = Vec::new();
        for (level, record) in self.images.iter().enumerate() {
            if record.rows_done != record.height {
                return Err(io::Error::other(format!(
                    "level {level} got {} of its {} rows",
                    record.rows_done, record.height
                )));
            }
        }
        for level in 0..self.images.len() {
            if level > 0 && level < self.spec.first_overview {
                continue;
            }
            let (ifd_at, link_at) = self.write_ifd(level)?;
            ifd_offsets.push(ifd_at);
            next_links.push(link_at);
        }
        let big = self.spec.bigtiff;
        let mut patch = |at: u64, value: u64| -> io::Result<()> {
            self.out.seek(SeekFrom::Start(at))?;
            if big {
                self.out.write_all(&value.to_le_bytes())
            } else {
                self.out.write_all(&narrow(value)?.to_le_bytes())
            }
        };
        patch(if big { 8 } else { 4 }, ifd_offsets[0])?;
        for (link, next) in next_links.iter().zip(ifd_offsets.iter().skip(1)) {
            patch(*link, *next)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes one IFD, with its out-of-line values before it. Returns where the IFD starts and
    /// where its next-IFD link is (left 0, patched by `finish`).
    fn write_ifd(&mut self, level: usize) -> io::Result<(u64, u64)> {
        const SHORT: u16 = 3;
        const LONG: u16 = 4;
        const LONG8: u16 = 16;
        let spec = self.spec;
        let big = spec.bigtiff;
        let record = &self.images[level];
        let bands = spec.bands;
        let shorts = |v: u16| vec![u64::from(v); usize::from(bands)];
        let offset_type = if big { LONG8 } else { LONG };
        // (tag, type, values), sorted by tag as TIFF requires.
        let mut entries: Vec<(u16, u16, Vec<u64>)> = vec![
            (254, LONG, vec![u64::from(level > 0)]),
            (256, LONG, vec![u64::from(record.width)]),
            (257, LONG, vec![u64::from(record.height)]),
            (258, SHORT, shorts(spec.bits)),
            (
                259,
                SHORT,
                vec![match spec.compression {
                    TiffCompression::None => 1,
                    TiffCompression::Deflate(_) => 8,
                }],
            ),
            (262, SHORT, vec![if bands >= 3 { 2 } else { 1 }]),
        ];
        match spec.layout {
            ChunkLayout::Strips(rows) => {
                entries.push((273, offset_type, record.offsets.clone()));
                entries.push((277, SHORT, vec![u64::from(bands)]));
                entries.push((278, LONG, vec![u64::from(rows)]));
                entries.push((279, offset_type, record.byte_counts.clone()));
                entries.push((284, SHORT, vec![1]));
            }
            ChunkLayout::Tiles(t) => {
                entries.push((277, SHORT, vec![u64::from(bands)]));
                entries.push((284, SHORT, vec![1]));
                entries.push((322, LONG, vec![u64::from(t)]));
                entries.push((323, LONG, vec![u64::from(t)]));
                entries.push((324, offset_type, record.offsets.clone()));
                entries.push((325, offset_type, record.byte_counts.clone()));
            }
        }
        if bands == 2 || bands == 4 {
            // Unassociated alpha.
            entries.push((338, SHORT, vec![2]));
        }
        entries.push((339, SHORT, shorts(1)));

        let inline = if big { 8 } else { 4 };
        let type_size = |t: u16| {
            if t == SHORT {
                2
            } else if t == LONG {
                4
            } else {
                8
            }
        };
        // Out-of-line values first.
        let mut value_fields = Vec::new();
        for (_, kind, values) in &entries {
            let bytes = encode_values(*kind, values)?;
            if values.len() * type_size(*kind) > inline {
                self.align()?;
                let at = self.position;
                self.out.write_all(&bytes)?;
                self.position += bytes.len() as u64;
                value_fields.push(if big {
                    at.to_le_bytes().to_vec()
                } else {
                    narrow(at)?.to_le_bytes().to_vec()
                });
            } else {
                let mut field = bytes;
                field.resize(inline, 0);
                value_fields.push(field);
            }
        }
        self.align()?;
        let ifd_at = self.position;
        let mut ifd = Vec::new();
        if big {
            ifd.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        } else {
            ifd.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        }
        for ((tag, kind, values), field) in entries.iter().zip(&value_fields) {
            ifd.extend_from_slice(&tag.to_le_bytes());
            ifd.extend_from_slice(&kind.to_le_bytes());
            if big {
                ifd.extend_from_slice(&(values.len() as u64).to_le_bytes());
            } else {
                ifd.extend_from_slice(&narrow(values.len() as u64)?.to_le_bytes());
            }
            ifd.extend_from_slice(field);
        }
        let link_at = ifd_at + ifd.len() as u64;
        ifd.extend_from_slice(&vec![0u8; inline]);
        self.out.write_all(&ifd)?;
        self.position += ifd.len() as u64;
        Ok((ifd_at, link_at))
    }

    /// Pads to an even offset, as TIFF wants for IFDs and values.
    fn align(&mut self) -> io::Result<()> {
        if self.position % 2 == 1 {
            self.out.write_all(&[0])?;
            self.position += 1;
        }
        Ok(())
    }
}

/// A value that must fit a classic TIFF's 32-bit field.
fn narrow(value: u64) -> io::Result<u32> {
    u32::try_from(value)
        .map_err(|_| io::Error::other("the file passes 4 GiB: write it as a BigTIFF (--bigtiff)"))
}

fn encode_values(kind: u16, values: &[u64]) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for v in values {
        match kind {
            3 => bytes.extend_from_slice(&(*v as u16).to_le_bytes()),
            4 => bytes.extend_from_slice(&narrow(*v)?.to_le_bytes()),
            _ => bytes.extend_from_slice(&v.to_le_bytes()),
        }
    }
    Ok(bytes)
}

/// Compresses one chunk.
fn compress(raw: &[u8], compression: TiffCompression) -> io::Result<Vec<u8>> {
    match compression {
        TiffCompression::None => Ok(raw.to_vec()),
        TiffCompression::Deflate(level) => {
            let mut encoder = ZlibEncoder::new(
                Vec::with_capacity(raw.len() / 2),
                Compression::new(level.min(9)),
            );
            encoder.write_all(raw)?;
            encoder.finish()
        }
    }
}

/// Runs `encode(i)` for `i` in `0..count` on all cores; results in order.
fn encode_all(
    count: u32,
    encode: impl Fn(u32) -> io::Result<Vec<u8>> + Sync,
) -> io::Result<Vec<Vec<u8>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 16);
    parallel_map(count, threads, encode)
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(io::Error::other("a compression thread failed"))))
        .collect()
}

/// `make(i)` for every `i` in `0..count` on up to `threads` threads (this one included when
/// there is one), results in order; `None` where a thread died before giving its result.
pub(crate) fn parallel_map<T: Send>(
    count: u32,
    threads: usize,
    make: impl Fn(u32) -> T + Sync,
) -> Vec<Option<T>> {
    if threads <= 1 || count <= 1 {
        return (0..count).map(|i| Some(make(i))).collect();
    }
    let next = Mutex::new(0u32);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(count as usize) {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                        let i = *n;
                        *n += 1;
                        i
                    };
                    if i >= count {
                        break;
                    }
                    let done = make(i);
                    results.lock().unwrap_or_else(|e| e.into_inner())[i as usize] = Some(done);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Halves a block of interleaved samples (8-bit or 16-bit little-endian) with a 2x2 box filter,
/// rounding as [`crate::io::pyramid::downsample_2x`] does: odd last columns and rows average
/// the pixels that exist.
pub fn downsample_2x_samples(block: &[u8], width: u32, rows: u32, spec: &TiffSpec) -> Vec<u8> {
    if spec.bits == 8 && spec.bands == 3 {
        // The common case, on the pyramid's fast path.
        if let Some(rgb) = image::RgbImage::from_raw(width, rows, block.to_vec()) {
            return super::pyramid::downsample_2x(&rgb).into_raw();
        }
    }
    let bands = usize::from(spec.bands);
    let wide = spec.bits == 16;
    let sample_bytes = if wide { 2 } else { 1 };
    let (w, h) = (width as usize, rows as usize);
    let (dw, dh) = (w.div_ceil(2), h.div_ceil(2));
    let get = |x: usize, y: usize, b: usize| -> u32 {
        let at = ((y * w + x) * bands + b) * sample_bytes;
        if wide {
            u32::from(u16::from_le_bytes([block[at], block[at + 1]]))
        } else {
            u32::from(block[at])
        }
    };
    let mut out = vec![0u8; dw * dh * bands * sample_bytes];
    for dy in 0..dh {
        let ys: &[usize] = if 2 * dy + 1 < h {
            &[2 * dy, 2 * dy + 1]
        } else {
            &[2 * dy]
        };
        for dx in 0..dw {
            let xs: &[usize] = if 2 * dx + 1 < w {
                &[2 * dx, 2 * dx + 1]
            } else {
                &[2 * dx]
            };
            let n = (ys.len() * xs.len()) as u32;
            for b in 0..bands {
                let mut sum = 0;
                for &y in ys {
                    for &x in xs {
                        sum += get(x, y, b);
                    }
                }
                let v = (sum + n / 2) / n;
                let at = ((dy * dw + dx) * bands + b) * sample_bytes;
                if wide {
                    out[at..at + 2].copy_from_slice(&(v as u16).to_le_bytes());
                } else {
                    out[at] = v as u8;
                }
            }
        }
    }
    out
}
