//! A JPEG at one eighth of its size, from the DC coefficients alone, egui-free.
//!
//! The first view of a 16 000 px scene should not wait for the full decode (about two seconds).
//! Each 8 x 8 block of a JPEG stores its average (the DC coefficient) apart from its detail (the
//! AC coefficients), so one pixel per block, which is exactly pyramid level 3, needs no inverse
//! transform: only the Huffman-coded stream read through, with the AC coefficients skipped
//! rather than decoded. That is several times faster than a full decode, and faster than a
//! general scaled decoder (`jpeg-decoder` at 1/8 still decodes every coefficient).
//!
//! Covers what cameras and imagery tools write: baseline and extended sequential Huffman JPEGs
//! (SOF0, SOF1) of 8-bit samples, gray or three-component (YCbCr, or RGB when the Adobe marker
//! says so), any sampling factors, interleaved or one scan per component, restart markers.
//! Anything else (progressive, arithmetic coding, 12-bit, CMYK) is [`DcError::Unsupported`] and
//! the caller falls back to another decoder. Damaged data is [`DcError::Corrupt`]; no input
//! panics, and the only allocations are the output, one byte per block and component, which
//! the frame header's size bounds (checked against [`MAX_SIDE`] first), and two buffers of
//! bounded size (the file's window and its unstuffed bytes).

use super::image_decode::MAX_SIDE;
use image::RgbImage;
use std::io::Read;

/// Why the DC-only decode did not produce an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DcError {
    /// A valid JPEG this decoder does not cover (progressive, 12-bit, CMYK, ...): use another.
    #[error("unsupported JPEG variant: {0}")]
    Unsupported(String),
    /// The data is damaged or cut short.
    #[error("damaged JPEG data: {0}")]
    Corrupt(String),
    /// The file could not be read.
    #[error("{0}")]
    Read(String),
}

fn corrupt(message: &str) -> DcError {
    DcError::Corrupt(message.to_string())
}

/// Bits looked up at once in the Huffman tables; longer codes take the slow path.
const LOOKUP_BITS: u32 = 10;

/// Bits looked up at once to skip several AC coefficients (codes and their extra bits) in one
/// step; 4096 entries of two bytes stay in the first-level cache.
const SKIP_BITS: u32 = 12;

/// In a [`Huffman::multi`] entry: the bits its symbols take (0 when not even one fits).
const MULTI_BITS_MASK: u16 = 0xF;
/// In a [`Huffman::multi`] entry: its last symbol is the end of the block.
const MULTI_END_OF_BLOCK: u16 = 1 << 12;

