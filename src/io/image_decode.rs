//! Image decoding with explicit limits.
//!
//! Analysts open large scenes (30 000 x 30 000 pixels is ordinary), far over the 512 MiB that
//! `image` admits by default, but a damaged or hostile header claiming 100 000 x 100 000 pixels
//! must be refused from its header, before anything is allocated. So every file is read in two
//! steps: the header first (dimensions, pixel type; checked against [`MAX_SIDE`] and
//! [`MAX_DECODED_BYTES`]), then the pixels. The format comes from the file's content, never
//! only from its extension.
//!
//! No input panics: damaged, truncated, empty, random or directory paths all give an
//! [`ImageError`] whose message starts with the path.

use super::headers::{
    JpegFrame, TiffSignature, jpeg_frame, jpeg_has_end_marker, png_has_iccp, tiff_signature,
};
use super::regular_file::{OpenError, open_regular};
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The longest side, in pixels, that sitediff opens. Big enough for any single scene an analyst
/// works on, small enough that a header claiming more is certainly damaged or hostile.
pub const MAX_SIDE: u32 = 50_000;

/// The largest decoded image, in bytes (width x height x bytes per pixel), that sitediff
/// opens: 6 GiB. So 40 000 x 40 000 RGB 8-bit (4.5 GiB) is admitted, while 50 000 x 50 000
/// RGB 8-bit (7.0 GiB) and 30 000 x 30 000 RGBA 16-bit (6.7 GiB) are refused.
pub const MAX_DECODED_BYTES: u64 = 6 * 1024 * 1024 * 1024;

/// What a decoder may allocate on top of the decoded image (`image::Limits::max_alloc`):
/// working buffers, and for TIFF a second full copy of the pixels, which `image` decodes into
/// its own buffer before copying them out.
pub const MAX_DECODER_WORKING_BYTES: u64 = MAX_DECODED_BYTES;

/// What a decoder may allocate while reading the header, before the pixels: metadata such as
/// a PNG's colour profile (iCCP) or text chunks, which are inflated whole. A real profile is a
/// few kilobytes; a hostile one inflated to 5 GiB.
pub const MAX_METADATA_BYTES: u64 = 16 * 1024 * 1024;

/// Deflate cannot shrink data by more than about 1 032 to 1, so a PNG file smaller than its
/// decoded size divided by this cannot hold its pixels: its header lies (a 40 000 x 40 000
/// header followed by 64 bytes), and decoding it would only allocate the claimed buffer.
const PNG_MAX_COMPRESSION_RATIO: u64 = 1100;

/// Why an image file could not be read. The message always starts with the file's path and
/// says what went wrong, so it can be shown to the analyst as it is.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The file could not be opened or read at all (missing, no permission, ...).
    #[error("{}: cannot open the file: {error}", .path.display())]
    Open { path: PathBuf, error: io::Error },
    /// The path names a folder, named pipe, device or other non-file (reading a pipe or a
    /// device could block or never end). `kind` says which, e.g. "a named pipe (FIFO)".
    #[error("{}: is {kind}, not a regular file", .path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    /// The file has zero bytes.
    #[error("{}: the file is empty", .path.display())]
    Empty { path: PathBuf },
    /// The content is not any image format `image` recognises.
    #[error(
        "{}: not a recognised image (sitediff opens PNG, JPEG, TIFF and WebP files)",
        .path.display()
    )]
    UnknownFormat { path: PathBuf },
    /// A recognised format, or a variant of one (e.g. a TIFF with 8 bands), that sitediff
    /// cannot decode.
    #[error("{}: unsupported image: {message}", .path.display())]
    Unsupported { path: PathBuf, message: String },
    /// The header gives a side longer than [`MAX_SIDE`].
    #[error(
        "{}: image is {width} x {height} pixels; sitediff opens images up to {MAX_SIDE} pixels per side",
        .path.display()
    )]
    TooLarge {
        path: PathBuf,
        width: u32,
        height: u32,
    },
    /// The decoded pixels would take more than [`MAX_DECODED_BYTES`].
    #[error(
        "{}: image is {width} x {height} pixels of {pixel_type}, {:.1} GiB once decoded; sitediff decodes images up to {} GiB",
        .path.display(),
        gib(*.bytes),
        MAX_DECODED_BYTES >> 30
    )]
    TooManyBytes {
        path: PathBuf,
        width: u32,
        height: u32,
        pixel_type: String,
        bytes: u64,
    },
    /// The decoder ran out of its allocation budget while decoding (e.g. huge compressed
    /// chunks).
    #[error("{}: image exceeds sitediff's memory limits: {message}", .path.display())]
    OverLimit { path: PathBuf, message: String },
    /// The data is damaged or cut short; `message` is the decoder's own explanation.
    #[error("{}: the image data is damaged or incomplete: {message}", .path.display())]
    Corrupt { path: PathBuf, message: String },
}

