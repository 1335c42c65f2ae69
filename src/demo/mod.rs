//! The deterministic synthetic demo site: a factory compound by a river ("Riverside plant") seen
//! from above on three dates of 2024, and the ground truth of what changed between them.
//!
//! It exists so that sitediff can be tried, screenshotted, tested and benchmarked without real
//! imagery: the committed `assets/demo/` files come from [`generate_demo`] at 2048 px, and the
//! benchmarks generate the same site at 16384 px. Between the dates three old buildings are
//! demolished (rubble in April, bare ground in July), an L-shaped and a U-shaped hall are built,
//! and three buildings are renovated (a new roof, solar panels, an extension).
//!
//! Everything is a pure function of the options: the same size and seed give byte-identical
//! files on every run. The layout lives in a 2048-unit reference frame and scales with the size;
//! the seed moves only trees, vehicles, stacks and texture, never the changes.

mod layout;
mod materials;
mod noise;
mod render;
mod scene;
mod shapes;

use crate::io::SaveError;
use crate::io::project_file::{project_to_string, relative_image_path, write_atomically};
use crate::model::{
    CaptureDate, Confidence, DatedImage, Footprint, ImageId, Point, Polygon, Project, Site,
    Timestamp,
};
use image::RgbImage;
use image::codecs::jpeg::JpegEncoder;
use layout::{CHANGES, Outline, REFERENCE_SIZE};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Ids in a project made from scratch here are far from running out.
const FRESH: &str = "a new project has every id free";

/// The smallest image side [`generate_demo`] accepts; below it buildings are a few pixels.
pub const MIN_SIZE: u32 = 64;
/// The largest image side: the JPEG format stops at 65 535.
pub const MAX_SIZE: u32 = 65_000;
/// The project file written beside the images.
pub const PROJECT_FILE_NAME: &str = "demo.ron";
/// Who the ground truth footprints name as their author.
pub const AUTHOR: &str = "make_demo";
/// The tag on every ground truth footprint, so they can be told apart from an analyst's.
pub const GROUND_TRUTH_TAG: &str = "ground-truth";
/// JPEG quality of the written images: high enough for analysis, small enough to commit.
pub const JPEG_QUALITY: u8 = 90;

/// One of the three capture dates of the demo site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DemoDate {
    January,
    April,
    July,
}

impl DemoDate {
    /// Oldest first.
    pub const ALL: [DemoDate; 3] = [DemoDate::January, DemoDate::April, DemoDate::July];

    /// The capture day as `YYYY-MM-DD`.
    pub fn iso(self) -> &'static str {
        match self {
            DemoDate::January => "2024-01-15",
            DemoDate::April => "2024-04-15",
            DemoDate::July => "2024-07-15",
        }
    }

    /// The image file name, with the date in it so that date detection finds it too.
    pub fn file_name(self) -> String {
        format!("riverside_{}.jpg", self.iso())
    }

    /// The capture day as the project model stores it.
    pub fn capture_date(self) -> CaptureDate {
        self.iso().parse().unwrap_or_default()
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What to generate: the image side in pixels (square images) and the seed for the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoOptions {
    /// Width and height of every image in pixels; the layout scales with it (2048 is the
    /// reference, 16384 the same site at 8 times the resolution).
    pub size: u32,
    /// Moves trees, vehicles, stacks and texture; never the buildings or the changes.
    pub seed: u64,
}

impl Default for DemoOptions {
    /// The committed demo: 2048 px, seed 1.
    fn default() -> Self {
        DemoOptions {
            size: 2048,
            seed: 1,
        }
    }
}

/// Why the demo could not be generated. Every file error names the file.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("an image size of {0} px is not supported: choose {MIN_SIZE} to {MAX_SIZE}")]
    BadSize(u32),
    #[error("{}: cannot create the output folder: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write the image: {source}", path.display())]
    WriteImage {
        path: PathBuf,
        source: image::ImageError,
    },
    #[error("{}: cannot write the image: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    SaveProject(#[from] SaveError),
}