/// One Huffman table, with a direct lookup for short codes and the canonical-code bounds for
/// the rest (ITU T.81 F.2.2.3).
#[derive(Clone)]
struct Huffman {
    /// Indexed by the next [`LOOKUP_BITS`] bits: `(length << 8) | symbol`, 0 when the code is
    /// longer.
    lookup: Vec<u16>,
    /// For AC tables, indexed by the next [`SKIP_BITS`] bits: as many whole coefficients
    /// (code and extra bits) as fit, stopping after an end of block: the bits they take
    /// ([`MULTI_BITS_MASK`]), the coefficients they advance before any end of block (bits 4 to
    /// 11) and whether they end the block ([`MULTI_END_OF_BLOCK`]).
    multi: Box<[u16; 1 << SKIP_BITS]>,
    /// For DC tables, indexed by the next [`SKIP_BITS`] bits: the code and its extra bits
    /// together, when both fit: `(total bits << 16) | difference as u16`; 0 otherwise.
    dc_fast: Box<[u32; 1 << SKIP_BITS]>,
    /// Largest code of each length (1..=16), -1 when there is none.
    max_code: [i32; 17],
    /// Added to a code of each length to find its symbol's index in `symbols`.
    offset: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    fn new(counts: &[u8; 16], symbols: &[u8]) -> Result<Huffman, DcError> {
        let mut lookup = vec![0u16; 1 << LOOKUP_BITS];
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut code: u32 = 0;
        let mut index = 0usize;
        for length in 1..=16u32 {
            let count = usize::from(counts[length as usize - 1]);
            if count > 0 {
                offset[length as usize] = index as i32 - code as i32;
                for &symbol in symbols
                    .get(index..index + count)
                    .ok_or_else(|| corrupt("a Huffman table lists more codes than symbols"))?
                {
                    if code >= 1 << length {
                        return Err(corrupt("a Huffman table has too many codes"));
                    }
                    if length <= LOOKUP_BITS {
                        let shift = LOOKUP_BITS - length;
                        let first = (code << shift) as usize;
                        let entry = ((length as u16) << 8) | u16::from(symbol);
                        lookup[first..first + (1 << shift)].fill(entry);
                    }
                    code += 1;
                }
                index += count;
                max_code[length as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        let mut table = Huffman {
            lookup,
            multi: Box::new([0; 1 << SKIP_BITS]),
            dc_fast: Box::new([0; 1 << SKIP_BITS]),
            max_code,
            offset,
            symbols: symbols.to_vec(),
        };
        for bits in 0..1u32 << SKIP_BITS {
            table.multi[bits as usize] = table.multi_entry(bits);
            table.dc_fast[bits as usize] = table.dc_entry(bits);
        }
        Ok(table)
    }

    /// The symbol whose code starts `bits` (`available` of them, most significant first) and
    /// its code length, when the whole code is among them.
    fn decode_prefix(&self, bits: u32, available: u32) -> Option<(u32, u8)> {
        (1..=available.min(16)).find_map(|length| {
            let code = (bits >> (available - length)) as i32;
            (code <= self.max_code[length as usize]).then(|| {
                let index = (code + self.offset[length as usize]) as usize;
                self.symbols.get(index).map(|&symbol| (length, symbol))
            })?
        })
    }

    /// The [`Huffman::dc_fast`] entry for the next [`SKIP_BITS`] bits `bits`, read as a DC
    /// difference.
    fn dc_entry(&self, bits: u32) -> u32 {
        let Some((length, size)) = self.decode_prefix(bits, SKIP_BITS) else {
            return 0;
        };
        let size = u32::from(size);
        if size > 11 || length + size > SKIP_BITS {
            return 0;
        }
        let extra = (bits >> (SKIP_BITS - length - size)) & ((1 << size) - 1);
        let difference = extend(extra, size);
        ((length + size) << 16) | u32::from(difference as i16 as u16)
    }

    /// The [`Huffman::multi`] entry for the next [`SKIP_BITS`] bits `bits`, read as AC
    /// coefficients.
    fn multi_entry(&self, bits: u32) -> u16 {
        let (mut used, mut advance, mut end) = (0u32, 0u32, false);
        while !end {
            let left = SKIP_BITS - used;
            let rest = bits & ((1 << left) - 1);
            let Some((length, symbol)) = self.decode_prefix(rest, left) else {
                break;
            };
            let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 15));
            if length + size > left {
                break;
            }
            used += length + size;
            match (run, size) {
                (0, 0) => end = true,
                (15, 0) => advance += 16,
                (run, _) => advance += run + 1,
            }
        }
        // At most SKIP_BITS symbols of at most 16 coefficients each: fits in 8 bits.
        used as u16 | ((advance.min(255) as u16) << 4) | if end { MULTI_END_OF_BLOCK } else { 0 }
    }
}

/// How much of the file is held at once: the JPEG is read through a window that slides over
/// it, never whole (reading a 40 MB file into fresh memory cost tens of milliseconds of page
/// faults before the first picture, and as much memory).
const WINDOW: usize = 1 << 20;

/// The JPEG's bytes, read from `reader` through a sliding window of about [`WINDOW`] bytes.
struct Source<R> {
    reader: R,
    /// Bytes read at a time (at least; a marker segment is always held whole).
    window: usize,
    buffer: Vec<u8>,
    /// The next byte to read, in `buffer`.
    pos: usize,
    /// The reader has nothing more (or failed: then `error` says why).
    end: bool,
    error: Option<String>,
}

impl<R: Read> Source<R> {
    fn new(reader: R, window: usize) -> Self {
        Source {
            reader,
            window,
            buffer: Vec::with_capacity(window),
            pos: 0,
            end: false,
            error: None,
        }
    }

    /// Makes the next `n` bytes available when the file has them; returns how many are.
    #[inline]
    fn available(&mut self, n: usize) -> usize {
        let have = self.buffer.len() - self.pos;
        if have >= n || self.end {
            return have;
        }
        self.refill(n)
    }

