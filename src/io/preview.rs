//! Reduced decodes, egui-free: a picture of an image long before its full decode ends, and
//! timeline thumbnails that never decode the whole image.
//!
//! A 16 000 px JPEG takes about two seconds to decode in full; the analyst should see the scene
//! well before that. [`decode_preview`] returns a coarse pyramid level read cheaply from the
//! file: for JPEG the DC coefficients alone ([`super::jpeg_dc`], one pixel per 8 x 8 block,
//! with `jpeg-decoder`'s 1/8 scaled decode for the variants it does not cover); for TIFF the
//! internal reduced-resolution image (overview) closest to [`PREVIEW_LONG_SIDE`], as Cloud
//! Optimized GeoTIFFs carry; for an interlaced PNG its first Adam7 pass (the top-left pixel of
//! every 8 x 8 block, 1/64 of the data, read with the `png` crate, which gives the passes one by
//! one). A PNG that is not interlaced and WebP get no preview: their pixels cannot be read at a
//! lower resolution.
//!
//! [`decode_thumbnail`] uses the same reduced decodes for the timeline's icons, falling back
//! to a full decode (then dropped) only where there is none. Both apply the limits of
//! [`super::image_decode`] before allocating and never panic on bad input.

use super::headers::{jpeg_frame, tiff_signature};
use super::image_decode::{
    ImageError, check_jpeg_frame, decode_image, guard_panics, open_file, probe_image,
};
use super::jpeg_dc::{DcError, decode_dc_from};
use super::pyramid::{level_size, to_display_rgb8};
use super::tile_reader::{open_tile_reader, read_coarsest};
use image::imageops::FilterType;
use image::{DynamicImage, ImageBuffer, RgbImage};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

/// Images with fewer pixels than this decode in full in a fraction of a second: no preview.
pub const PREVIEW_MIN_PIXELS: u64 = 2048 * 2048;

/// The long side a TIFF overview is chosen near for a preview: about a window's worth.
pub const PREVIEW_LONG_SIDE: u32 = 1024;

/// How many images (IFDs) of a TIFF are looked at for overviews; a COG has a handful, and a
/// damaged file must not make us walk millions.
const MAX_TIFF_IMAGES: usize = 64;

/// A coarse picture of a `width` x `height` image: its pyramid level `level`, of exactly
/// [`level_size`]`(width, height, level)` pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// Width of the full image, from its header.
    pub width: u32,
    /// Height of the full image, from its header.
    pub height: u32,
    /// The pyramid level the picture stands for (3 for a JPEG: one pixel per 8 x 8 block).
    pub level: usize,
    /// The picture, approximate: the full decode's own level replaces it.
    pub image: RgbImage,
}

/// Reads a coarse picture of the image at `path` without decoding it in full: see the module
/// docs. `Ok(None)` when the format has no cheap reduced form (PNG, WebP, a TIFF without
/// overviews) or the image is small enough to decode in full quickly. An error means the
/// reduced decode failed; the full decode will say what is wrong with the file, so a loader
/// may ignore it.
pub fn decode_preview(path: &Path) -> Result<Option<Preview>, ImageError> {
    guard_panics(path, || {
        let kind = sniff(path)?;
        if matches!(kind, Kind::Other) {
            return Ok(None);
        }
        let (width, height, kind) = probe_header(path)?;
        if u64::from(width) * u64::from(height) < PREVIEW_MIN_PIXELS {
            return Ok(None);
        }
        let reduced = match kind {
            Kind::Jpeg => Some(jpeg_eighth(path)?),
            Kind::Tiff => tiff_overview(path, PREVIEW_LONG_SIDE, Pick::Closest)?,
            Kind::Png => png_first_pass(path)?,
            Kind::Other => None,
        };
        Ok(reduced.and_then(|image| as_level(image, width, height)))
    })
}

