//! Tests of `pyramid.rs`.

use super::*;
use image::{ImageBuffer, Luma, Rgb, Rgba};

#[test]
fn downsampling_a_known_pattern_gives_the_exact_rounded_averages() {
    // 4x2: the left 2x2 block holds 0, 10, 20, 30 (mean 15); the right one 1, 2, 3, 5
    // (mean 2.75, rounds to 3).
    let values = [[0u8, 10, 1, 2], [20, 30, 3, 5]];
    let img = RgbImage::from_fn(4, 2, |x, y| {
        let v = values[y as usize][x as usize];
        Rgb([v, v.saturating_mul(2), 255 - v])
    });
    let half = downsample_2x(&img);
    assert_eq!(half.dimensions(), (2, 1));
    assert_eq!(half.get_pixel(0, 0), &Rgb([15, 30, 240]));
    assert_eq!(half.get_pixel(1, 0), &Rgb([3, 6, 252]));
}

#[test]
fn downsampling_an_odd_sized_image_rounds_the_size_up_and_averages_the_edge_pixels() {
    // 3x3 with a distinct value per pixel.
    let img = RgbImage::from_fn(3, 3, |x, y| {
        let v = (10 * (3 * y + x)) as u8;
        Rgb([v, v, v])
    });
    let half = downsample_2x(&img);
    assert_eq!(half.dimensions(), (2, 2));
    // Full block: 0, 10, 30, 40 -> 20. Right column: 20, 50 -> 35.
    // Bottom row: 60, 70 -> 65. Corner: 80 alone.
    assert_eq!(half.get_pixel(0, 0)[0], 20);
    assert_eq!(half.get_pixel(1, 0)[0], 35);
    assert_eq!(half.get_pixel(0, 1)[0], 65);
    assert_eq!(half.get_pixel(1, 1)[0], 80);
}

#[test]
fn downsampling_a_large_image_on_several_threads_matches_the_single_pixel_rule() {
    let img = RgbImage::from_fn(1001, 777, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 256) as u8])
    });
    let half = downsample_2x(&img);
    assert_eq!(half.dimensions(), (501, 389));
    for (x, y) in [(0, 0), (250, 100), (500, 200), (17, 388), (500, 388)] {
        let mut sum = [0u32; 3];
        let mut n = 0;
        for sy in 2 * y..(2 * y + 2).min(777) {
            for sx in 2 * x..(2 * x + 2).min(1001) {
                let p = img.get_pixel(sx, sy);
                for c in 0..3 {
                    sum[c] += u32::from(p[c]);
                }
                n += 1;
            }
        }
        let expected: Vec<u8> = sum.iter().map(|s| ((s + n / 2) / n) as u8).collect();
        assert_eq!(half.get_pixel(x, y).0.to_vec(), expected, "at {x},{y}");
    }
}

#[test]
fn the_quick_overview_of_a_uniform_image_is_that_colour_at_a_power_of_two_scale() {
    let img = RgbImage::from_pixel(3000, 1100, Rgb([12, 130, 250]));
    let (overview, scale) = quick_overview(&img, 1024);
    assert!(scale.is_power_of_two());
    assert_eq!(scale, 4);
    assert!(overview.width().max(overview.height()) <= 1024);
    assert_eq!(overview.dimensions(), level_size(3000, 1100, 2));
    assert!(overview.pixels().all(|p| *p == Rgb([12, 130, 250])));
}

#[test]
fn the_quick_overview_has_the_size_of_the_matching_pyramid_level() {
    let img = RgbImage::from_fn(2049, 777, |x, _| Rgb([(x % 256) as u8, 0, 0]));
    let (overview, scale) = quick_overview(&img, 512);
    assert_eq!(scale, 8);
    let exact = downsample_2x(&downsample_2x(&downsample_2x(&img)));
    assert_eq!(overview.dimensions(), exact.dimensions());
}

#[test]
fn the_quick_overview_of_a_small_image_is_the_image_itself() {
    let img = RgbImage::from_pixel(300, 200, Rgb([1, 2, 3]));
    let (overview, scale) = quick_overview(&img, 1024);
    assert_eq!(scale, 1);
    assert_eq!(overview, img);
}