    #[cold]
    fn refill(&mut self, n: usize) -> usize {
        let have = self.buffer.len() - self.pos;
        self.buffer.copy_within(self.pos.., 0);
        self.buffer.truncate(have);
        self.pos = 0;
        let want = self.window.max(n) - have;
        match (&mut self.reader)
            .take(want as u64)
            .read_to_end(&mut self.buffer)
        {
            Ok(got) if got < want => self.end = true,
            Ok(_) => {}
            Err(error) => {
                self.error = Some(error.to_string());
                self.end = true;
            }
        }
        self.buffer.len()
    }

    /// The byte `offset` bytes ahead, when the file has it.
    #[inline]
    fn peek(&mut self, offset: usize) -> Option<u8> {
        self.available(offset + 1);
        self.buffer.get(self.pos + offset).copied()
    }

    /// The next `n` bytes, when the file has them (`n` at most 64 KiB).
    fn slice(&mut self, n: usize) -> Option<&[u8]> {
        self.available(n);
        self.buffer.get(self.pos..self.pos + n)
    }
}

/// The most bytes one block can take (63 coefficients of at most 16 code bits and 15 extra
/// bits, and the DC), rounded up: with this many clean bytes ahead, a whole block is read
/// without checking for the end of the data.
const MARGIN: usize = 512;

/// Clean bytes unstuffed at a time, at most.
const CLEAN_CHUNK: usize = 1 << 16;

/// The entropy-coded data of a scan (or of a restart interval) with the stuffed zero after
/// each 0xFF removed, so that the hot loop reads plain bytes; once the marker that ends the data
/// is reached, zeros follow (as decoders feed), and how many were read is known from
/// [`Clean::real`], so that data cut short is noticed.
struct Clean {
    bytes: Vec<u8>,
    /// The first `real` bytes are data; the rest are zeros fed after the marker.
    real: usize,
    /// The source stands at the marker (or the end of the file) that ends the data.
    at_marker: bool,
}

impl Clean {
    fn new() -> Self {
        Clean {
            bytes: Vec::with_capacity(CLEAN_CHUNK + 2 * MARGIN),
            real: 0,
            at_marker: false,
        }
    }

    /// Makes at least [`MARGIN`] bytes available after `pos`, unstuffing more of `source`
    /// (or feeding zeros past the marker); returns where `pos` now is.
    #[cold]
    #[inline(never)]
    fn fill<R: Read>(&mut self, source: &mut Source<R>, pos: usize) -> usize {
        let mut pos = pos;
        if !self.at_marker {
            // Drop what was read.
            self.bytes.copy_within(pos.., 0);
            self.bytes.truncate(self.bytes.len() - pos);
            pos = 0;
            self.unstuff(source, CLEAN_CHUNK);
            self.real = self.bytes.len();
        }
        if self.at_marker && self.bytes.len() < pos + MARGIN {
            self.bytes.resize(pos + MARGIN, 0);
        }
        pos
    }

    /// Appends the data of `source` unstuffed until the buffer holds `target` bytes or the
    /// marker that ends the data is reached.
    fn unstuff<R: Read>(&mut self, source: &mut Source<R>, target: usize) {
        while self.bytes.len() < target {
            let have = source.available(2);
            if have == 0 {
                self.at_marker = true;
                return;
            }
            let want = (target - self.bytes.len()).min(have);
            let window = &source.buffer[source.pos..source.pos + want];
            match memchr::memchr(0xFF, window) {
                None => {
                    self.bytes.extend_from_slice(window);
                    source.pos += want;
                }
                Some(at) => {
                    self.bytes.extend_from_slice(&window[..at]);
                    source.pos += at;
                    match source.peek(1) {
                        Some(0x00) => {
                            self.bytes.push(0xFF);
                            source.pos += 2;
                        }
                        // Fill bytes before a marker.
                        Some(0xFF) => source.pos += 1,
                        _ => {
                            self.at_marker = true;
                            return;
                        }
                    }
                }
            }
        }
    }

