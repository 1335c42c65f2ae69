//! From a TIFF chunk's samples to display RGB8, with one stretch for the whole image.
//!
//! A tiled image is converted piece by piece, so 16-bit and float data cannot take their
//! contrast stretch from the piece at hand (neighbouring tiles would not match): the stretch is
//! measured once, from the coarsest level, and every tile uses it.

use crate::io::pyramid::{SourceInfo, StretchRange, percentile_bins, stretch_value};
use image::RgbImage;
use tiff::ColorType;
use tiff::decoder::DecodingResult;

/// The sample type of the file's pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SampleKind {
    U8,
    U16,
    F32,
}

/// How a pixel's samples become a colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Colour {
    /// The first sample is gray (alpha, if any, follows and is dropped).
    Gray,
    /// The first three samples are red, green, blue.
    Rgb,
    /// The first three samples are Y, Cb, Cr (JPEG-compressed TIFFs).
    YCbCr,
}

/// What a chunk's samples are and how to show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PixelFormat {
    pub kind: SampleKind,
    /// Samples per pixel in the decoded chunk.
    pub samples: usize,
    pub colour: Colour,
}

impl PixelFormat {
    /// The format of a `tiff` colour type and sample kind, or why sitediff cannot show it.
    pub fn of(color: ColorType, float: bool) -> Result<PixelFormat, String> {
        let (bits, samples, colour) = match color {
            ColorType::Gray(b) => (b, 1, Colour::Gray),
            ColorType::GrayA(b) => (b, 2, Colour::Gray),
            ColorType::Multiband {
                bit_depth,
                num_samples: 2,
            } => (bit_depth, 2, Colour::Gray),
            ColorType::RGB(b) => (b, 3, Colour::Rgb),
            ColorType::RGBA(b) => (b, 4, Colour::Rgb),
            ColorType::YCbCr(8) => (8, 3, Colour::YCbCr),
            other => return Err(format!("{other:?} pixels are not supported")),
        };
        let kind = match (bits, float) {
            (8, false) => SampleKind::U8,
            (16, false) => SampleKind::U16,
            (32, true) => SampleKind::F32,
            _ => {
                return Err(format!(
                    "{bits}-bit {} samples are not supported (8 or 16-bit integers, 32-bit float)",
                    if float { "float" } else { "integer" }
                ));
            }
        };
        Ok(PixelFormat {
            kind,
            samples,
            colour,
        })
    }

    /// Bytes per pixel once decoded.
    pub fn pixel_bytes(&self) -> u64 {
        let sample = match self.kind {
            SampleKind::U8 => 1,
            SampleKind::U16 => 2,
            SampleKind::F32 => 4,
        };
        sample * self.samples as u64
    }

    /// The pixel type in the words of [`crate::io::image_decode::ImageInfo`], e.g. "RGB 8-bit".
    pub fn pixel_type(&self) -> String {
        let model = match (self.colour, self.samples) {
            (Colour::Gray, 1) => "Gray",
            (Colour::Gray, _) => "Gray+alpha",
            (Colour::Rgb, 4) => "RGBA",
            (Colour::Rgb, _) => "RGB",
            (Colour::YCbCr, _) => "YCbCr",
        };
        let bits = match self.kind {
            SampleKind::U8 => "8-bit",
            SampleKind::U16 => "16-bit",
            SampleKind::F32 => "32-bit float",
        };
        format!("{model} {bits}")
    }

    /// What the viewer shows about the file.
    pub fn source_info(&self, stretch: Option<StretchRange>) -> SourceInfo {
        SourceInfo {
            bits_per_sample: match self.kind {
                SampleKind::U8 => 8,
                SampleKind::U16 => 16,
                SampleKind::F32 => 32,
            },
            bands: self.samples as u8,
            float: self.kind == SampleKind::F32,
            stretch,
        }
    }
}

/// The mapping of samples to 0..=255, the same for every tile.
#[derive(Clone, Debug)]
pub(super) struct Display {
    pub stretch: Option<StretchRange>,
    /// For 16-bit data: the stretch as a lookup table.
    lut: Vec<u8>,
}

impl Display {
    /// The display of 8-bit data: samples as they are.
    pub fn identity() -> Display {
        Display {
            stretch: None,
            lut: Vec::new(),
        }
    }

