//! Hostile files made in the test: PNG chunks, a zlib stream of zeros with a tiny deflate
//! encoder (a decompression bomb without a compression dependency), a sparse JPEG.

use std::path::Path;

/// CRC-32 (ISO-HDLC, as PNG uses it), bit by bit.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

/// Bits written least significant first, as deflate packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, which deflate stores most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }
}

/// A zlib stream inflating to `n` zero bytes: one fixed-Huffman block of a literal zero and
/// matches of 258 bytes at distance 1 (13 bits each, so about 2 000 to 1).
pub fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // Final block.
    bits.put(1, 2); // Fixed Huffman codes.
    let literal_zero = |bits: &mut Bits| bits.code(0x30, 8);
    literal_zero(&mut bits);
    let mut left = n.saturating_sub(1);
    while left >= 258 {
        bits.code(0xC5, 8); // Length 258 (symbol 285).
        bits.code(0, 5); // Distance 1.
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.code(0, 7); // End of block.
    bits.put(0, 7);
    let mut out = bits.out;
    let b = (n % 65_521) as u32;
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

/// A `w` x `h` gray 8-bit PNG, with `extra` chunks before its image data.
pub fn png(w: u32, h: u32, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    for chunk in extra {
        bytes.extend_from_slice(chunk);
    }
    // Rows of a filter byte and zeros: all zero bytes.
    let raw = u64::from(h) * (u64::from(w) + 1);
    bytes.extend(png_chunk(b"IDAT", &zlib_zeros(raw)));
    bytes.extend(png_chunk(b"IEND", &[]));
    bytes
}

/// A 64 x 64 PNG whose colour profile inflates to `profile_bytes`.
pub fn iccp_bomb(profile_bytes: u64) -> Vec<u8> {
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(zlib_zeros(profile_bytes));
    png(64, 64, &[png_chunk(b"iCCP", &iccp)])
}

/// A sparse file of `size` bytes: a JPEG frame header claiming `w` x `h`, then a hole.
pub fn sparse_jpeg(path: &Path, w: u16, h: u16, size: u64) {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
    bytes.extend(h.to_be_bytes());
    bytes.extend(w.to_be_bytes());
    bytes.extend([3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
    std::fs::write(path, &bytes).unwrap();
    let file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.set_len(size).unwrap();
}

/// A tiled TIFF of `side` x `side` gray 8-bit pixels in 512 px tiles, every one of which points
/// at the same deflated tile of zeros: about 1.2 MB claiming 40 GB at 200 000 px a side.
pub fn tiff_tile_bomb(path: &Path, side: u32) {
    let tile = zlib_zeros(512 * 512);
    let tiles = (side.div_ceil(512) as usize).pow(2);
    let mut out = b"II*\0\0\0\0\0".to_vec();
    let tile_at = out.len() as u32;
    out.extend_from_slice(&tile);
    out.resize(out.len().next_multiple_of(2), 0);
    let offsets_at = out.len() as u32;
    for _ in 0..tiles {
        out.extend_from_slice(&tile_at.to_le_bytes());
    }
    let counts_at = out.len() as u32;
    for _ in 0..tiles {
        out.extend_from_slice(&(tile.len() as u32).to_le_bytes());
    }
    let ifd_at = out.len() as u32;
    out[4..8].copy_from_slice(&ifd_at.to_le_bytes());
    // (tag, type: 3 short / 4 long, count, value or offset)
    let entries: [(u16, u16, u32, u32); 10] = [
        (256, 4, 1, side),
        (257, 4, 1, side),
        (258, 3, 1, 8),
        (259, 3, 1, 8),
        (262, 3, 1, 1),
        (277, 3, 1, 1),
        (322, 4, 1, 512),
        (323, 4, 1, 512),
        (324, 4, tiles as u32, offsets_at),
        (325, 4, tiles as u32, counts_at),
    ];
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    std::fs::write(path, out).unwrap();
}