    /// Goes on to the marker that ends the data (what is left is padding, or data this decoder
    /// does not need) and forgets the bytes held.
    fn skip_to_marker<R: Read>(&mut self, source: &mut Source<R>) {
        while !self.at_marker {
            self.bytes.clear();
            self.unstuff(source, CLEAN_CHUNK);
        }
        self.bytes.clear();
        self.real = 0;
    }
}

/// The bit reader's state, kept apart from the buffers so that it stays in registers: the
/// next bits, most significant first (`count` of them are valid, and the bits below them are
/// zero or the following data), and the next byte to read in [`Clean::bytes`].
#[derive(Default)]
struct Bits {
    buffer: u64,
    count: u32,
    pos: usize,
}

impl Bits {
    /// Tops the buffer up to at least 56 bits. Needs 8 bytes from `pos` (the margin).
    #[inline(always)]
    fn refill(&mut self, data: &[u8]) {
        if let Some(chunk) = data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
            ]);
            // Branch-free (F. Giesen's "variant 4"): OR-ing the word in below the valid bits
            // is exact for the whole bytes counted; the part of a byte that does not fit is
            // read again next time.
            self.buffer |= word >> self.count;
            self.pos += ((63 - self.count) >> 3) as usize;
            self.count |= 56;
        }
    }

    #[inline(always)]
    fn consume(&mut self, n: u32) {
        self.buffer <<= n;
        self.count -= n;
    }

    /// The next `n` bits (1..=16) as a number, consumed. Needs a refill beforehand.
    #[inline(always)]
    fn take(&mut self, n: u32) -> u32 {
        let value = (self.buffer >> (64 - n)) as u32;
        self.consume(n);
        value
    }

    /// One Huffman symbol. Needs at least 16 bits in the buffer.
    #[inline(always)]
    fn symbol(&mut self, table: &Huffman) -> Result<u8, DcError> {
        let entry = table.lookup[(self.buffer >> (64 - LOOKUP_BITS)) as usize];
        let (length, symbol) = if entry != 0 {
            (u32::from(entry >> 8), entry as u8)
        } else {
            long_symbol(self.buffer, table)?
        };
        self.consume(length);
        Ok(symbol)
    }

    /// Makes sure the data did not run out: bits read past the marker that ends it were
    /// invented (a few are normal: the last byte's padding and the buffer's read-ahead).
    #[inline(always)]
    fn check_not_cut(&self, clean: &Clean) -> Result<(), DcError> {
        let invented = self.pos.saturating_sub(clean.real) as u64 * 8;
        if invented > u64::from(self.count) + 64 {
            Err(corrupt("the coded data ends early (truncated?)"))
        } else {
            Ok(())
        }
    }
}

/// The code length and symbol of a code longer than [`LOOKUP_BITS`] at the top of `buffer`
/// (kept out of line and away from the bit reader, which then stays in registers).
#[inline(never)]
fn long_symbol(buffer: u64, table: &Huffman) -> Result<(u32, u8), DcError> {
    table
        .decode_prefix((buffer >> 48) as u32, 16)
        .ok_or_else(|| corrupt("an invalid Huffman code"))
}

/// After a restart interval: steps over the RSTn marker; the bit reader starts afresh.
fn restart<R: Read>(clean: &mut Clean, source: &mut Source<R>) -> Result<Bits, DcError> {
    clean.skip_to_marker(source);
    while source.peek(0) == Some(0xFF) && source.peek(1) == Some(0xFF) {
        source.pos += 1;
    }
    match (source.peek(0), source.peek(1)) {
        (Some(0xFF), Some(0xD0..=0xD7)) => {
            source.pos += 2;
            clean.at_marker = false;
            Ok(Bits::default())
        }
        _ => Err(corrupt("a restart marker is missing")),
    }
}

/// Sign-extends a `size`-bit JPEG magnitude (ITU T.81 F.2.2.1, EXTEND).
#[inline(always)]
fn extend(value: u32, size: u32) -> i32 {
    if size == 0 {
        0
    } else if value < 1 << (size - 1) {
        value as i32 - (1 << size) + 1
    } else {
        value as i32
    }
}

/// One component of the frame.
struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
    /// One sample per block, over the padded grid of whole MCUs.
    dc: Vec<u8>,
    /// Blocks per row of `dc`.
    stride: usize,
}

