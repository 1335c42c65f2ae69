//! The pictures one decoded image gives the report: the site's overview and footprint crops,
//! outlines drawn, encoded as JPEG and written. The pyramid levels they need are built first;
//! then the pictures are cut, drawn, encoded and written on all cores, since with a thousand
//! footprints that is as much work as the decode.

use super::crop::{
    CROP_MAX_SIDE, Levels, OVERVIEW_MAX_SIDE, PixelRect, crop_box, footprint_site_box,
    overview_level, site_box_in_image,
};
use super::raster::{LabelPlacer, draw_label, draw_outline, kind_style, label_size};
use super::{Job, PICTURE_FOLDER, Picture, ReportError, write_file};
use crate::editing::{OutlineRef, Side};
use crate::model::{Affine, DatedImage, Footprint, Point, Site};
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// JPEG quality of the pictures: small files, no visible blocks at the sizes shown.
const JPEG_QUALITY: u8 = 85;
/// Outline width in picture pixels.
const OUTLINE_WIDTH: u32 = 2;

/// A picture ready to be cut: what it shows and from where.
enum Task<'a> {
    Overview,
    Crop {
        fp: &'a Footprint,
        side: Side,
        rect: PixelRect,
    },
}

/// Makes every picture `jobs` asks of `image` (decoded into `levels`) and writes them into
/// `picture_dir`; the results come in the order of `jobs`. Stops at the first file that cannot
/// be written.
pub(super) fn make_pictures(
    site: &Site,
    image: &DatedImage,
    levels: &mut Levels,
    jobs: &[Job],
    picture_dir: &Path,
) -> Result<Vec<Picture>, ReportError> {
    let Some(image_from_site) = image.to_site.inverse() else {
        let why = format!(
            "image {} has a transform into the site frame that cannot be inverted",
            image.id
        );
        return Ok(jobs
            .iter()
            .map(|_| Picture::NotShown(why.clone()))
            .collect());
    };
    let tasks: Vec<Result<Task, String>> = jobs
        .iter()
        .map(|job| plan(site, image, levels, &image_from_site, *job))
        .collect();
    let deepest = tasks
        .iter()
        .filter_map(|t| t.as_ref().ok())
        .map(|t| match t {
            Task::Overview => overview_level(levels.width(), levels.height(), OVERVIEW_MAX_SIDE).0,
            Task::Crop { rect, .. } => Levels::crop_level(*rect, CROP_MAX_SIDE),
        })
        .max();
    if let Some(k) = deepest {
        levels.build_to(k);
    }
    let levels = &*levels;
    let results = in_parallel(&tasks, |task| match task {
        Err(why) => Ok(Picture::NotShown(why.clone())),
        Ok(task) => {
            let (rgb, file) = match task {
                Task::Overview => (
                    overview_picture(site, levels, &image_from_site),
                    format!("S{}-overview.jpg", site.id.0),
                ),
                Task::Crop { fp, side, rect } => (
                    footprint_picture(levels, &image_from_site, fp, *side, *rect),
                    format!("S{}-F{}-{}.jpg", site.id.0, fp.id.0, side.label()),
                ),
            };
            save(&rgb, &file, picture_dir)
        }
    });
    results.into_iter().collect()
}

/// What a job will cut, or why it cannot be made.
fn plan<'a>(
    site: &'a Site,
    image: &DatedImage,
    levels: &Levels,
    image_from_site: &Affine,
    job: Job,
) -> Result<Task<'a>, String> {
    let (i, side) = match job {
        Job::Overview => return Ok(Task::Overview),
        Job::Footprint(i, side) => (i, side),
    };
    let fp = site.footprints.get(i).ok_or("no such footprint")?;
    let site_box = footprint_site_box(fp).ok_or("the footprint has no outline")?;
    let (width, height) = (levels.width(), levels.height());
    let in_image = site_box_in_image(&site_box, image_from_site);
    let rect = crop_box(&in_image, width, height).ok_or_else(|| {
        format!(
            "the outline lies outside image {} ({width} x {height} px)",
            image.id
        )
    })?;
    Ok(Task::Crop { fp, side, rect })
}