impl ImageError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ImageError::Open { path, .. }
            | ImageError::NotAFile { path, .. }
            | ImageError::Empty { path }
            | ImageError::UnknownFormat { path }
            | ImageError::Unsupported { path, .. }
            | ImageError::TooLarge { path, .. }
            | ImageError::TooManyBytes { path, .. }
            | ImageError::OverLimit { path, .. }
            | ImageError::Corrupt { path, .. } => path,
        }
    }
}

fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}

/// What an image file holds, read from its header only; for the import dialog and the image
/// list, before (or instead of) decoding the pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The container format, detected from the content: "PNG", "JPEG", "TIFF" or "WebP".
    pub format: &'static str,
    /// The pixel type as stored in the file, e.g. "RGB 8-bit", "Gray 16-bit", "RGBA 8-bit".
    pub pixel_type: String,
    /// Bands (channels) per pixel as stored in the file: 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA
    /// or CMYK.
    pub bands: u8,
    /// Bits per sample as stored in the file (1 to 32).
    pub bits_per_sample: u8,
    /// Size of the file on disk, in bytes.
    pub file_size: u64,
    /// Bytes the decoded image takes in memory (it may be wider than stored, e.g. 1-bit gray
    /// decodes to 8-bit).
    pub decoded_bytes: u64,
}

/// Reads only the header of the image at `path` and says what it holds. Fails, like
/// [`decode_image`] would, on an unreadable, unrecognised or too large file, so a file that
/// probes fine is expected to decode (unless its pixel data is damaged). Fast for PNG, TIFF and
/// WebP; for JPEG, `image` reads the whole file into memory to parse the header.
///
/// A large tiled or striped TIFF, which the window reads tile by tile
/// ([`super::tile_reader`]), is accepted past [`MAX_SIDE`] and [`MAX_DECODED_BYTES`], up to
/// [`super::tiff_tiles::MAX_TILED_SIDE`].
pub fn probe_image(path: &Path) -> Result<ImageInfo, ImageError> {
    guard_panics(path, || match open_checked(path, None) {
        Ok((_, info)) => Ok(info),
        Err(
            refused @ (ImageError::TooLarge { .. }
            | ImageError::TooManyBytes { .. }
            | ImageError::OverLimit { .. }
            // `image` does not recognise BigTIFF, the form of TIFFs past 4 GiB.
            | ImageError::UnknownFormat { .. }),
        ) => super::tiff_tiles::probe_tiled(path)?.ok_or(refused),
        Err(other) => Err(other),
    })
}

/// Decodes the image at `path` into memory, at its own bit depth and band count (a 16-bit
/// gray TIFF stays 16-bit gray). The header is checked against [`MAX_SIDE`] and
/// [`MAX_DECODED_BYTES`] before the pixels are allocated. EXIF orientation is deliberately not
/// applied: overhead imagery is georeferenced in its stored pixel frame.
///
/// Slow for large images: call it off the UI thread.
pub fn decode_image(path: &Path) -> Result<DynamicImage, ImageError> {
    decode_image_counting(path, None, &mut |_| {})
}

/// [`decode_image`] for a background loader: `on_header` hears what the header says as soon as
/// it is read (so the size is known before the pixels, without opening the file twice), and
/// `bytes_read` counts how far into the file the decoder has read, so another thread can show
/// progress. The count means something for formats that decode as they read (PNG, TIFF, WebP);
/// the JPEG decoder reads the whole file before decoding.
pub fn decode_image_with_progress(
    path: &Path,
    bytes_read: Arc<AtomicU64>,
    on_header: &mut dyn FnMut(&ImageInfo),
) -> Result<DynamicImage, ImageError> {
    decode_image_counting(path, Some(bytes_read), on_header)
}