/// Renders one date of the demo site at `options.size` pixels square, without touching the disk
/// (for tests and benchmarks).
pub fn render_date(date: DemoDate, options: &DemoOptions) -> RgbImage {
    render_date_with_progress(date, options, |_| {})
}

/// Like [`render_date`], reporting the fraction of rows done (0 to 1) as bands finish.
pub fn render_date_with_progress(
    date: DemoDate,
    options: &DemoOptions,
    progress: impl FnMut(f32),
) -> RgbImage {
    let scene = scene::Scene::build(date, options.seed);
    render::render(&scene, options.size, progress)
}

/// The ground truth of the demo as a project: one site, the three dated images (named as
/// [`generate_demo`] writes them, beside the project file) and one footprint per change, in the
/// pixel frame of an image of `options.size`.
pub fn ground_truth(options: &DemoOptions) -> Project {
    let mut project = Project::new("Demo: Riverside plant");
    let site_id = project.next_ids.new_site().expect(FRESH);
    let mut site = Site::new(site_id, "Riverside plant");
    site.note = format!(
        "Synthetic factory compound drawn by `make_demo` (seed {}, {} px). Every change \
         between the three dates is a footprint tagged `{GROUND_TRUTH_TAG}`.",
        options.seed, options.size
    );
    let mut image_ids = [ImageId(0); 3];
    for date in DemoDate::ALL {
        let id = project.next_ids.new_image().expect(FRESH);
        image_ids[date.index()] = id;
        let mut image = DatedImage::new(id, date.file_name(), date.capture_date());
        image.source = "sitediff synthetic generator".into();
        site.images.push(image);
    }
    site.reference_image = Some(image_ids[DemoDate::January.index()]);

    let scale = f64::from(options.size) / f64::from(REFERENCE_SIZE);
    let to_site = |outline: Outline| {
        Polygon::new(
            outline
                .iter()
                .map(|&(x, y)| Point::new(f64::from(x) * scale, f64::from(y) * scale))
                .collect(),
        )
    };
    // 2024-08-01T00:00:00Z: fixed, so the project file is the same on every run.
    let stamp = Timestamp(chrono::DateTime::UNIX_EPOCH + chrono::TimeDelta::seconds(1_722_470_400));
    for change in &CHANGES {
        let mut footprint = Footprint::new(
            project.next_ids.new_footprint().expect(FRESH),
            change.kind,
            image_ids[change.before.index()],
            image_ids[change.after.index()],
            to_site(change.outline),
            AUTHOR,
            stamp,
        );
        footprint.after_outline = change.after_outline.map(to_site);
        footprint.confidence = Confidence::High;
        footprint.tags = vec![GROUND_TRUTH_TAG.to_string()];
        footprint.note = change.note.to_string();
        site.footprints.push(footprint);
    }
    project.sites.push(site);
    project.canonicalize();
    project
}