/// What the frame header says.
struct Frame {
    width: usize,
    height: usize,
    components: Vec<Component>,
    h_max: usize,
    v_max: usize,
    mcus_x: usize,
    mcus_y: usize,
}

/// Decodes the JPEG in `data` at one eighth of its size in each direction: `ceil(width / 8)` x
/// `ceil(height / 8)` pixels, each the average of its 8 x 8 block (chroma repeated over the
/// blocks it covers). See the module docs for what it covers.
pub fn decode_dc(data: &[u8]) -> Result<RgbImage, DcError> {
    decode_dc_from(data)
}

/// [`decode_dc`] of the JPEG `reader` reads (a file, say), through a window of about a
/// megabyte: the file is never held whole. A read error is [`DcError::Read`].
pub fn decode_dc_from(reader: impl Read) -> Result<RgbImage, DcError> {
    decode_dc_through(reader, WINDOW)
}

/// [`decode_dc_from`] with a window of `window` bytes.
fn decode_dc_through(reader: impl Read, window: usize) -> Result<RgbImage, DcError> {
    let mut source = Source::new(reader, window.max(1));
    let decoded = decode_source(&mut source);
    match source.error.take() {
        Some(error) => Err(DcError::Read(error)),
        None => decoded,
    }
}

fn decode_source<R: Read>(source: &mut Source<R>) -> Result<RgbImage, DcError> {
    if source.slice(2) != Some(&[0xFF, 0xD8]) {
        return Err(corrupt("not a JPEG (no start-of-image marker)"));
    }
    source.pos += 2;
    let mut quant = [[0u16; 64]; 4];
    let mut dc_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut ac_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0usize;
    let mut adobe_rgb = false;
    let mut scans = 0usize;
    loop {
        // Find the next marker (tolerating stray bytes and fill bytes).
        while source.peek(0).is_some_and(|b| b != 0xFF) {
            source.pos += 1;
        }
        while source.peek(0) == Some(0xFF) {
            source.pos += 1;
        }
        let Some(marker) = source.peek(0) else {
            return match (frame, scans) {
                (Some(frame), 1..) => Ok(to_rgb(&frame, adobe_rgb)),
                _ => Err(corrupt("the file ends before its image data")),
            };
        };
        source.pos += 1;
        match marker {
            0xD9 => {
                return match (frame, scans) {
                    (Some(frame), 1..) => Ok(to_rgb(&frame, adobe_rgb)),
                    _ => Err(corrupt("the image ends before its image data")),
                };
            }
            0x01 | 0xD0..=0xD8 => continue,
            _ => {}
        }
        let length = match source.slice(2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err(corrupt("a marker segment is cut short")),
        };
        let segment = source
            .slice(length.max(2))
            .ok_or_else(|| corrupt("a marker segment is cut short"))?[2..]
            .to_vec();
        source.pos += length.max(2);
        match marker {
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return Err(corrupt("two frame headers"));
                }
                frame = Some(parse_frame(&segment)?);
            }
            0xC2 => return Err(DcError::Unsupported("progressive".into())),
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(DcError::Unsupported(format!(
                    "coding process SOF{}",
                    marker - 0xC0
                )));
            }
            0xC4 => parse_huffman(&segment, &mut dc_tables, &mut ac_tables)?,
            0xDB => parse_quant(&segment, &mut quant)?,
            0xDD => {
                restart_interval = match segment.as_slice() {
                    &[high, low, ..] => usize::from(u16::from_be_bytes([high, low])),
                    _ => return Err(corrupt("a restart interval segment is cut short")),
                }
            }
            0xEE if segment.starts_with(b"Adobe") => {
                // Transform 0 on three components: stored as RGB, not YCbCr.
                adobe_rgb = segment.get(11) == Some(&0);
            }
            0xDA => {
                let frame = frame
                    .as_mut()
                    .ok_or_else(|| corrupt("image data before the frame header"))?;
                decode_scan(
                    source,
                    &segment,
                    frame,
                    &quant,
                    &dc_tables,
                    &ac_tables,
                    restart_interval,
                )?;
                scans += 1;
            }
            _ => {}
        }
    }
}