fn decode_image_counting(
    path: &Path,
    bytes_read: Option<Arc<AtomicU64>>,
    on_header: &mut dyn FnMut(&ImageInfo),
) -> Result<DynamicImage, ImageError> {
    guard_panics(path, || {
        let (mut decoder, info) = open_checked(path, bytes_read)?;
        on_header(&info);
        decoder
            .set_limits(limits(MAX_DECODER_WORKING_BYTES))
            .map_err(|e| from_image_error(path, e))?;
        let image = DynamicImage::from_decoder(decoder).map_err(|e| from_image_error(path, e))?;
        // The JPEG decoder is lenient: a file cut short decodes, with the missing part gray.
        // An analyst must not outline changes on invented pixels, so that is an error.
        if info.format == "JPEG" && !jpeg_is_whole(path) {
            return Err(ImageError::Corrupt {
                path: path.to_path_buf(),
                message: "the JPEG data ends without its end-of-image marker (truncated?)"
                    .to_string(),
            });
        }
        Ok(image)
    })
}

/// True when the JPEG file at `path` ends with its end-of-image marker (see
/// [`jpeg_has_end_marker`]); false when it does not or cannot be read again.
fn jpeg_is_whole(path: &Path) -> bool {
    open_regular(path)
        .ok()
        .and_then(|(file, _)| jpeg_has_end_marker(&mut BufReader::new(file)).ok())
        .unwrap_or(false)
}

/// A file reader that publishes the furthest position read, for progress bars.
struct CountingReader {
    inner: File,
    position: u64,
    furthest: Option<Arc<AtomicU64>>,
}

impl CountingReader {
    fn publish(&self) {
        if let Some(f) = &self.furthest {
            f.fetch_max(self.position, Ordering::Relaxed);
        }
    }
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position += n as u64;
        self.publish();
        Ok(n)
    }
}

impl Seek for CountingReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.position = self.inner.seek(pos)?;
        Ok(self.position)
    }
}

/// The limits handed to `image`: the side limit is strict (checked from the header by every
/// decoder), `max_alloc` bounds the decoder's own allocations.
fn limits(max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_alloc);
    limits
}

