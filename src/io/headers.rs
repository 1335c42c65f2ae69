//! Walking a file's container headers without decoding it: JPEG marker segments, PNG chunks.
//!
//! `image` reads a whole JPEG file into memory before it parses the header, so a 3 GiB file
//! claiming 65 535 x 65 535 pixels was read whole before its size was refused. The frame header
//! (SOF) is found here first, reading only the segments before it; and a file cut short is found
//! by its missing end-of-image marker (the decoder itself fills missing data with gray).

use std::io::{self, BufRead, Seek};

/// What a JPEG frame header (SOFn) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JpegFrame {
    pub width: u32,
    pub height: u32,
    /// Components (bands) per pixel: 1 gray, 3 YCbCr/RGB, 4 CMYK.
    pub components: u8,
}

/// Where the marker walk stopped.
enum Stop {
    /// A start-of-frame segment, with its payload.
    Frame(JpegFrame),
    /// The start of the first scan (entropy-coded data follows).
    Scan,
    /// The end-of-image marker.
    End,
    /// The data ran out, or does not start like a JPEG.
    Eof,
}

fn next_byte(reader: &mut impl BufRead) -> io::Result<Option<u8>> {
    let buf = reader.fill_buf()?;
    let Some(&b) = buf.first() else {
        return Ok(None);
    };
    reader.consume(1);
    Ok(Some(b))
}

/// Walks marker segments from the current position (just after SOI) until a frame header, the
/// first scan or the end. Payloads are skipped, not read (they may hold an EXIF thumbnail with
/// markers of its own). With `want_frame` false, frame headers are skipped too.
fn walk(reader: &mut (impl BufRead + Seek), want_frame: bool) -> io::Result<Stop> {
    loop {
        let Some(mut code) = next_byte(reader)? else {
            return Ok(Stop::Eof);
        };
        if code != 0xFF {
            // Stray bytes between segments: tolerated, as decoders do.
            continue;
        }
        while code == 0xFF {
            let Some(c) = next_byte(reader)? else {
                return Ok(Stop::Eof);
            };
            code = c;
        }
        match code {
            0xD9 => return Ok(Stop::End),
            0xDA => return Ok(Stop::Scan),
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            _ => {
                let (Some(high), Some(low)) = (next_byte(reader)?, next_byte(reader)?) else {
                    return Ok(Stop::Eof);
                };
                let length = u16::from_be_bytes([high, low]);
                // SOF0..SOF15, but not DHT (C4), JPG (C8) or DAC (CC).
                let is_frame = matches!(code, 0xC0..=0xCF) && !matches!(code, 0xC4 | 0xC8 | 0xCC);
                if want_frame && is_frame && length >= 8 {
                    let mut header = [0u8; 6];
                    reader.read_exact(&mut header)?;
                    return Ok(Stop::Frame(JpegFrame {
                        height: u32::from(u16::from_be_bytes([header[1], header[2]])),
                        width: u32::from(u16::from_be_bytes([header[3], header[4]])),
                        components: header[5],
                    }));
                }
                reader.seek_relative(i64::from(length.saturating_sub(2)))?;
            }
        }
    }
}

/// True when the reader, at the start of the file, begins with a JPEG start-of-image marker;
/// the two marker bytes are consumed.
fn starts_like_jpeg(reader: &mut impl BufRead) -> io::Result<bool> {
    Ok(next_byte(reader)? == Some(0xFF) && next_byte(reader)? == Some(0xD8))
}

/// The frame header of the JPEG data at the reader's position (the start of the file), read
/// from the segments before it; `None` when there is none before the first scan.
pub fn jpeg_frame(reader: &mut (impl BufRead + Seek)) -> io::Result<Option<JpegFrame>> {
    if !starts_like_jpeg(reader)? {
        return Ok(None);
    }
    Ok(match walk(reader, true)? {
        Stop::Frame(frame) => Some(frame),
        Stop::Scan | Stop::End | Stop::Eof => None,
    })
}

