use super::*;
use image::codecs::jpeg::JpegEncoder;
use image::{GrayImage, Rgb};

/// A textured test picture: smooth gradients plus a pattern, so blocks differ.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let wave = ((x * 7 + y * 13) % 64) as u8;
        Rgb([
            (x * 255 / width.max(1)) as u8,
            (y * 255 / height.max(1)) as u8,
            wave.wrapping_mul(3).wrapping_add(40),
        ])
    })
}

fn encode(image: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .expect("encoding a test image in memory");
    bytes
}

/// `jpeg-decoder`'s own 1/8 decode, the reference.
fn reference(data: &[u8]) -> RgbImage {
    let mut decoder = jpeg_decoder::Decoder::new(data);
    decoder.read_info().expect("reference header");
    let info = decoder.info().expect("reference info");
    let (w, h) = decoder
        .scale(info.width.div_ceil(8), info.height.div_ceil(8))
        .expect("reference scale");
    let pixels = decoder.decode().expect("reference decode");
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => pixels.iter().flat_map(|&v| [v, v, v]).collect(),
        _ => pixels,
    };
    RgbImage::from_raw(u32::from(w), u32::from(h), rgb).expect("reference size")
}

/// The largest and the mean absolute difference between two images of the same size.
fn differences(a: &RgbImage, b: &RgbImage) -> (u8, f64) {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut max = 0;
    let mut sum = 0u64;
    for (x, y) in a.as_raw().iter().zip(b.as_raw()) {
        let d = x.abs_diff(*y);
        max = max.max(d);
        sum += u64::from(d);
    }
    (max, sum as f64 / a.as_raw().len().max(1) as f64)
}

#[test]
fn a_4_4_4_jpeg_at_one_eighth_matches_the_reference_scaled_decoder() {
    for (w, h) in [(64, 48), (203, 117), (8, 8), (1, 1), (9, 17), (1000, 7)] {
        let data = encode(&image::DynamicImage::ImageRgb8(picture(w, h)), 90);
        let ours = decode_dc(&data).expect("DC decode");
        assert_eq!(
            ours.dimensions(),
            (w.div_ceil(8), h.div_ceil(8)),
            "{w} x {h}"
        );
        let (max, mean) = differences(&ours, &reference(&data));
        // Both take the same DC; only the colour conversion's rounding differs.
        assert!(max <= 2 && mean < 0.5, "{w} x {h}: max {max}, mean {mean}");
    }
}

#[test]
fn a_gray_jpeg_at_one_eighth_matches_the_reference_exactly() {
    let gray = GrayImage::from_fn(77, 45, |x, y| image::Luma([((x * 3 + y * 5) % 256) as u8]));
    let data = encode(&image::DynamicImage::ImageLuma8(gray), 85);
    let ours = decode_dc(&data).expect("DC decode");
    assert_eq!(ours.dimensions(), (10, 6));
    assert_eq!(differences(&ours, &reference(&data)).0, 0);
}

#[test]
fn the_one_eighth_picture_is_close_to_the_block_averages_of_the_full_decode() {
    let data = encode(&image::DynamicImage::ImageRgb8(picture(160, 96)), 95);
    let full = image::load_from_memory(&data)
        .expect("full decode")
        .to_rgb8();
    let ours = decode_dc(&data).expect("DC decode");
    let averaged = RgbImage::from_fn(20, 12, |bx, by| {
        let mut sum = [0u32; 3];
        for y in 0..8 {
            for x in 0..8 {
                let p = full.get_pixel(bx * 8 + x, by * 8 + y);
                for c in 0..3 {
                    sum[c] += u32::from(p[c]);
                }
            }
        }
        Rgb(sum.map(|s| ((s + 32) / 64) as u8))
    });
    let (_, mean) = differences(&ours, &averaged);
    assert!(mean < 3.0, "mean difference {mean}");
}

/// A minimal baseline JPEG writer for layouts `image` does not write: any sampling factors
/// and restart intervals. Every block holds only its DC (its AC coefficients are all zero), set
/// from `value(component, block x, block y)`.
struct DcOnlyJpeg {
    width: u16,
    height: u16,
    /// Per component: (h, v).
    sampling: Vec<(u8, u8)>,
    restart_interval: u16,
    quant: u8,
}

/// The standard luminance DC table (ITU T.81 K.3).
const DC_COUNTS: [u8; 16] = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];

struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, bits: u32) {
        for i in (0..bits).rev() {
            self.acc = (self.acc << 1) | ((value >> i) & 1);
            self.n += 1;
            if self.n == 8 {
                let byte = self.acc as u8;
                self.out.push(byte);
                if byte == 0xFF {
                    self.out.push(0);
                }
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    fn flush(&mut self) {
        while self.n != 0 {
            self.put(1, 1);
        }
    }
}

impl DcOnlyJpeg {
    fn encode(&self, value: impl Fn(usize, usize, usize) -> u8) -> Vec<u8> {
        let q = u32::from(self.quant);
        let mut out = vec![0xFF, 0xD8];
        let segment = |marker: u8, payload: &[u8], out: &mut Vec<u8>| {
            out.extend([0xFF, marker]);
            out.extend(((payload.len() + 2) as u16).to_be_bytes());
            out.extend(payload);
        };
        let mut dqt = vec![0u8];
        dqt.extend([self.quant; 64]);
        segment(0xDB, &dqt, &mut out);
        let mut dht = vec![0x00];
        dht.extend(DC_COUNTS);
        dht.extend(0..12u8);
        // An AC table with the end-of-block symbol alone, coded "0".
        dht.push(0x10);
        dht.extend([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        dht.push(0x00);
        segment(0xC4, &dht, &mut out);
        let n = self.sampling.len() as u8;
        let mut sof = vec![8];
        sof.extend(self.height.to_be_bytes());
        sof.extend(self.width.to_be_bytes());
        sof.push(n);
        for (i, (h, v)) in self.sampling.iter().enumerate() {
            sof.extend([i as u8 + 1, (h << 4) | v, 0]);
        }
        segment(0xC0, &sof, &mut out);
        if self.restart_interval > 0 {
            segment(0xDD, &self.restart_interval.to_be_bytes(), &mut out);
        }
        let mut sos = vec![n];
        for i in 0..n {
            sos.extend([i + 1, 0x00]);
        }
        sos.extend([0, 63, 0]);
        segment(0xDA, &sos, &mut out);

        // Canonical codes of the DC table.
        let mut codes = Vec::new();
        let mut code = 0u32;
        for (length, &count) in DC_COUNTS.iter().enumerate() {
            for _ in 0..count {
                codes.push((code, length as u32 + 1));
                code += 1;
            }
            code <<= 1;
        }
        let h_max = self.sampling.iter().map(|s| s.0).max().unwrap_or(1) as usize;
        let v_max = self.sampling.iter().map(|s| s.1).max().unwrap_or(1) as usize;
        let mcus_x = usize::from(self.width).div_ceil(8 * h_max);
        let mcus_y = usize::from(self.height).div_ceil(8 * v_max);
        let mut bits = BitWriter { out, acc: 0, n: 0 };
        let mut predictors = vec![0i32; self.sampling.len()];
        let mut mcu = 0usize;
        let mut restarts = 0u8;
        for my in 0..mcus_y {
            for mx in 0..mcus_x {
                if self.restart_interval > 0
                    && mcu > 0
                    && mcu.is_multiple_of(usize::from(self.restart_interval))
                {
                    bits.flush();
                    bits.out.extend([0xFF, 0xD0 + restarts % 8]);
                    restarts += 1;
                    predictors.fill(0);
                }
                mcu += 1;
                for (c, &(h, v)) in self.sampling.iter().enumerate() {
                    for y in 0..usize::from(v) {
                        for x in 0..usize::from(h) {
                            let bx = mx * usize::from(h) + x;
                            let by = my * usize::from(v) + y;
                            let level = i32::from(value(c, bx, by)) - 128;
                            let dc = (level * 8) / q as i32;
                            let diff = dc - predictors[c];
                            predictors[c] = dc;
                            let size = 32 - diff.unsigned_abs().leading_zeros();
                            let (code, length) = codes[size as usize];
                            bits.put(code, length);
                            let extra = if diff < 0 { diff - 1 } else { diff };
                            bits.put(extra as u32 & ((1 << size) - 1), size);
                            bits.put(0, 1);
                        }
                    }
                }
            }
        }
        bits.flush();
        let mut out = bits.out;
        out.extend([0xFF, 0xD9]);
        out
    }
}

fn block_value(c: usize, bx: usize, by: usize) -> u8 {
    ((bx * 37 + by * 11 + c * 71) % 200 + 20) as u8
}

/// Smooth over the image (as real chroma is), so that the reference decoder's smoothing of
/// subsampled chroma changes little.
fn smooth_value(c: usize, bx: usize, by: usize) -> u8 {
    (40 + c * 40 + bx + by) as u8
}

/// What one pixel per block should be for `value`, with chroma subsampled 2 x 2 (or 2 x 1
/// with `v_chroma` 1 block per 1 row), computed independently of the decoder.
fn expected_subsampled(
    value: fn(usize, usize, usize) -> u8,
    (x, y): (usize, usize),
    v_step: usize,
) -> [u8; 3] {
    ycbcr_to_rgb(
        value(0, x, y),
        value(1, x / 2, y / v_step),
        value(2, x / 2, y / v_step),
    )
}

#[test]
fn a_4_2_0_jpeg_with_odd_size_matches_the_reference_and_repeats_chroma() {
    let writer = DcOnlyJpeg {
        width: 203,
        height: 117,
        sampling: vec![(2, 2), (1, 1), (1, 1)],
        restart_interval: 0,
        quant: 4,
    };
    let data = writer.encode(block_value);
    let ours = decode_dc(&data).expect("DC decode");
    assert_eq!(ours.dimensions(), (26, 15));
    // Exact where chroma is flat over its 2 x 2 blocks: compare against our own expectation.
    let gray = DcOnlyJpeg {
        sampling: vec![(2, 2), (1, 1), (1, 1)],
        ..writer
    }
    .encode(|c, bx, by| if c == 0 { block_value(0, bx, by) } else { 128 });
    let flat_chroma = decode_dc(&gray).expect("DC decode");
    for (x, y, p) in flat_chroma.enumerate_pixels() {
        let expected = block_value(0, x as usize, y as usize);
        assert!(
            p.0.iter().all(|&v| v.abs_diff(expected) <= 1),
            "({x}, {y}): {p:?} vs {expected}"
        );
    }
    // Each pixel takes the luma of its own block and the chroma of the 2 x 2 blocks' one.
    for (x, y, p) in ours.enumerate_pixels() {
        let expected = expected_subsampled(block_value, (x as usize, y as usize), 2);
        assert_eq!(p.0, expected, "({x}, {y})");
    }
    // Against the reference, which smooths chroma when it upsamples: close on smooth content.
    let smooth = DcOnlyJpeg {
        width: 203,
        height: 117,
        sampling: vec![(2, 2), (1, 1), (1, 1)],
        restart_interval: 0,
        quant: 4,
    }
    .encode(smooth_value);
    let (_, mean) = differences(&decode_dc(&smooth).expect("DC decode"), &reference(&smooth));
    assert!(mean < 2.0, "mean difference {mean}");
}

#[test]
fn restart_markers_are_stepped_over_and_reset_the_prediction() {
    for interval in [1, 3, 7] {
        let make = |restart_interval| {
            DcOnlyJpeg {
                width: 100,
                height: 60,
                sampling: vec![(1, 1); 3],
                restart_interval,
                quant: 2,
            }
            .encode(block_value)
        };
        let (with, without) = (make(interval), make(0));
        let ours = decode_dc(&with).expect("DC decode with restarts");
        assert_eq!(ours, decode_dc(&without).expect("DC decode"));
        assert!(
            differences(&ours, &reference(&with)).0 <= 2,
            "interval {interval}"
        );
    }
}

#[test]
fn a_4_2_2_jpeg_has_one_pixel_per_block() {
    let data = DcOnlyJpeg {
        width: 50,
        height: 33,
        sampling: vec![(2, 1), (1, 1), (1, 1)],
        restart_interval: 2,
        quant: 3,
    }
    .encode(smooth_value);
    let ours = decode_dc(&data).expect("DC decode");
    assert_eq!(ours.dimensions(), (7, 5));
    for (x, y, p) in ours.enumerate_pixels() {
        let expected = expected_subsampled(smooth_value, (x as usize, y as usize), 1);
        assert!(
            p.0.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 1),
            "({x}, {y}): {p:?} vs {expected:?}"
        );
    }
    let (_, mean) = differences(&ours, &reference(&data));
    assert!(mean < 2.0, "mean difference {mean}");
}

#[test]
fn progressive_and_12_bit_jpegs_are_left_to_another_decoder() {
    let mut data = encode(&image::DynamicImage::ImageRgb8(picture(32, 32)), 90);
    let sof = data
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a frame header");
    data[sof + 1] = 0xC2;
    assert!(matches!(decode_dc(&data), Err(DcError::Unsupported(_))));
    data[sof + 1] = 0xC0;
    data[sof + 4] = 12;
    assert!(matches!(decode_dc(&data), Err(DcError::Unsupported(_))));
}

#[test]
fn a_truncated_jpeg_is_an_error() {
    let data = encode(&image::DynamicImage::ImageRgb8(picture(256, 256)), 90);
    for keep in [2, 20, data.len() / 3, data.len() / 2, data.len() - 200] {
        assert!(
            matches!(decode_dc(&data[..keep]), Err(DcError::Corrupt(_))),
            "cut at {keep} of {}",
            data.len()
        );
    }
}

#[test]
fn damaged_bytes_never_panic() {
    let data = encode(&image::DynamicImage::ImageRgb8(picture(96, 64)), 80);
    let mut seed = 12345u64;
    for _ in 0..2000 {
        let mut damaged = data.clone();
        for _ in 0..4 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % damaged.len();
            damaged[at] = (seed >> 17) as u8;
        }
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let keep = damaged.len() - (seed >> 40) as usize % 64;
        // Any outcome but a panic; an image must have the size its header gives.
        if let Ok(image) = decode_dc(&damaged[..keep]) {
            assert!(image.width() <= MAX_SIDE.div_ceil(8));
        }
    }
}

#[test]
fn a_header_larger_than_sitediff_opens_is_refused_before_allocating() {
    let mut data = encode(&image::DynamicImage::ImageRgb8(picture(16, 16)), 90);
    let sof = data
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a frame header");
    data[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(matches!(decode_dc(&data), Err(DcError::Corrupt(_))));
}

/// Noise at the highest quality: many blocks use all 63 AC coefficients and end without an
/// end-of-block code, which the several-coefficients-at-once path must not step past.
fn noise_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 99u64;
    let noise = RgbImage::from_fn(width, height, |_, _| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let v = (seed >> 40) as u32;
        Rgb([v as u8, (v >> 8) as u8, (v >> 16) as u8])
    });
    encode(&image::DynamicImage::ImageRgb8(noise), 100)
}

#[test]
fn blocks_that_use_every_coefficient_decode_like_the_reference() {
    let data = noise_jpeg(120, 88);
    let ours = decode_dc(&data).expect("DC decode of noise");
    let (max, mean) = differences(&ours, &reference(&data));
    assert!(max <= 2 && mean < 0.5, "max {max}, mean {mean}");
}

#[test]
fn a_scan_longer_than_one_unstuffed_chunk_decodes_like_the_reference() {
    // Noise at quality 100 has a stuffed 0xFF every few hundred bytes, and this scan is
    // unstuffed in several chunks, each ending on a block the next one continues.
    let data = noise_jpeg(480, 360);
    assert!(data.len() > 3 * CLEAN_CHUNK, "{} bytes", data.len());
    let ours = decode_dc(&data).expect("DC decode of noise");
    let (max, mean) = differences(&ours, &reference(&data));
    assert!(max <= 2 && mean < 0.5, "max {max}, mean {mean}");
    assert!(decode_dc_through(data.as_slice(), 1000).expect("streamed decode") == ours);
}

#[test]
fn fill_bytes_before_restart_markers_change_nothing() {
    let data = DcOnlyJpeg {
        width: 100,
        height: 60,
        sampling: vec![(2, 2), (1, 1), (1, 1)],
        restart_interval: 2,
        quant: 2,
    }
    .encode(block_value);
    // A marker may be preceded by any number of 0xFF fill bytes (ITU T.81 B.1.1.2).
    let mut filled = Vec::new();
    let mut markers = 0;
    for (i, &byte) in data.iter().enumerate() {
        if byte == 0xFF && matches!(data.get(i + 1), Some(0xD0..=0xD7)) {
            filled.extend([0xFF, 0xFF, 0xFF]);
            markers += 1;
        }
        filled.push(byte);
    }
    assert!(markers > 10, "{markers} restart markers");
    assert!(decode_dc(&filled).expect("DC decode with fill bytes") == decode_dc(&data).unwrap());
}

#[test]
fn streamed_through_any_window_the_picture_is_the_same() {
    let inputs = [
        encode(&image::DynamicImage::ImageRgb8(picture(203, 117)), 90),
        noise_jpeg(64, 40),
        DcOnlyJpeg {
            width: 100,
            height: 60,
            sampling: vec![(2, 2), (1, 1), (1, 1)],
            restart_interval: 3,
            quant: 2,
        }
        .encode(block_value),
    ];
    for data in &inputs {
        let whole = decode_dc(data).expect("DC decode");
        for window in [1, 2, 7, 64, 1000] {
            let streamed = decode_dc_through(data.as_slice(), window).expect("streamed decode");
            assert!(streamed == whole, "window {window}");
        }
        // A reader that hands over a few bytes at a time changes nothing either.
        let trickle = std::io::Read::chain(&data[..data.len() / 2], &data[data.len() / 2..]);
        assert!(decode_dc_through(trickle, 5).expect("chained reader") == whole);
    }
}

#[test]
fn a_read_error_is_reported_as_such() {
    struct FailsAfter<'a>(&'a [u8]);
    impl std::io::Read for FailsAfter<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("the disk went away"));
            }
            let n = out.len().min(self.0.len()).min(100);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let data = encode(&image::DynamicImage::ImageRgb8(picture(256, 256)), 90);
    match decode_dc_through(FailsAfter(&data[..data.len() / 2]), 64) {
        Err(DcError::Read(message)) => assert!(message.contains("the disk went away"), "{message}"),
        other => panic!("expected a read error, got {other:?}"),
    }
}