/// Opens `path`, detects its format from the content, reads the header and checks it against
/// the limits. Returns the decoder, positioned to read the pixels, and what the header says.
fn open_checked(
    path: &Path,
    bytes_read: Option<Arc<AtomicU64>>,
) -> Result<(impl ImageDecoder, ImageInfo), ImageError> {
    let open_error = |error| ImageError::Open {
        path: path.to_path_buf(),
        error,
    };
    let (file, file_size) = open_file(path)?;

    let counting = CountingReader {
        inner: file,
        position: 0,
        furthest: bytes_read,
    };
    let mut buffered = BufReader::new(counting);
    // `image` reads a JPEG whole before parsing its header: check the frame header first.
    let jpeg = jpeg_frame(&mut buffered).map_err(open_error)?;
    buffered.seek(SeekFrom::Start(0)).map_err(open_error)?;
    let iccp = jpeg.is_none() && png_has_iccp(&mut buffered).map_err(open_error)?;
    buffered.seek(SeekFrom::Start(0)).map_err(open_error)?;
    if let Some(frame) = jpeg {
        check_jpeg_frame(path, frame, file_size)?;
    }
    let bigtiff = is_bigtiff(&mut buffered).map_err(open_error)?;
    let mut reader = ImageReader::new(buffered)
        .with_guessed_format()
        .map_err(open_error)?;
    let format = match reader.format() {
        None if bigtiff => {
            return Err(ImageError::Unsupported {
                path: path.to_path_buf(),
                message: "a BigTIFF, which sitediff reads only tile by tile (in the window, \
                          when it is tiled or striped with its samples interleaved), not whole"
                    .to_string(),
            });
        }
        None => {
            return Err(ImageError::UnknownFormat {
                path: path.to_path_buf(),
            });
        }
        Some(format) => format_name(format).ok_or_else(|| ImageError::Unsupported {
            path: path.to_path_buf(),
            message: format!(
                "{format:?} images are not supported; sitediff opens PNG, JPEG, TIFF and WebP"
            ),
        })?,
    };

    // No side limit yet: the header's dimensions are checked below so that the message can
    // give them. Reading a header allocates nothing in proportion to the claimed pixel count,
    // only metadata; the PNG decoder keeps this budget for its metadata chunks to the end.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_METADATA_BYTES);
    reader.limits(header_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| from_image_error(path, e))?;
    if iccp && !matches!(decoder.icc_profile(), Ok(Some(_))) {
        return Err(ImageError::OverLimit {
            path: path.to_path_buf(),
            message: format!(
                "its colour profile (iCCP chunk) is damaged or inflates to more than {} MiB",
                MAX_METADATA_BYTES >> 20
            ),
        });
    }

    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageError::TooLarge {
            path: path.to_path_buf(),
            width,
            height,
        });
    }
    let stored = decoder.original_color_type();
    let pixel_type = pixel_type_name(stored);
    let decoded_bytes = decoder.total_bytes();
    if decoded_bytes > MAX_DECODED_BYTES {
        return Err(ImageError::TooManyBytes {
            path: path.to_path_buf(),
            width,
            height,
            pixel_type,
            bytes: decoded_bytes,
        });
    }
    if format == "PNG" && file_size.saturating_mul(PNG_MAX_COMPRESSION_RATIO) < decoded_bytes {
        return Err(ImageError::Corrupt {
            path: path.to_path_buf(),
            message: format!(
                "the header claims {width} x {height} pixels, which a file of {file_size} bytes \
                 cannot hold (truncated?)"
            ),
        });
    }
    let bands = stored.channel_count();
    let bits_per_sample = match bands {
        0 => 0,
        n => u8::try_from(stored.bits_per_pixel() / u16::from(n)).unwrap_or(u8::MAX),
    };
    let info = ImageInfo {
        width,
        height,
        format,
        pixel_type,
        bands,
        bits_per_sample,
        file_size,
        decoded_bytes,
    };
    Ok((decoder, info))
}

/// Opens `path` as a non-empty regular file; returns it with its size.
pub(crate) fn open_file(path: &Path) -> Result<(File, u64), ImageError> {
    let (file, file_size) = open_regular(path).map_err(|e| match e {
        OpenError::Io(error) => ImageError::Open {
            path: path.to_path_buf(),
            error,
        },
        OpenError::NotRegular(kind) => ImageError::NotAFile {
            path: path.to_path_buf(),
            kind,
        },
    })?;
    if file_size == 0 {
        return Err(ImageError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((file, file_size))
}

/// Refuses a JPEG whose frame header claims more than sitediff opens, before `image` reads the
/// whole file; and one far larger than its pixels could need (the decoder holds the whole file
/// in memory), which is damaged or hostile.
pub(crate) fn check_jpeg_frame(
    path: &Path,
    frame: JpegFrame,
    file_size: u64,
) -> Result<(), ImageError> {
    let JpegFrame {
        width,
        height,
        components,
    } = frame;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageError::TooLarge {
            path: path.to_path_buf(),
            width,
            height,
        });
    }
    let decoded = u64::from(width) * u64::from(height) * u64::from(components.max(1));
    if decoded > MAX_DECODED_BYTES {
        return Err(ImageError::TooManyBytes {
            path: path.to_path_buf(),
            width,
            height,
            pixel_type: format!("{components} band(s), 8-bit"),
            bytes: decoded,
        });
    }
    // Even at the highest quality a JPEG is smaller than its pixels; twice that plus room for
    // metadata and thumbnails is generous.
    let plausible = decoded.saturating_mul(2).saturating_add(MAX_METADATA_BYTES);
    if file_size > plausible {
        return Err(ImageError::OverLimit {
            path: path.to_path_buf(),
            message: format!(
                "the file is {file_size} bytes, far more than {width} x {height} pixels need"
            ),
        });
    }
    Ok(())
}