    /// The 0.1 / 99.9 percentile stretch of `sampled` chunks (colour bands only), as
    /// [`crate::io::pyramid::to_display_rgb8`] measures it for a whole image.
    pub fn measured(format: PixelFormat, sampled: &[DecodingResult]) -> Display {
        let colour_bands = match format.colour {
            Colour::Gray => 1,
            _ => 3,
        };
        let stretch = match format.kind {
            SampleKind::U8 => return Display::identity(),
            SampleKind::U16 => {
                let mut hist = vec![0u64; 1 << 16];
                for chunk in sampled {
                    if let DecodingResult::U16(v) = chunk {
                        for px in v.chunks_exact(format.samples) {
                            for s in &px[..colour_bands] {
                                hist[usize::from(*s)] += 1;
                            }
                        }
                    }
                }
                let (low, high) = percentile_bins(&hist);
                if high > low {
                    StretchRange {
                        low: low as f64,
                        high: high as f64,
                    }
                } else {
                    StretchRange {
                        low: 0.0,
                        high: f64::from(u16::MAX),
                    }
                }
            }
            SampleKind::F32 => {
                let mut values: Vec<f32> = Vec::new();
                for chunk in sampled {
                    if let DecodingResult::F32(v) = chunk {
                        for px in v.chunks_exact(format.samples) {
                            values.extend(px[..colour_bands].iter().filter(|s| s.is_finite()));
                        }
                    }
                }
                float_stretch(&mut values)
            }
        };
        let lut = if format.kind == SampleKind::U16 {
            (0..=u16::MAX)
                .map(|v| stretch_value(f64::from(v), stretch.low, stretch.high))
                .collect()
        } else {
            Vec::new()
        };
        Display {
            stretch: Some(stretch),
            lut,
        }
    }

    fn u16_to_u8(&self, v: u16) -> u8 {
        self.lut
            .get(usize::from(v))
            .copied()
            .unwrap_or((v >> 8) as u8)
    }

    fn f32_to_u8(&self, v: f32) -> u8 {
        match self.stretch {
            Some(s) if v.is_finite() => stretch_value(f64::from(v), s.low, s.high),
            _ => 0,
        }
    }
}

/// The 0.1 / 99.9 percentiles of finite float samples (reordered in place).
fn float_stretch(values: &mut [f32]) -> StretchRange {
    if values.is_empty() {
        return StretchRange {
            low: 0.0,
            high: 1.0,
        };
    }
    let at = |values: &mut [f32], percent: f64| -> f64 {
        let i =
            ((values.len() as f64 * percent / 100.0).ceil() as usize).clamp(1, values.len()) - 1;
        let (_, v, _) = values.select_nth_unstable_by(i, f32::total_cmp);
        f64::from(*v)
    };
    let low = at(values, 0.1);
    let high = at(values, 99.9);
    if high > low {
        StretchRange { low, high }
    } else {
        // A flat image: its single value as mid gray.
        StretchRange {
            low: low - 1.0,
            high: low + 1.0,
        }
    }
}

/// Converts one decoded chunk of `width` x `height` pixels to display RGB8.
pub(super) fn chunk_to_rgb8(
    chunk: &DecodingResult,
    width: u32,
    height: u32,
    format: PixelFormat,
    display: &Display,
) -> Result<RgbImage, String> {
    let pixels = width as usize * height as usize;
    let expect = pixels * format.samples;
    let mut out = vec![0u8; pixels * 3];
    let wrong = |len: usize| {
        Err(format!(
            "a chunk holds {len} samples where {width} x {height} pixels need {expect}"
        ))
    };
    match (chunk, format.kind) {
        (DecodingResult::U8(v), SampleKind::U8) => {
            if v.len() < expect {
                return wrong(v.len());
            }
            fill(&mut out, v, format, |s| *s);
        }
        (DecodingResult::U16(v), SampleKind::U16) => {
            if v.len() < expect {
                return wrong(v.len());
            }
            fill(&mut out, v, format, |s| display.u16_to_u8(*s));
        }
        (DecodingResult::F32(v), SampleKind::F32) => {
            if v.len() < expect {
                return wrong(v.len());
            }
            fill(&mut out, v, format, |s| display.f32_to_u8(*s));
        }
        _ => return Err("a chunk's sample type differs from the image's".to_string()),
    }
    RgbImage::from_raw(width, height, out).ok_or_else(|| "a chunk has no pixels".to_string())
}

fn fill<T>(out: &mut [u8], samples: &[T], format: PixelFormat, map: impl Fn(&T) -> u8) {
    for (dst, px) in out
        .chunks_exact_mut(3)
        .zip(samples.chunks_exact(format.samples))
    {
        match format.colour {
            Colour::Gray => {
                let g = map(&px[0]);
                dst.copy_from_slice(&[g, g, g]);
            }
            Colour::Rgb => dst.copy_from_slice(&[map(&px[0]), map(&px[1]), map(&px[2])]),
            Colour::YCbCr => {
                let (y, cb, cr) = (
                    f32::from(map(&px[0])),
                    f32::from(map(&px[1])) - 128.0,
                    f32::from(map(&px[2])) - 128.0,
                );
                let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
                dst.copy_from_slice(&[
                    c(y + 1.402 * cr),
                    c(y - 0.344_136 * cb - 0.714_136 * cr),
                    c(y + 1.772 * cb),
                ]);
            }
        }
    }
}