fn parse_frame(segment: &[u8]) -> Result<Frame, DcError> {
    let &[precision, h1, h0, w1, w0, count, ref rest @ ..] = segment else {
        return Err(corrupt("the frame header is cut short"));
    };
    if precision != 8 {
        return Err(DcError::Unsupported(format!("{precision}-bit samples")));
    }
    let height = usize::from(u16::from_be_bytes([h1, h0]));
    let width = usize::from(u16::from_be_bytes([w1, w0]));
    if height == 0 {
        return Err(DcError::Unsupported(
            "the height is given after the data (DNL)".into(),
        ));
    }
    if width == 0 {
        return Err(corrupt("the frame has no width"));
    }
    if width > MAX_SIDE as usize || height > MAX_SIDE as usize {
        return Err(corrupt("the frame is larger than sitediff opens"));
    }
    if !matches!(count, 1 | 3) {
        return Err(DcError::Unsupported(format!("{count} components")));
    }
    let specs = rest
        .get(..usize::from(count) * 3)
        .ok_or_else(|| corrupt("the frame header is cut short"))?;
    let mut components = Vec::new();
    for spec in specs.chunks_exact(3) {
        let (h, v) = (usize::from(spec[1] >> 4), usize::from(spec[1] & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || spec[2] > 3 {
            return Err(corrupt("a component has invalid sampling factors or table"));
        }
        components.push(Component {
            id: spec[0],
            h,
            v,
            quant: usize::from(spec[2]),
            dc: Vec::new(),
            stride: 0,
        });
    }
    let h_max = components.iter().map(|c| c.h).max().unwrap_or(1);
    let v_max = components.iter().map(|c| c.v).max().unwrap_or(1);
    let mcus_x = width.div_ceil(8 * h_max);
    let mcus_y = height.div_ceil(8 * v_max);
    for c in &mut components {
        c.stride = mcus_x * c.h;
        c.dc = vec![128; c.stride * mcus_y * c.v];
    }
    Ok(Frame {
        width,
        height,
        components,
        h_max,
        v_max,
        mcus_x,
        mcus_y,
    })
}

fn parse_huffman(
    mut segment: &[u8],
    dc_tables: &mut [Option<Huffman>; 4],
    ac_tables: &mut [Option<Huffman>; 4],
) -> Result<(), DcError> {
    while let Some((&class_id, rest)) = segment.split_first() {
        let counts: [u8; 16] = rest
            .get(..16)
            .and_then(|c| c.try_into().ok())
            .ok_or_else(|| corrupt("a Huffman table is cut short"))?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 {
            return Err(corrupt("a Huffman table has more than 256 symbols"));
        }
        let symbols = rest
            .get(16..16 + total)
            .ok_or_else(|| corrupt("a Huffman table is cut short"))?;
        let table = Huffman::new(&counts, symbols)?;
        let id = usize::from(class_id & 15);
        let slot = match class_id >> 4 {
            0 => dc_tables.get_mut(id),
            1 => ac_tables.get_mut(id),
            _ => None,
        }
        .ok_or_else(|| corrupt("a Huffman table has an invalid class or id"))?;
        *slot = Some(table);
        segment = &rest[16 + total..];
    }
    Ok(())
}

fn parse_quant(mut segment: &[u8], quant: &mut [[u16; 64]; 4]) -> Result<(), DcError> {
    while let Some((&precision_id, rest)) = segment.split_first() {
        let id = usize::from(precision_id & 15);
        let wide = precision_id >> 4 == 1;
        let size = if wide { 128 } else { 64 };
        let values = rest
            .get(..size)
            .ok_or_else(|| corrupt("a quantization table is cut short"))?;
        let table = quant
            .get_mut(id)
            .ok_or_else(|| corrupt("a quantization table has an invalid id"))?;
        // Only the first value (the DC step, first in zigzag order too) is used.
        table[0] = if wide {
            u16::from_be_bytes([values[0], values[1]])
        } else {
            u16::from(values[0])
        };
        segment = &rest[size..];
    }
    Ok(())
}

/// One component's part in a scan.
struct ScanPart<'t> {
    component: usize,
    dc: &'t Huffman,
    ac: &'t Huffman,
    quant: i32,
    predictor: i32,
}

/// Decodes one scan's DC values into the frame, leaving `source` just before the marker that
/// ends the scan.
fn decode_scan<R: Read>(
    source: &mut Source<R>,
    header: &[u8],
    frame: &mut Frame,
    quant: &[[u16; 64]; 4],
    dc_tables: &[Option<Huffman>; 4],
    ac_tables: &[Option<Huffman>; 4],
    restart_interval: usize,
) -> Result<(), DcError> {
    let (&count, rest) = header
        .split_first()
        .ok_or_else(|| corrupt("a scan header is cut short"))?;
    let specs = rest
        .get(..usize::from(count) * 2)
        .ok_or_else(|| corrupt("a scan header is cut short"))?;
    if !(1..=4).contains(&count) {
        return Err(corrupt("a scan has an invalid number of components"));
    }
    let mut parts = Vec::new();
    for spec in specs.chunks_exact(2) {
        let component = frame
            .components
            .iter()
            .position(|c| c.id == spec[0])
            .ok_or_else(|| corrupt("a scan names an unknown component"))?;
        let dc = table(dc_tables, spec[1] >> 4)?;
        let ac = table(ac_tables, spec[1] & 15)?;
        parts.push(ScanPart {
            component,
            dc,
            ac,
            quant: i32::from(quant[frame.components[component].quant][0]),
            predictor: 0,
        });
    }
    let mut clean = Clean::new();
    let mut bits = Bits::default();
    if let [part] = parts.as_mut_slice() {
        // One component: its blocks in raster order, one block per MCU.
        let c = &mut frame.components[part.component];
        let blocks_x = (frame.width * c.h).div_ceil(frame.h_max).div_ceil(8);
        let blocks_y = (frame.height * c.v).div_ceil(frame.v_max).div_ceil(8);
        let mut left = restart_interval;
        for by in 0..blocks_y {
            let row = &mut c.dc[by * c.stride..][..blocks_x];
            for sample in row {
                if restart_interval > 0 {
                    if left == 0 {
                        bits = restart(&mut clean, source)?;
                        part.predictor = 0;
                        left = restart_interval;
                    }
                    left -= 1;
                }
                if clean.bytes.len() - bits.pos < MARGIN {
                    bits.pos = clean.fill(source, bits.pos);
                }
                *sample = block(&mut bits, &clean.bytes, part)?;
            }
            bits.check_not_cut(&clean)?;
        }
    } else {
        let mut left = restart_interval;
        for my in 0..frame.mcus_y {
            for mx in 0..frame.mcus_x {
                if restart_interval > 0 {
                    if left == 0 {
                        bits = restart(&mut clean, source)?;
                        for part in parts.iter_mut() {
                            part.predictor = 0;
                        }
                        left = restart_interval;
                    }
                    left -= 1;
                }
                for part in parts.iter_mut() {
                    let c = &mut frame.components[part.component];
                    for y in 0..c.v {
                        let row = (my * c.v + y) * c.stride + mx * c.h;
                        for x in 0..c.h {
                            if clean.bytes.len() - bits.pos < MARGIN {
                                bits.pos = clean.fill(source, bits.pos);
                            }
                            c.dc[row + x] = block(&mut bits, &clean.bytes, part)?;
                        }
                    }
                }
            }
            bits.check_not_cut(&clean)?;
        }
    }
    clean.skip_to_marker(source);
    Ok(())
}

/// The Huffman table a scan names, which must have been defined.
fn table(tables: &[Option<Huffman>; 4], id: u8) -> Result<&Huffman, DcError> {
    tables
        .get(usize::from(id))
        .and_then(Option::as_ref)
        .ok_or_else(|| corrupt("a scan uses a missing Huffman table"))
}

/// Reads one block from `data` (at least [`MARGIN`] bytes ahead): returns its DC as a sample
/// and skips its AC coefficients.
#[inline(always)]
fn block(bits: &mut Bits, data: &[u8], part: &mut ScanPart) -> Result<u8, DcError> {
    bits.refill(data);
    let fast = part.dc.dc_fast[(bits.buffer >> (64 - SKIP_BITS)) as usize];
    let diff = if fast != 0 {
        bits.consume(fast >> 16);
        i32::from(fast as u16 as i16)
    } else {
        let size = u32::from(bits.symbol(part.dc)?);
        if size > 11 {
            return Err(corrupt("a DC difference is too large"));
        }
        extend(if size == 0 { 0 } else { bits.take(size) }, size)
    };
    part.predictor = part.predictor.wrapping_add(diff);
    let ac = part.ac;
    let multi = &*ac.multi;
    let mut k = 1;
    while k < 64 {
        bits.refill(data);
        // Several coefficients at once, when they all lie inside this block (otherwise one at
        // a time below, so that a block without an end-of-block code stops at 64 exactly).
        let entry = multi[(bits.buffer >> (64 - SKIP_BITS)) as usize];
        let used = u32::from(entry & MULTI_BITS_MASK);
        let advance = usize::from((entry >> 4) & 0xFF);
        if used != 0 && k + advance < 64 {
            bits.consume(used);
            k += advance;
            if entry & MULTI_END_OF_BLOCK != 0 {
                break;
            }
            continue;
        }
        let symbol = bits.symbol(ac)?;
        let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 15));
        if size == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        bits.consume(size);
        k += run + 1;
    }
    // As an 8 x 8 inverse DCT of the DC alone: level shift, then round like the reference
    // scaled decoders do.
    let value = (part.predictor.wrapping_mul(part.quant).wrapping_add(1024)) / 8;
    Ok(value.clamp(0, 255) as u8)
}