#[test]
fn level_count_stops_at_the_first_level_that_fits_in_one_tile() {
    assert_eq!(level_count(512, 512, TILE_SIZE), 1);
    assert_eq!(level_count(513, 10, TILE_SIZE), 2);
    assert_eq!(level_count(16384, 16384, TILE_SIZE), 6);
    assert_eq!(level_count(30000, 30000, TILE_SIZE), 7);
    assert_eq!(level_size(30000, 29999, 6), (469, 469));
}

#[test]
fn twelve_bit_data_in_a_sixteen_bit_container_is_stretched_to_most_of_the_8_bit_range() {
    let img: ImageBuffer<Luma<u16>, Vec<u16>> =
        ImageBuffer::from_fn(256, 64, |x, y| Luma([((x + 256 * y) % 4096) as u16]));
    let (rgb, info) = to_display_rgb8(DynamicImage::ImageLuma16(img));
    assert_eq!(info.bits_per_sample, 16);
    assert_eq!(info.bands, 1);
    let stretch = info.stretch.expect("16-bit data is stretched");
    assert!(
        stretch.high <= 4095.0 && stretch.high > 4000.0,
        "{stretch:?}"
    );
    let min = rgb.pixels().map(|p| p[0]).min().unwrap();
    let max = rgb.pixels().map(|p| p[0]).max().unwrap();
    assert!(min <= 5 && max >= 250, "range {min}..{max}");
    assert!(rgb.pixels().all(|p| p[0] == p[1] && p[1] == p[2]));
}

#[test]
fn sixteen_bit_colour_is_stretched_over_all_bands_together_keeping_the_colour_balance() {
    // Red twice as bright as blue everywhere: it must stay brighter after the stretch.
    let img: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_fn(100, 100, |x, _| {
        let v = (x * 20) as u16;
        Rgb([2 * v, v + v / 2, v])
    });
    let (rgb, info) = to_display_rgb8(DynamicImage::ImageRgb16(img));
    assert_eq!(info.bands, 3);
    let p = rgb.get_pixel(50, 0);
    assert!(p[0] > p[1] && p[1] > p[2], "{p:?}");
}

#[test]
fn float_images_are_stretched_and_non_finite_samples_show_black() {
    let mut img: ImageBuffer<Rgb<f32>, Vec<f32>> =
        ImageBuffer::from_fn(64, 64, |x, _| Rgb([x as f32 / 1000.0; 3]));
    img.put_pixel(0, 0, Rgb([f32::NAN; 3]));
    let (rgb, info) = to_display_rgb8(DynamicImage::ImageRgb32F(img));
    assert!(info.float);
    assert_eq!(rgb.get_pixel(0, 0), &Rgb([0, 0, 0]));
    assert!(rgb.get_pixel(63, 5)[0] >= 250);
}

#[test]
fn eight_bit_images_pass_through_gray_is_replicated_and_alpha_is_dropped() {
    let rgb = RgbImage::from_pixel(3, 2, Rgb([1, 2, 3]));
    let (out, info) = to_display_rgb8(DynamicImage::ImageRgb8(rgb.clone()));
    assert_eq!(out, rgb);
    assert_eq!(
        (info.bits_per_sample, info.bands, info.stretch),
        (8, 3, None)
    );

    let gray = image::GrayImage::from_pixel(3, 2, Luma([77]));
    let (out, _) = to_display_rgb8(DynamicImage::ImageLuma8(gray));
    assert!(out.pixels().all(|p| *p == Rgb([77, 77, 77])));

    let rgba = image::RgbaImage::from_fn(5, 3, |x, y| Rgba([x as u8, y as u8, 9, 0]));
    let (out, info) = to_display_rgb8(DynamicImage::ImageRgba8(rgba));
    assert_eq!(info.bands, 4);
    assert_eq!(out.dimensions(), (5, 3));
    assert_eq!(out.get_pixel(4, 2), &Rgb([4, 2, 9]));
}

#[test]
fn the_luminance_histogram_counts_pixels_and_percentiles_find_its_tails() {
    let img = RgbImage::from_fn(100, 100, |x, _| {
        let v = if x < 10 { 20 } else { 200 };
        Rgb([v, v, v])
    });
    let hist = luminance_histogram(&img);
    assert_eq!(hist.iter().sum::<u64>(), 10_000);
    assert_eq!(hist[20], 1_000);
    assert_eq!(percentile(&hist, 5.0), 20);
    assert_eq!(percentile(&hist, 50.0), 200);
    assert_eq!(percentile(&[0; 256], 50.0), 0);
}