/// Encodes and writes one picture into `picture_dir` as `file`.
fn save(rgb: &RgbImage, file: &str, picture_dir: &Path) -> Result<Picture, ReportError> {
    let path = picture_dir.join(file);
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(rgb)
        .map_err(|e| ReportError::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
    write_file(&path, &bytes)?;
    Ok(Picture::Written {
        file: format!("{PICTURE_FOLDER}/{file}"),
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// The whole image scaled down, with every footprint's outline and (where there is room) its
/// id.
pub(super) fn overview_picture(site: &Site, levels: &Levels, image_from_site: &Affine) -> RgbImage {
    let (mut pic, map) = levels.overview(OVERVIEW_MAX_SIDE);
    let to_picture = |p| map.apply(image_from_site.apply(p));
    for fp in &site.footprints {
        let points: Vec<(f64, f64)> = fp.outline.0.iter().map(|p| to_picture(*p)).collect();
        draw_outline(&mut pic, &points, kind_style(fp.kind), OUTLINE_WIDTH);
    }
    label_footprints(&mut pic, site, to_picture);
    pic
}

/// The footprint with its context (`rect`, in the image's pixels) in one of its two images,
/// its outline drawn: in the after image, its after-outline when it has one.
pub(super) fn footprint_picture(
    levels: &Levels,
    image_from_site: &Affine,
    fp: &Footprint,
    side: Side,
    rect: PixelRect,
) -> RgbImage {
    let (mut pic, map) = levels.picture(rect, CROP_MAX_SIDE);
    let outline = OutlineRef::shown(fp, side).get(fp);
    let points: Vec<(f64, f64)> = outline
        .0
        .iter()
        .map(|p| map.apply(image_from_site.apply(*p)))
        .collect();
    draw_outline(&mut pic, &points, kind_style(fp.kind), OUTLINE_WIDTH);
    pic
}

/// The crop of `fp` in an image `width` x `height` registered by `image_from_site`, or why
/// there is none; for tests that cut crops without a report.
#[cfg(test)]
pub(super) fn crop_of(
    fp: &Footprint,
    image_from_site: &Affine,
    width: u32,
    height: u32,
) -> Option<PixelRect> {
    crop_box(
        &site_box_in_image(&footprint_site_box(fp)?, image_from_site),
        width,
        height,
    )
}

/// Footprints smaller than this on the overview (longest side, pixels) get no id label: with
/// a thousand footprints, labels on every shed would hide the site.
const MIN_LABELLED_SIDE: f64 = 16.0;

/// Writes each footprint's id above its outline on the overview, for footprints large enough
/// there, skipping labels that would cover one already written (the list below the overview
/// names them all).
fn label_footprints(pic: &mut RgbImage, site: &Site, to_picture: impl Fn(Point) -> (f64, f64)) {
    let mut placer = LabelPlacer::default();
    let (pw, ph) = (i64::from(pic.width()), i64::from(pic.height()));
    for fp in &site.footprints {
        let Some(bb) = fp.outline.bounding_box() else {
            continue;
        };
        let corners = [bb.min, bb.max].map(&to_picture);
        let (x, y) = (
            corners[0].0.min(corners[1].0),
            corners[0].1.min(corners[1].1),
        );
        let side = (corners[0].0 - corners[1].0)
            .abs()
            .max((corners[0].1 - corners[1].1).abs());
        if !x.is_finite() || !y.is_finite() || !side.is_finite() || side < MIN_LABELLED_SIDE {
            continue;
        }
        let text = format!("F{}", fp.id.0);
        let (w, h) = label_size(&text);
        let lx = (x.round() as i64).clamp(0, (pw - i64::from(w)).max(0));
        let ly = (y.round() as i64 - i64::from(h) - 1).clamp(0, (ph - i64::from(h)).max(0));
        if placer.reserve(lx, ly, w, h) {
            draw_label(pic, lx, ly, &text, kind_style(fp.kind).rgb);
        }
    }
}

/// Runs `work` on every item on all cores (this thread included), results in the items'
/// order. Items are handed out one at a time, so uneven work still keeps every core busy, and
/// all are done even if the OS refuses to start a helper thread.
fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let drain = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                break;
            };
            done.push((i, work(item)));
        }
        done
    };
    let mut all = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("sitediff-report".into())
                    .spawn_scoped(scope, drain)
                    .ok()
            })
            .collect();
        let mut all = drain();
        for helper in helpers {
            match helper.join() {
                Ok(mut done) => all.append(&mut done),
                // A panic in a helper is a bug in this file: pass it on, as `scope` would.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        all
    });
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_done_in_parallel_comes_back_in_order() {
        let items: Vec<u32> = (0..1000).collect();
        let squares = in_parallel(&items, |i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(in_parallel(&[] as &[u32], |i| *i).is_empty());
    }
}