/// Writes the three dated JPEG images and `demo.ron` into `out_dir` (created if missing) and
/// returns the ground truth project and the project file's path. `progress` gets the overall
/// fraction done, 0 to 1; at 16384 px each image takes a while.
///
/// Images are rendered one at a time, so memory stays near one image (3 bytes per pixel).
pub fn generate_demo(
    out_dir: &Path,
    options: &DemoOptions,
    mut progress: impl FnMut(f32),
) -> Result<(Project, PathBuf), DemoError> {
    if !(MIN_SIZE..=MAX_SIZE).contains(&options.size) {
        return Err(DemoError::BadSize(options.size));
    }
    fs::create_dir_all(out_dir).map_err(|source| DemoError::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let project_file = out_dir.join(PROJECT_FILE_NAME);
    let mut project = ground_truth(options);
    // Per date: 85 % rendering, 15 % encoding.
    let share = 1.0 / DemoDate::ALL.len() as f32;
    for date in DemoDate::ALL {
        let start = date.index() as f32 * share;
        let image = render_date_with_progress(date, options, |f| {
            progress(start + 0.85 * share * f);
        });
        let path = out_dir.join(date.file_name());
        write_jpeg(&path, &image)?;
        drop(image);
        // Name the image as the project file sees it (the same, since they share a folder).
        let relative = relative_image_path(&project_file, &path);
        for site in &mut project.sites {
            for img in &mut site.images {
                if img.path == date.file_name() {
                    img.path = relative.clone();
                }
            }
        }
        progress(start + share);
    }
    let text = project_to_string(&project)?;
    write_atomically(&project_file, text.as_bytes(), false)?;
    progress(1.0);
    Ok((project, project_file))
}

fn write_jpeg(path: &Path, image: &RgbImage) -> Result<(), DemoError> {
    let io_error = |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::File::create(path).map_err(io_error)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    JpegEncoder::new_with_quality(&mut writer, JPEG_QUALITY)
        .encode_image(image)
        .map_err(|source| DemoError::WriteImage {
            path: path.to_path_buf(),
            source,
        })?;
    writer.flush().map_err(io_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, validate};

    const SMALL: DemoOptions = DemoOptions { size: 256, seed: 7 };

    /// Mean absolute difference per channel between two images inside a rectangle given in
    /// reference units.
    fn mean_difference(a: &RgbImage, b: &RgbImage, [x0, y0, x1, y1]: [f32; 4]) -> f64 {
        let k = a.width() as f32 / REFERENCE_SIZE;
        let (px0, py0) = ((x0 * k).ceil() as u32, (y0 * k).ceil() as u32);
        let (px1, py1) = ((x1 * k).floor() as u32, (y1 * k).floor() as u32);
        let mut sum = 0u64;
        let mut n = 0u64;
        for y in py0..py1 {
            for x in px0..px1 {
                let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
                for c in 0..3 {
                    sum += u64::from(p[c].abs_diff(q[c]));
                    n += 1;
                }
            }
        }
        sum as f64 / n as f64
    }

    #[test]
    fn generation_at_a_small_size_gives_the_same_bytes_twice() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (_, file_a) = generate_demo(a.path(), &SMALL, |_| {}).unwrap();
        let (_, file_b) = generate_demo(b.path(), &SMALL, |_| {}).unwrap();
        assert_eq!(fs::read(&file_a).unwrap(), fs::read(&file_b).unwrap());
        for date in DemoDate::ALL {
            let name = date.file_name();
            let bytes_a = fs::read(a.path().join(&name)).unwrap();
            assert!(bytes_a.len() > 1000, "{name} is suspiciously small");
            assert_eq!(bytes_a, fs::read(b.path().join(&name)).unwrap(), "{name}");
        }
    }

    #[test]
    fn the_written_project_loads_back_equal_and_names_its_images_relatively() {
        let dir = tempfile::tempdir().unwrap();
        let (project, file) = generate_demo(dir.path(), &SMALL, |_| {}).unwrap();
        let loaded = crate::io::load_project(&file).unwrap();
        assert_eq!(loaded, project);
        let paths: Vec<_> = loaded.sites[0]
            .images
            .iter()
            .map(|i| i.path.clone())
            .collect();
        assert_eq!(
            paths,
            [
                "riverside_2024-01-15.jpg",
                "riverside_2024-04-15.jpg",
                "riverside_2024-07-15.jpg"
            ]
        );
    }

    #[test]
    fn the_ground_truth_project_validates() {
        let project = ground_truth(&DemoOptions::default());
        let problems = validate(&project);
        assert!(problems.is_empty(), "{problems:?}");
        let site = &project.sites[0];
        assert_eq!(site.reference_image, Some(site.images_by_date()[0].id));
        assert!(
            site.footprints
                .iter()
                .all(|f| f.confidence == Confidence::High
                    && f.tags == [GROUND_TRUTH_TAG]
                    && f.author == AUTHOR)
        );
    }

    #[test]
    fn every_change_kind_appears_in_the_ground_truth() {
        let project = ground_truth(&SMALL);
        for kind in ChangeKind::ALL {
            let n = project
                .all_footprints()
                .filter(|(_, f)| f.kind == kind)
                .count();
            assert!(n >= 1, "no {kind} footprint");
        }
        let demolished = project
            .all_footprints()
            .filter(|(_, f)| f.kind == ChangeKind::Demolished)
            .count();
        assert_eq!(demolished, 3);
    }

    #[test]
    fn at_least_one_new_hall_is_concave() {
        let project = ground_truth(&DemoOptions::default());
        let concave = project.all_footprints().any(|(_, f)| {
            f.kind == ChangeKind::New && f.outline.len() > 4 && {
                let hull_area = f
                    .outline
                    .bounding_box()
                    .map_or(0.0, |b| b.width() * b.height());
                f.outline.area() < hull_area
            }
        });
        assert!(concave);
    }

    #[test]
    fn the_extended_building_has_a_larger_after_outline() {
        let project = ground_truth(&DemoOptions::default());
        let extended: Vec<_> = project
            .all_footprints()
            .filter_map(|(_, f)| f.after_outline.as_ref().map(|a| (f, a)))
            .collect();
        assert_eq!(extended.len(), 1);
        let (f, after) = extended[0];
        assert_eq!(f.kind, ChangeKind::Renovated);
        assert!(after.area() > f.outline.area() * 1.1);
    }

    #[test]
    fn outlines_scale_with_the_image_size() {
        let a = ground_truth(&DemoOptions {
            size: 2048,
            seed: 1,
        });
        let b = ground_truth(&DemoOptions {
            size: 16384,
            seed: 1,
        });
        let (fa, fb) = (&a.sites[0].footprints[0], &b.sites[0].footprints[0]);
        assert_eq!(fb.outline.area(), fa.outline.area() * 64.0);
        // At the reference size, corners fall on whole pixels.
        assert!(
            fa.outline
                .points()
                .iter()
                .all(|p| p.x.fract() == 0.0 && p.y.fract() == 0.0)
        );
    }

    #[test]
    fn a_demolished_building_changes_clearly_while_a_far_unchanged_roof_barely_does() {
        let jan = render_date(DemoDate::January, &SMALL);
        let apr = render_date(DemoDate::April, &SMALL);
        // Inside the old workshop (D1), a little in from its walls.
        let demolished = mean_difference(&jan, &apr, [216.0, 1076.0, 364.0, 1164.0]);
        // The middle of production hall 1, untouched all year.
        let unchanged = mean_difference(&jan, &apr, [260.0, 600.0, 470.0, 820.0]);
        assert!(
            demolished > 25.0,
            "demolished area differs by only {demolished:.1}"
        );
        assert!(unchanged < 12.0, "unchanged roof differs by {unchanged:.1}");
        assert!(demolished > 3.0 * unchanged);
    }

    #[test]
    fn the_new_l_shaped_hall_appears_between_april_and_july() {
        let apr = render_date(DemoDate::April, &SMALL);
        let jul = render_date(DemoDate::July, &SMALL);
        let hall = mean_difference(&apr, &jul, [1130.0, 660.0, 1300.0, 950.0]);
        assert!(hall > 15.0, "the new hall's area differs by only {hall:.1}");
    }

    #[test]
    fn the_seed_changes_details_but_not_the_ground_truth() {
        let other = DemoOptions { seed: 8, ..SMALL };
        assert_ne!(
            render_date(DemoDate::July, &SMALL),
            render_date(DemoDate::July, &other)
        );
        let (a, b) = (ground_truth(&SMALL), ground_truth(&other));
        assert_eq!(a.sites[0].footprints, b.sites[0].footprints);
    }

    #[test]
    fn an_impossible_size_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("never");
        let err = generate_demo(&out, &DemoOptions { size: 8, seed: 1 }, |_| {}).unwrap_err();
        assert!(matches!(err, DemoError::BadSize(8)));
        assert!(!out.exists());
    }
}