/// A thumbnail of the image at `path`, its long side at most `max_side`, made from a reduced
/// decode where the format has one (a TIFF read tile by tile: its coarsest level; JPEG at 1/8;
/// an interlaced PNG's first pass; another TIFF's smallest overview that is still at least
/// `max_side` long) and otherwise from a full decode whose pixels are dropped at once.
/// The same limits as [`decode_image`] apply. Slow for large non-JPEG files: call it off the
/// UI thread.
pub fn decode_thumbnail(path: &Path, max_side: u32) -> Result<RgbImage, ImageError> {
    let max_side = max_side.max(1);
    // A TIFF the window reads tile by tile (large, or a BigTIFF) has its coarsest level ready
    // to hand, whatever its layout.
    if let Some(image) = guard_panics(path, || tiled_coarsest(path))? {
        return Ok(shrink_to(&image, max_side));
    }
    let reduced = guard_panics(path, || {
        let info = probe_header(path)?;
        let big = info.0.max(info.1) / 8 >= max_side;
        Ok(match info.2 {
            Kind::Jpeg if big => Some(jpeg_eighth(path)?),
            Kind::Png if big => png_first_pass(path)?,
            Kind::Tiff => tiff_overview(path, max_side, Pick::SmallestAtLeast)?,
            _ => None,
        })
    })?;
    let image = match reduced {
        Some(image) => image,
        None => to_display_rgb8(decode_image(path)?).0,
    };
    Ok(shrink_to(&image, max_side))
}

/// The coarsest pyramid level (one tile, 257 to 512 px long) of a TIFF read tile by tile (see
/// [`open_tile_reader`]: large, or a BigTIFF, which `image` cannot decode); `None` for other
/// files. A TIFF without overviews has that level built first (one pass over the file, cached
/// for the window's own open).
fn tiled_coarsest(path: &Path) -> Result<Option<RgbImage>, ImageError> {
    match open_tile_reader(path)? {
        Some(reader) => read_coarsest(reader.as_ref(), path).map(Some),
        None => Ok(None),
    }
}

/// A thumbnail being made on a background thread with [`decode_thumbnail`], so that the
/// timeline never waits for a file. Dropping it abandons the result (the thread finishes its
/// small decode and exits).
pub struct ThumbnailLoad {
    path: PathBuf,
    result: Option<Receiver<Result<RgbImage, String>>>,
}

impl ThumbnailLoad {
    /// Starts making the thumbnail of `path` (long side at most `max_side`) at low priority;
    /// `wake` is called when it is ready, so the window can repaint.
    pub fn start(path: PathBuf, max_side: u32, wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        let (sender, receiver) = mpsc::channel();
        let for_thread = path.clone();
        let spawned = std::thread::Builder::new()
            .name("sitediff-thumbnail".into())
            .spawn(move || {
                super::loader::lower_this_threads_priority();
                let made = decode_thumbnail(&for_thread, max_side).map_err(|e| e.to_string());
                // Nobody listening any more: the result is simply dropped.
                let _ = sender.send(made);
                wake();
            });
        let result = match spawned {
            Ok(_) => Some(receiver),
            Err(error) => {
                let (sender, receiver) = mpsc::channel();
                let _ = sender.send(Err(format!(
                    "{}: cannot start a thumbnail thread: {error}",
                    path.display()
                )));
                Some(receiver)
            }
        };
        ThumbnailLoad { path, result }
    }

    /// The file the thumbnail is of.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The thumbnail or the error (naming the file), once; `None` while it is being made and
    /// after it was taken.
    pub fn poll(&mut self) -> Option<Result<RgbImage, String>> {
        let receiver = self.result.as_ref()?;
        let outcome = match receiver.try_recv() {
            Ok(made) => made,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Err(format!(
                "{}: the thumbnail could not be made (internal error)",
                self.path.display()
            )),
        };
        self.result = None;
        Some(outcome)
    }
}

/// The container, from the first bytes.
enum Kind {
    Jpeg,
    Tiff,
    Png,
    Other,
}

fn sniff(path: &Path) -> Result<Kind, ImageError> {
    let (mut file, _) = open_file(path)?;
    let mut magic = [0u8; 4];
    let read = file.read(&mut magic).map_err(|error| ImageError::Open {
        path: path.to_path_buf(),
        error,
    })?;
    let magic = &magic[..read];
    Ok(match magic {
        [0xFF, 0xD8, ..] => Kind::Jpeg,
        [0x89, b'P', b'N', b'G'] => Kind::Png,
        _ if tiff_signature(magic).is_some() => Kind::Tiff,
        _ => Kind::Other,
    })
}