/// True when the JPEG data has an end-of-image marker (FF D9) after its first scan, i.e. was
/// not cut short: entropy-coded data never contains FF D9. Streams; reads no more than once.
/// Data that does not start like a JPEG counts as whole (the decoder has judged it already).
pub fn jpeg_has_end_marker(reader: &mut (impl BufRead + Seek)) -> io::Result<bool> {
    if !starts_like_jpeg(reader)? {
        return Ok(true);
    }
    match walk(reader, false)? {
        Stop::End => return Ok(true),
        Stop::Eof => return Ok(false),
        Stop::Scan | Stop::Frame(_) => {}
    }
    // Scan data (and any later segments) up to FF D9.
    let mut previous_was_ff = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(false);
        }
        for &b in chunk {
            if previous_was_ff && b == 0xD9 {
                return Ok(true);
            }
            previous_was_ff = b == 0xFF;
        }
        let n = chunk.len();
        reader.consume(n);
    }
}

/// True when the PNG data at the reader's position (the start of the file) has an iCCP
/// (colour profile) chunk before its image data. The PNG decoder silently drops a profile it
/// cannot inflate within its limits, so this tells a dropped profile from none.
pub fn png_has_iccp(reader: &mut (impl BufRead + Seek)) -> io::Result<bool> {
    let mut signature = [0u8; 8];
    if reader.read_exact(&mut signature).is_err() || signature != *b"\x89PNG\r\n\x1a\n" {
        return Ok(false);
    }
    let mut chunk = [0u8; 8];
    while reader.read_exact(&mut chunk).is_ok() {
        let length = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        match &chunk[4..] {
            b"iCCP" => return Ok(true),
            b"IDAT" | b"IEND" => return Ok(false),
            // The payload and its CRC.
            _ => reader.seek_relative(i64::from(length) + 4)?,
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// SOI, an APP0 segment, a baseline SOF0 claiming `w` x `h` with 3 components, SOS.
    fn header(w: u16, h: u16) -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB];
        out.extend([0xFF, 0xC0, 0x00, 0x11, 0x08]);
        out.extend(h.to_be_bytes());
        out.extend(w.to_be_bytes());
        out.extend([3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
        out.extend([0xFF, 0xDA, 0x00, 0x02]);
        out
    }

    #[test]
    fn the_frame_header_gives_width_height_and_components() {
        let frame = jpeg_frame(&mut Cursor::new(header(640, 480))).unwrap();
        assert_eq!(
            frame,
            Some(JpegFrame {
                width: 640,
                height: 480,
                components: 3
            })
        );
    }

    #[test]
    fn data_cut_before_its_end_marker_is_found_and_whole_data_is_not() {
        let mut whole = header(8, 8);
        whole.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]);
        assert!(jpeg_has_end_marker(&mut Cursor::new(&whole)).unwrap());
        let cut = &whole[..whole.len() - 1];
        assert!(!jpeg_has_end_marker(&mut Cursor::new(cut)).unwrap());
        assert_eq!(jpeg_frame(&mut Cursor::new(b"not a jpeg")).unwrap(), None);
    }

    #[test]
    fn an_iccp_chunk_before_the_image_data_is_found() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0, 0, 0, 2]);
        png.extend(b"tEXta\0");
        png.extend([0; 4]);
        let mut with_profile = png.clone();
        with_profile.extend([0, 0, 0, 0]);
        with_profile.extend(b"iCCP");
        assert!(png_has_iccp(&mut Cursor::new(&with_profile)).unwrap());
        png.extend([0, 0, 0, 0]);
        png.extend(b"IDAT");
        assert!(!png_has_iccp(&mut Cursor::new(&png)).unwrap());
    }
}

/// Which TIFF a file's first four bytes announce, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TiffSignature {
    /// A classic TIFF (32-bit offsets, files up to 4 GiB).
    Classic,
    /// A BigTIFF (64-bit offsets), which `image` cannot decode.
    Big,
}

/// The TIFF signature `magic` (a file's first bytes) starts with, little- or big-endian.
pub fn tiff_signature(magic: &[u8]) -> Option<TiffSignature> {
    match magic {
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Some(TiffSignature::Classic),
        [b'I', b'I', 43, 0, ..] | [b'M', b'M', 0, 43, ..] => Some(TiffSignature::Big),
        _ => None,
    }
}