/// One pixel per 8 x 8 block of the image: luma per block, chroma repeated over the blocks its
/// coarser sampling covers, converted from YCbCr (JFIF) to RGB.
fn to_rgb(frame: &Frame, adobe_rgb: bool) -> RgbImage {
    let (out_w, out_h) = (frame.width.div_ceil(8), frame.height.div_ceil(8));
    let mut out = vec![0u8; out_w * out_h * 3];
    // Each component's block column for each output column, worked out once.
    let columns: Vec<Vec<usize>> = frame
        .components
        .iter()
        .map(|c| (0..out_w).map(|x| x * c.h / frame.h_max).collect())
        .collect();
    // The row of `c`'s blocks that output row `y` reads; a row past the data would read as
    // 128, but the padded grid of whole MCUs always covers the image.
    fn row_of(c: &Component, y: usize, v_max: usize) -> &[u8] {
        let start = (y * c.v / v_max) * c.stride;
        c.dc.get(start..start + c.stride).unwrap_or(&[])
    }
    let at = |row: &[u8], x: usize| row.get(x).copied().unwrap_or(128);
    for (y, out_row) in out.chunks_exact_mut(out_w * 3).enumerate() {
        match (frame.components.as_slice(), columns.as_slice()) {
            ([gray], [cols]) => {
                let row = row_of(gray, y, frame.v_max);
                for (pixel, &x) in out_row.chunks_exact_mut(3).zip(cols) {
                    pixel.fill(at(row, x));
                }
            }
            ([a, b, c], [ca, cb, cc]) => {
                let v_max = frame.v_max;
                let (ra, rb, rc) = (
                    row_of(a, y, v_max),
                    row_of(b, y, v_max),
                    row_of(c, y, v_max),
                );
                for (i, pixel) in out_row.chunks_exact_mut(3).enumerate() {
                    let (a, b, c) = (at(ra, ca[i]), at(rb, cb[i]), at(rc, cc[i]));
                    if adobe_rgb {
                        pixel.copy_from_slice(&[a, b, c]);
                    } else {
                        pixel.copy_from_slice(&ycbcr_to_rgb(a, b, c));
                    }
                }
            }
            _ => {}
        }
    }
    RgbImage::from_raw(out_w as u32, out_h as u32, out)
        .unwrap_or_else(|| RgbImage::new(out_w as u32, out_h as u32))
}

/// JFIF YCbCr to RGB, in 16.16 fixed point.
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let y = (i32::from(y) << 16) + (1 << 15);
    let cb = i32::from(cb) - 128;
    let cr = i32::from(cr) - 128;
    let r = y + 91_881 * cr;
    let g = y - 22_554 * cb - 46_802 * cr;
    let b = y + 116_130 * cb;
    [r, g, b].map(|v| (v >> 16).clamp(0, 255) as u8)
}

#[cfg(test)]
#[path = "jpeg_dc_tests.rs"]
mod tests;