/// Width, height and container of the image, from its header alone (a JPEG's frame header is
/// found without reading the file whole).
fn probe_header(path: &Path) -> Result<(u32, u32, Kind), ImageError> {
    match sniff(path)? {
        Kind::Jpeg => {
            let frame = jpeg_header(path)?;
            Ok((frame.width, frame.height, Kind::Jpeg))
        }
        kind => {
            let info = probe_image(path)?;
            Ok((info.width, info.height, kind))
        }
    }
}

/// The JPEG's frame header, checked against the limits (size, and a file far larger than its
/// pixels need) before the file is read whole.
fn jpeg_header(path: &Path) -> Result<super::headers::JpegFrame, ImageError> {
    let (file, file_size) = open_file(path)?;
    let mut reader = BufReader::new(file);
    let frame = jpeg_frame(&mut reader)
        .map_err(|error| ImageError::Open {
            path: path.to_path_buf(),
            error,
        })?
        .ok_or_else(|| ImageError::Corrupt {
            path: path.to_path_buf(),
            message: "no JPEG frame header".to_string(),
        })?;
    check_jpeg_frame(path, frame, file_size)?;
    Ok(frame)
}

/// The JPEG at `path` at 1/8 scale: the DC-only decode, or `jpeg-decoder`'s scaled decode for
/// the variants that one does not cover.
fn jpeg_eighth(path: &Path) -> Result<RgbImage, ImageError> {
    jpeg_header(path)?;
    let open_error = |error| ImageError::Open {
        path: path.to_path_buf(),
        error,
    };
    let corrupt = |message: String| ImageError::Corrupt {
        path: path.to_path_buf(),
        message,
    };
    // Streamed: the file is read through a small window, never held whole.
    let (file, _) = open_file(path)?;
    match decode_dc_from(file) {
        Ok(image) => Ok(image),
        Err(DcError::Corrupt(message)) => Err(corrupt(message)),
        Err(DcError::Read(message)) => Err(open_error(std::io::Error::other(message))),
        Err(DcError::Unsupported(_)) => {
            // Known from the headers, before much was read: the other decoder needs it whole.
            let (mut file, _) = open_file(path)?;
            let mut data = Vec::new();
            file.read_to_end(&mut data).map_err(open_error)?;
            scaled_jpeg_decode(&data).map_err(corrupt)
        }
    }
}

/// `jpeg-decoder`'s decode at 1/8 scale (its inverse DCT shrunk to 1 x 1), as RGB.
fn scaled_jpeg_decode(data: &[u8]) -> Result<RgbImage, String> {
    let mut decoder = jpeg_decoder::Decoder::new(data);
    decoder.set_max_decoding_buffer_size(
        usize::try_from(super::image_decode::MAX_DECODER_WORKING_BYTES).unwrap_or(usize::MAX),
    );
    decoder.read_info().map_err(|e| e.to_string())?;
    let info = decoder.info().ok_or("no JPEG header")?;
    let (w, h) = decoder
        .scale(info.width.div_ceil(8), info.height.div_ceil(8))
        .map_err(|e| e.to_string())?;
    let pixels = decoder.decode().map_err(|e| e.to_string())?;
    let rgb: Vec<u8> = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&v| [v, v, v]).collect(),
        jpeg_decoder::PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|v| [v[0], v[0], v[0]])
            .collect(),
        jpeg_decoder::PixelFormat::RGB24 => pixels,
        jpeg_decoder::PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(255 - p[3]);
                [0, 1, 2].map(|i| ((u16::from(255 - p[i]) * k + 127) / 255) as u8)
            })
            .collect(),
    };
    RgbImage::from_raw(u32::from(w), u32::from(h), rgb)
        .ok_or_else(|| "the scaled decode has the wrong size".to_string())
}