/// The formats sitediff opens, by display name; `None` for the others.
fn format_name(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Png => Some("PNG"),
        ImageFormat::Jpeg => Some("JPEG"),
        ImageFormat::Tiff => Some("TIFF"),
        ImageFormat::WebP => Some("WebP"),
        _ => None,
    }
}

/// "RGB 8-bit", "Gray 16-bit", "RGBA 32-bit float", ...
fn pixel_type_name(color: ExtendedColorType) -> String {
    use ExtendedColorType as C;
    let (model, bits) = match color {
        C::A8 => ("Alpha", "8-bit"),
        C::L1 => ("Gray", "1-bit"),
        C::La1 => ("Gray+alpha", "1-bit"),
        C::Rgb1 => ("RGB", "1-bit"),
        C::Rgba1 => ("RGBA", "1-bit"),
        C::L2 => ("Gray", "2-bit"),
        C::La2 => ("Gray+alpha", "2-bit"),
        C::Rgb2 => ("RGB", "2-bit"),
        C::Rgba2 => ("RGBA", "2-bit"),
        C::L4 => ("Gray", "4-bit"),
        C::La4 => ("Gray+alpha", "4-bit"),
        C::Rgb4 => ("RGB", "4-bit"),
        C::Rgba4 => ("RGBA", "4-bit"),
        C::Rgb5x1 => ("RGB", "5-bit"),
        C::L8 => ("Gray", "8-bit"),
        C::La8 => ("Gray+alpha", "8-bit"),
        C::Rgb8 => ("RGB", "8-bit"),
        C::Rgba8 => ("RGBA", "8-bit"),
        C::L16 => ("Gray", "16-bit"),
        C::La16 => ("Gray+alpha", "16-bit"),
        C::Rgb16 => ("RGB", "16-bit"),
        C::Rgba16 => ("RGBA", "16-bit"),
        C::Bgr8 => ("BGR", "8-bit"),
        C::Bgra8 => ("BGRA", "8-bit"),
        C::Rgb32F => ("RGB", "32-bit float"),
        C::Rgba32F => ("RGBA", "32-bit float"),
        C::Cmyk8 => ("CMYK", "8-bit"),
        C::Cmyk16 => ("CMYK", "16-bit"),
        other => {
            return format!(
                "{} band(s), {} bits per pixel",
                other.channel_count(),
                other.bits_per_pixel()
            );
        }
    };
    format!("{model} {bits}")
}

/// Puts an `image` error into words about `path`.
/// Whether `reader` starts with a BigTIFF's signature; leaves it at the start.
fn is_bigtiff(reader: &mut (impl Read + Seek)) -> io::Result<bool> {
    let mut magic = [0u8; 4];
    let read = reader.read(&mut magic)?;
    reader.seek(SeekFrom::Start(0))?;
    Ok(tiff_signature(&magic[..read]) == Some(TiffSignature::Big))
}

fn from_image_error(path: &Path, error: image::ImageError) -> ImageError {
    let path = path.to_path_buf();
    match error {
        image::ImageError::Unsupported(e) => ImageError::Unsupported {
            path,
            message: e.to_string(),
        },
        image::ImageError::Limits(e) => ImageError::OverLimit {
            path,
            message: e.to_string(),
        },
        image::ImageError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            ImageError::Corrupt {
                path,
                message: "the file ends early (truncated?)".to_string(),
            }
        }
        image::ImageError::IoError(e) => ImageError::Corrupt {
            path,
            message: format!("read failed: {e}"),
        },
        other => ImageError::Corrupt {
            path,
            message: other.to_string(),
        },
    }
}

/// Runs `read`, turning a panic inside a third-party decoder (a bug there, triggered by
/// damaged data) into an error about `path`, so that one bad file cannot take down the session
/// and the analyst's unsaved work.
pub(crate) fn guard_panics<T>(
    path: &Path,
    read: impl FnOnce() -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(ImageError::Corrupt {
            path: path.to_path_buf(),
            message: "the decoder failed on this data (internal decoder error)".to_string(),
        })
    })
}

#[cfg(test)]
#[path = "image_decode_tests.rs"]
mod tests;