/// An interlaced PNG's first Adam7 pass, one pixel per 8 x 8 block (its top-left one), as
/// display RGB (16-bit data stretched as the full decode does); `None` when the PNG is not
/// interlaced or the pass cannot be read (the full decode then says what is wrong).
fn png_first_pass(path: &Path) -> Result<Option<RgbImage>, ImageError> {
    let (file, _) = open_file(path)?;
    let mut decoder = png::Decoder::new(BufReader::new(file));
    // Palettes and low bit depths to 8 bits, transparency to alpha; 16 bits stay.
    decoder.set_transformations(png::Transformations::EXPAND);
    let Ok(mut reader) = decoder.read_info() else {
        return Ok(None);
    };
    let (width, height, interlaced) = {
        let info = reader.info();
        (info.width, info.height, info.interlaced)
    };
    if !interlaced {
        return Ok(None);
    }
    // Pass 1 holds the pixels at multiples of 8 in both directions, and comes first.
    let (pass_width, pass_height) = (width.div_ceil(8), height.div_ceil(8));
    let (color, depth) = reader.output_color_type();
    let wide = depth == png::BitDepth::Sixteen;
    let row_bytes = pass_width as usize * color.samples() * if wide { 2 } else { 1 };
    let mut bytes = Vec::new();
    for _ in 0..pass_height {
        match reader.next_row() {
            Ok(Some(row)) if row.data().len() == row_bytes => bytes.extend_from_slice(row.data()),
            _ => return Ok(None),
        }
    }
    let (w, h) = (pass_width, pass_height);
    let wide_samples = || -> Vec<u16> {
        bytes
            .chunks_exact(2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .collect()
    };
    use png::ColorType as C;
    let image = match (color, wide) {
        (C::Grayscale, false) => ImageBuffer::from_raw(w, h, bytes).map(DynamicImage::ImageLuma8),
        (C::GrayscaleAlpha, false) => {
            ImageBuffer::from_raw(w, h, bytes).map(DynamicImage::ImageLumaA8)
        }
        (C::Rgb, false) => ImageBuffer::from_raw(w, h, bytes).map(DynamicImage::ImageRgb8),
        (C::Rgba, false) => ImageBuffer::from_raw(w, h, bytes).map(DynamicImage::ImageRgba8),
        (C::Grayscale, true) => {
            ImageBuffer::from_raw(w, h, wide_samples()).map(DynamicImage::ImageLuma16)
        }
        (C::GrayscaleAlpha, true) => {
            ImageBuffer::from_raw(w, h, wide_samples()).map(DynamicImage::ImageLumaA16)
        }
        (C::Rgb, true) => ImageBuffer::from_raw(w, h, wide_samples()).map(DynamicImage::ImageRgb16),
        (C::Rgba, true) => {
            ImageBuffer::from_raw(w, h, wide_samples()).map(DynamicImage::ImageRgba16)
        }
        // A palette is expanded above.
        (C::Indexed, _) => None,
    };
    Ok(image.map(|image| to_display_rgb8(image).0))
}

/// Which overview a TIFF gives.
#[derive(Clone, Copy)]
enum Pick {
    /// Long side closest to the target (for a preview).
    Closest,
    /// The smallest whose long side is at least the target, else the largest (for a thumbnail).
    SmallestAtLeast,
}

/// The TIFF's reduced-resolution image (NewSubfileType bit 0) picked by `pick` around
/// `target` long side, as display RGB; `None` when it has none or none is readable.
fn tiff_overview(path: &Path, target: u32, pick: Pick) -> Result<Option<RgbImage>, ImageError> {
    let (file, _) = open_file(path)?;
    let mut reader = BufReader::new(file);
    reader
        .seek(SeekFrom::Start(0))
        .map_err(|error| ImageError::Open {
            path: path.to_path_buf(),
            error,
        })?;
    // Any TIFF trouble here means no preview; the full decode reports what is wrong.
    let Ok(mut decoder) = tiff::decoder::Decoder::new(reader) else {
        return Ok(None);
    };
    let mut reduced: Vec<(usize, u32)> = Vec::new();
    let mut index = 0;
    while index < MAX_TIFF_IMAGES {
        let subfile = decoder
            .find_tag_unsigned::<u32>(tiff::tags::Tag::NewSubfileType)
            .ok()
            .flatten()
            .unwrap_or(0);
        if index > 0
            && subfile & 1 == 1
            && let Ok((w, h)) = decoder.dimensions()
        {
            reduced.push((index, w.max(h)));
        }
        if !decoder.more_images() || decoder.next_image().is_err() {
            break;
        }
        index += 1;
    }
    let chosen = match pick {
        Pick::Closest => reduced
            .iter()
            .min_by_key(|(_, side)| side.abs_diff(target))
            .copied(),
        Pick::SmallestAtLeast => reduced
            .iter()
            .filter(|(_, side)| *side >= target)
            .min_by_key(|(_, side)| *side)
            .or_else(|| reduced.iter().max_by_key(|(_, side)| *side))
            .copied(),
    };
    let Some((chosen, _)) = chosen else {
        return Ok(None);
    };
    if decoder.seek_to_image(chosen).is_err() {
        return Ok(None);
    }
    let (Ok((w, h)), Ok(color)) = (decoder.dimensions(), decoder.colortype()) else {
        return Ok(None);
    };
    // The tiff crate's default limits (256 MiB per decode) bound what a lying header costs.
    let Ok(pixels) = decoder.read_image() else {
        return Ok(None);
    };
    Ok(tiff_to_dynamic(w, h, color, pixels).map(|image| to_display_rgb8(image).0))
}

/// The TIFF pixel types a preview shows: 8 and 16-bit gray, RGB and RGBA.
fn tiff_to_dynamic(
    w: u32,
    h: u32,
    color: tiff::ColorType,
    pixels: tiff::decoder::DecodingResult,
) -> Option<DynamicImage> {
    use tiff::ColorType as C;
    use tiff::decoder::DecodingResult as D;
    Some(match (color, pixels) {
        (C::Gray(8), D::U8(v)) => DynamicImage::ImageLuma8(ImageBuffer::from_raw(w, h, v)?),
        (C::RGB(8), D::U8(v)) => DynamicImage::ImageRgb8(ImageBuffer::from_raw(w, h, v)?),
        (C::RGBA(8), D::U8(v)) => DynamicImage::ImageRgba8(ImageBuffer::from_raw(w, h, v)?),
        (C::Gray(16), D::U16(v)) => DynamicImage::ImageLuma16(ImageBuffer::from_raw(w, h, v)?),
        (C::RGB(16), D::U16(v)) => DynamicImage::ImageRgb16(ImageBuffer::from_raw(w, h, v)?),
        (C::RGBA(16), D::U16(v)) => DynamicImage::ImageRgba16(ImageBuffer::from_raw(w, h, v)?),
        _ => return None,
    })
}

/// Places a reduced image as a pyramid level of the `width` x `height` image: the level whose
/// size is nearest, with a pixel of padding or cropping where the reduced decode rounded
/// differently, resampled if it is further off. `None` if it is no coarser than level 1.
fn as_level(image: RgbImage, width: u32, height: u32) -> Option<Preview> {
    let long = image.width().max(image.height()).max(1);
    let ratio = f64::from(width.max(height)) / f64::from(long);
    let level = ratio.log2().round();
    if !(1.0..=31.0).contains(&level) {
        return None;
    }
    let level = level as usize;
    let (lw, lh) = level_size(width, height, level);
    let image = if image.dimensions() == (lw, lh) {
        image
    } else if image.width().abs_diff(lw) <= 1 && image.height().abs_diff(lh) <= 1 {
        // Repeat the last row and column, or drop them.
        let (iw, ih) = image.dimensions();
        RgbImage::from_fn(lw, lh, |x, y| {
            *image.get_pixel(x.min(iw - 1), y.min(ih - 1))
        })
    } else {
        image::imageops::resize(&image, lw, lh, FilterType::Triangle)
    };
    Some(Preview {
        width,
        height,
        level,
        image,
    })
}

/// Shrinks `image` so that its long side is at most `max_side`, keeping its proportions.
fn shrink_to(image: &RgbImage, max_side: u32) -> RgbImage {
    let (w, h) = image.dimensions();
    let long = w.max(h);
    if long <= max_side {
        return image.clone();
    }
    let scale = f64::from(max_side) / f64::from(long);
    let tw = ((f64::from(w) * scale).round() as u32).max(1);
    let th = ((f64::from(h) * scale).round() as u32).max(1);
    image::imageops::thumbnail(image, tw, th)
}

#[cfg(test)]
#[path = "preview_tests.rs"]
mod tests;
