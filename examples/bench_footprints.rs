//! Benchmark: a site with 10 000 footprints. Prints, against baselines measured in the same run,
//! how long one pane's footprints take to draw (egui shapes plus egui tessellation, no GPU) zoomed
//! in and with the whole site in view, how long hit testing under the pointer takes, and how long
//! saving and loading the project take.
//!
//! ```text
//! cargo run --release --example bench_footprints [-- --only zoomed|whole|hit|review|files] [--runs N]
//! ```
//!
//! `--only` runs one part and `--runs` measures N frames per view and N saves and loads, e.g. to
//! see where the time goes under `valgrind --tool=callgrind`.
//!
//! The site is generated here, deterministically (SplitMix64, no `rand`): 25 towns of 400
//! buildings on 50 px plots spread over 20 000 x 20 000 px; rotated rectangles of 8-30 px and
//! L- and U-shaped halls of 24-46 px (8-46 m at 1 m per pixel), all three change kinds, a quarter
//! of the renovations with an after-outline, ids handed out in random places (analysts outline
//! here and there), footprints in id order as a loaded project holds them.
//!
//! Baselines, each run interleaved with what it is compared with so that a busy machine slows
//! both alike:
//! - drawing: the old approach, as `src/app/overlay.rs` did before the R-tree: every footprint of
//!   the site visited (its bounding box computed and tested against the view) and each visible
//!   outline re-triangulated with earcutr over its screen points (in a fresh vector per outline),
//!   every frame. It draws the same shapes in the same order as `paint_footprints` (checked
//!   below: outlines drawn, vertices and indices tessellated), so what differs is the index, the
//!   cached triangulations and the per-outline allocations.
//! - growth: the zoomed-in view over 10 000 and over a 1 000-footprint site holding the same
//!   buildings in that view, frames of the two alternating; the ratio should stay near 1.
//! - hit testing: the same tests as `editing::hit::hit` on every footprint whose bounds are near,
//!   found by a linear scan instead of the index (the hits are checked to agree).
//! - save and load: the I/O floor, writing the same bytes with `std::fs` (create, write, fsync)
//!   and reading them back with `std::fs::read`.

use egui::epaint::Vertex;
use egui::{Color32, FontId, Mesh, Pos2, Rect, Shape, Stroke, Vec2};
use sitediff::app::canvas::HIT_RADIUS;
use sitediff::app::canvas::footprints::{
    FootprintLayer, OutlineChoice, changed_within, paint_footprints,
};
use sitediff::app::theme::{LinePattern, SELECTED_COLOR, kind_color, kind_letter, kind_pattern};
use sitediff::app::view::ViewTransform;
use sitediff::editing::derived::Triangulations;
use sitediff::editing::hit::{Hit, HitOptions, HitPart, hit};
use sitediff::editing::index::{SiteIndex, footprint_bounds};
use sitediff::editing::{OutlineRef, Selection, Side};
use sitediff::io::disk_stamp::{DiskState, FileStamp};
use sitediff::io::{load_project, project_to_string, save_project};
use sitediff::model::geometry::closest_point_on_segment;
use sitediff::model::{
    BoundingBox, CaptureDate, ChangeKind, Confidence, DatedImage, Decision, Footprint, FootprintId,
    ImageId, Point, Polygon, Project, Site, SiteId, Timestamp,
};
use std::collections::BTreeSet;
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const FOOTPRINTS: usize = 10_000;
const SMALL_SITE: usize = 1_000;
const SITE_SIDE: f64 = 20_000.0;
const TOWNS_PER_SIDE: usize = 5;
const PLOTS_PER_TOWN: usize = 400;
const PLOT_PITCH: f64 = 50.0;
/// A realistic pane of the side-by-side view, at one pixel per point.
const PANE: Vec2 = Vec2::new(700.0, 800.0);
const PIXELS_PER_POINT: f32 = 1.0;
/// Zoomed in: 100 %, where analysts outline buildings.
const ZOOMED_IN: f64 = 1.0;

const ZOOMED_FRAMES: usize = 100;
const WHOLE_FRAMES: usize = 40;
const HIT_POINTS: usize = 2_000;
const FILE_RUNS: usize = 15;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let wanted = |part: &str| only.as_deref().is_none_or(|o| o == part);
    let runs_arg: Option<usize> = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse())
        .transpose()?;
    let project = generate(FOOTPRINTS);
    // `--write FILE --side N`: write the site, scaled to images of N px, as a project for the
    // real window (its images are `jan.jpg`, `apr.jpg` and `jul.jpg` beside it), and stop.
    if let Some(file) = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1))
    {
        let side: f64 = args
            .iter()
            .position(|a| a == "--side")
            .and_then(|i| args.get(i + 1))
            .map(|n| n.parse())
            .transpose()?
            .unwrap_or(SITE_SIDE);
        let mut scaled = project.clone();
        let k = side / SITE_SIDE;
        for f in &mut scaled.sites[0].footprints {
            f.outline = f.outline.map(|p| Point::new(p.x * k, p.y * k));
            f.after_outline = f
                .after_outline
                .as_ref()
                .map(|o| o.map(|p| Point::new(p.x * k, p.y * k)));
        }
        sitediff::io::save_project(&scaled, std::path::Path::new(file))?;
        println!(
            "wrote {file}: {} footprints scaled to a {side} px site",
            FOOTPRINTS
        );
        return Ok(());
    }
    let site = &project.sites[0];
    let small_project = generate(SMALL_SITE);
    let small_site = &small_project.sites[0];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "sitediff footprint benchmark: {} footprints on a {} x {} px site ({} towns), \
         pane {} x {} pt at {} px/pt, {} cores, load average {}",
        site.footprints.len(),
        SITE_SIDE,
        SITE_SIDE,
        TOWNS_PER_SIDE * TOWNS_PER_SIDE,
        PANE.x,
        PANE.y,
        PIXELS_PER_POINT,
        cores,
        load_average()
    );

    let pane = Rect::from_min_size(Pos2::ZERO, PANE);
    let zoomed = ViewTransform {
        center: town_centre(0),
        zoom: ZOOMED_IN,
    };
    let whole = ViewTransform::fit(
        pane,
        BoundingBox {
            min: Point::new(0.0, 0.0),
            max: Point::new(SITE_SIDE, SITE_SIDE),
        },
    );
    // Every 37th footprint selected (a few in the zoomed view), one hovered.
    let selection = Selection::of(
        site.footprints
            .iter()
            .map(|f| f.id)
            .filter(|id| id.0 % 37 == 0),
    );
    let index = SiteIndex::build(site);
    let small_index = SiteIndex::build(small_site);
    let hover = index
        .intersecting(&zoomed.visible_site_rect(pane))
        .min()
        .unwrap_or(FootprintId(1));
    let pair = (Some(ImageId(1)), Some(ImageId(2)));
    let choice = OutlineChoice::Date(Side::After);

    let ctx = egui::Context::default();
    // Fonts load on the first frame; that is start-up, not drawing.
    for _ in 0..3 {
        let out = ctx.run_ui(frame_input(), |ui| {
            ui.painter_at(pane).text(
                pane.center(),
                egui::Align2::CENTER_CENTER,
                "DNR",
                FontId::proportional(13.0),
                Color32::WHITE,
            );
        });
        black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
    }

    let mut rows = Vec::new();
    let mut details = Vec::new();

    // Frames: zoomed in on 10 000, the same view on 1 000, the whole site.
    let big_layer = FootprintLayer {
        site,
        index: &index,
        pair,
        selection: &selection,
        hover: Some(hover),
    };
    let small_layer = FootprintLayer {
        site: small_site,
        index: &small_index,
        ..big_layer
    };
    let views = [
        (
            "zoomed in (100 %), 10 000 fp",
            &big_layer,
            zoomed,
            ZOOMED_FRAMES,
            Some(4.0),
        ),
        (
            "zoomed in, same view, 1 000 fp",
            &small_layer,
            zoomed,
            ZOOMED_FRAMES,
            None,
        ),
        (
            "whole site in view, 10 000 fp",
            &big_layer,
            whole,
            WHOLE_FRAMES,
            Some(16.0),
        ),
    ];
    for (name, layer, view, frames, target) in views {
        let part = if name.starts_with("zoomed") {
            "zoomed"
        } else {
            "whole"
        };
        if !wanted(part) {
            continue;
        }
        let frames = runs_arg.unwrap_or(frames);
        let mut triangles = Triangulations::default();
        let cold = frame(&ctx, pane, |p| {
            paint_footprints(p, pane, &view, layer, &mut triangles, choice).drawn
        });
        let (new, old) = interleaved_frames(
            &ctx,
            pane,
            frames,
            |p| paint_footprints(p, pane, &view, layer, &mut triangles, choice).drawn,
            |p| paint_old_approach(p, pane, &view, layer, choice),
        );
        let same = new.info == old.info;
        assert!(
            same,
            "{name}: the baseline must draw what paint_footprints draws: {:?} vs {:?}",
            new.info, old.info
        );
        details.push(format!(
            "{name}: {} outlines drawn, {} vertices / {} indices tessellated; \
             median paint {} + tessellate {} (baseline {} + {}); \
             first frame with an empty triangulation cache {}",
            new.info.drawn,
            new.info.vertices,
            new.info.indices,
            ms(median(&new.paint)),
            ms(median(&new.tessellate)),
            ms(median(&old.paint)),
            ms(median(&old.tessellate)),
            ms(cold.total),
        ));
        rows.push(Row {
            name: format!("frame: {name}"),
            stat: Stat::of(&new.total),
            target: target.map(Target::AtMost),
            baseline_name: "old: visit all + earcut",
            baseline: Some(Stat::of(&old.total)),
        });
    }
    // Growth: the same zoomed-in view over 10 000 and over 1 000 footprints, frames of the two
    // alternating (so both see the same machine and the same cache pollution), and the same for
    // the old approach.
    if wanted("zoomed") {
        let frames = runs_arg.unwrap_or(ZOOMED_FRAMES);
        let (mut tri_big, mut tri_small) = (Triangulations::default(), Triangulations::default());
        let (big, small) = interleaved_frames(
            &ctx,
            pane,
            frames,
            |p| paint_footprints(p, pane, &zoomed, &big_layer, &mut tri_big, choice).drawn,
            |p| paint_footprints(p, pane, &zoomed, &small_layer, &mut tri_small, choice).drawn,
        );
        let (big_old, small_old) = interleaved_frames(
            &ctx,
            pane,
            frames,
            |p| paint_old_approach(p, pane, &zoomed, &big_layer, choice),
            |p| paint_old_approach(p, pane, &zoomed, &small_layer, choice),
        );
        let ratio = |a: &Frames, b: &Frames| {
            median(&a.total).as_secs_f64() / median(&b.total).as_secs_f64()
        };
        rows.push(Row {
            name: "zoomed in: 10 000 fp / 1 000 fp (x)".into(),
            stat: Stat::ratio(ratio(&big, &small)),
            target: Some(Target::Ratio(1.25)),
            baseline_name: "old approach, same ratio",
            baseline: Some(Stat::ratio(ratio(&big_old, &small_old))),
        });
        details.push(format!(
            "growth, alternating frames of the zoomed-in view: 10 000 fp {} vs 1 000 fp {} \
             (old approach {} vs {})",
            ms(median(&big.total)),
            ms(median(&small.total)),
            ms(median(&big_old.total)),
            ms(median(&small_old.total)),
        ));
    }

    // Hit testing under the pointer, over the zoomed-in view.
    if wanted("hit") {
        let (new, old, over) = hit_times(site, &index, &zoomed, pane, &selection);
        details.push(format!(
            "hit test: the pointer was on or near a footprint at {} of {} positions; there the \
             median is {} (max {})",
            over.len(),
            new.len(),
            ms(median(&over)),
            ms(over.iter().max().copied().unwrap_or_default()),
        ));
        rows.push(Row {
            name: "hit test under the pointer (hit)".into(),
            stat: Stat::of(&new),
            target: Some(Target::Below(0.1)),
            baseline_name: "linear scan, same tests",
            baseline: Some(Stat::of(&old)),
        });
    }

    // Review: the queue and its progress figures, recomputed when the project changes.
    if wanted("review") {
        review_rows(&project, runs_arg.unwrap_or(20), &mut rows);
    }

    // Saving and loading.
    if wanted("files") {
        files_rows(
            &project,
            runs_arg.unwrap_or(FILE_RUNS),
            &mut rows,
            &mut details,
        )?;
    }

    print_table(&rows);
    println!();
    for d in &details {
        println!("  {d}");
    }
    println!("  load average at the end: {}", load_average());
    Ok(())
}

/// The review queue (every footprint's state, from a digest of its outline) and the progress
/// figures, as the window recomputes them after each change in review mode; against the same
/// walk over every footprint computing its area only.
fn review_rows(project: &Project, runs: usize, rows: &mut Vec<Row>) {
    use sitediff::editing::review::{Progress, QueueFilter, queue};
    let (mut work, mut base) = (Vec::new(), Vec::new());
    let filter = QueueFilter::default();
    for _ in 0..runs {
        let start = Instant::now();
        let q = black_box(queue(project, &filter));
        let p = black_box(Progress::of_project(project));
        let sites: Vec<Progress> = project.sites.iter().map(Progress::of_site).collect();
        black_box(sites);
        work.push(start.elapsed());
        assert_eq!(q.len(), p.total);
        let start = Instant::now();
        let areas: f64 = project
            .sites
            .iter()
            .flat_map(|s| &s.footprints)
            .map(|f| f.outline.area())
            .sum();
        black_box(areas);
        base.push(start.elapsed());
    }
    rows.push(Row {
        name: "review queue + progress, 10 000".into(),
        stat: Stat::of(&work),
        target: Some(Target::Below(16.0)),
        baseline_name: "area of every footprint",
        baseline: Some(Stat::of(&base)),
    });
}

fn files_rows(
    project: &Project,
    runs: usize,
    rows: &mut Vec<Row>,
    details: &mut Vec<String>,
) -> anyhow::Result<()> {
    let files = file_times(project, runs)?;
    details.push(format!(
        "project file: {:.1} MB in {}; save_project = canonical RON, the old file kept as .bak \
         (a hard link), write + fsync + rename; the floor writes once",
        files.bytes as f64 / 1e6,
        files.dir
    ));
    rows.push(Row {
        name: "save_project".into(),
        stat: Stat::of(&files.save),
        target: Some(Target::Below(30.0)),
        baseline_name: "fs write + fsync",
        baseline: Some(Stat::of(&files.write_floor)),
    });
    rows.push(Row {
        name: "load_project".into(),
        stat: Stat::of(&files.load),
        target: Some(Target::Below(30.0)),
        baseline_name: "fs::read",
        baseline: Some(Stat::of(&files.read_floor)),
    });
    // Autosave: the window clones the project and a thread of its own serialises and writes
    // it (the save above); the clone is all the window waits for.
    rows.push(Row {
        name: "autosave hand-off (clone)".into(),
        stat: Stat::of(&files.snapshot),
        target: Some(Target::Below(16.0)),
        baseline_name: "save_project",
        baseline: Some(Stat::of(&files.save)),
    });
    rows.push(Row {
        name: "changed-on-disk check".into(),
        stat: Stat::of(&files.disk_check),
        target: Some(Target::Below(1.0)),
        baseline_name: "fs::read",
        baseline: Some(Stat::of(&files.read_floor)),
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The site.

/// The centre of town `t`: a jittered grid over the site (the jitter is a pure function of `t`,
/// so views can aim at a town without generating the site).
fn town_centre(t: usize) -> Point {
    let mut rng = Rng(0x7061_7264 ^ (t as u64).wrapping_mul(0x9E37_79B9));
    let cell = SITE_SIDE / TOWNS_PER_SIDE as f64;
    let (i, j) = (t % TOWNS_PER_SIDE, t / TOWNS_PER_SIDE);
    Point::new(
        (i as f64 + 0.5) * cell + rng.range(-0.2, 0.2) * cell,
        (j as f64 + 0.5) * cell + rng.range(-0.2, 0.2) * cell,
    )
}

/// A project with one site holding the first `keep` of 10 000 footprints generated in towns
/// filled one after another: the same footprints with the same ids whatever `keep` is, so a
/// view of the first town shows the same buildings on the small site as on the large one.
fn generate(keep: usize) -> Project {
    let n = FOOTPRINTS;
    let mut rng = Rng(0x5173_d1ff);
    // Plots of a town, nearest the centre first, so towns are round.
    let r = 12i32;
    let mut plots: Vec<(i32, i32)> = (-r..=r)
        .flat_map(|y| (-r..=r).map(move |x| (x, y)))
        .collect();
    plots.sort_by_key(|&(x, y)| (x * x + y * y, y, x));
    plots.truncate(PLOTS_PER_TOWN);
    // Ids in random places: a Fisher-Yates shuffle of 1..=n.
    let mut ids: Vec<u32> = (1..=n as u32).collect();
    for i in (1..n).rev() {
        ids.swap(i, rng.below(i + 1));
    }
    let mut footprints = Vec::with_capacity(n);
    for (k, &id) in ids.iter().enumerate().take(keep) {
        let town = town_centre(k / PLOTS_PER_TOWN);
        let (px, py) = plots[k % PLOTS_PER_TOWN];
        let centre = Point::new(
            town.x + px as f64 * PLOT_PITCH + rng.range(-3.0, 3.0),
            town.y + py as f64 * PLOT_PITCH + rng.range(-3.0, 3.0),
        );
        footprints.push(building(&mut rng, FootprintId(id), centre));
    }
    footprints.sort_by_key(|f| f.id);
    let mut site = Site::new(SiteId(1), "Bench valley");
    for (i, (path, day)) in [
        ("jan.jpg", "2024-01-15"),
        ("apr.jpg", "2024-04-15"),
        ("jul.jpg", "2024-07-15"),
    ]
    .into_iter()
    .enumerate()
    {
        let date = day.parse().map(CaptureDate::Day).unwrap_or_default();
        site.images
            .push(DatedImage::new(ImageId(i as u32 + 1), path, date));
    }
    site.reference_image = Some(ImageId(1));
    site.footprints = footprints;
    let mut project = Project::new("bench_footprints");
    project.sites.push(site);
    project.canonicalize();
    project
}

/// One building on the plot centred at `c`.
fn building(rng: &mut Rng, id: FootprintId, c: Point) -> Footprint {
    let shape = rng.unit();
    // The outline in its own frame, its rotation, and the larger outline of a renovation.
    type Shaped = (Vec<(f64, f64)>, f64, Vec<(f64, f64)>);
    let (local, angle, grown): Shaped = if shape < 0.6 {
        let w = rng.range(8.0, 30.0);
        let h = w * rng.range(0.4, 1.0);
        let angle = rng.range(0.0, std::f64::consts::FRAC_PI_2);
        (rect(w, h), angle, rect(w * 1.4, h))
    } else {
        let w = rng.range(24.0, 46.0);
        let h = w * rng.range(0.6, 1.0);
        let angle = rng.range(-0.25, 0.25);
        let hall = if shape < 0.85 {
            let (a, b) = (w * rng.range(0.3, 0.6), h * rng.range(0.3, 0.6));
            let (x0, y0, x1, y1) = (-w / 2.0, -h / 2.0, w / 2.0, h / 2.0);
            vec![
                (x0, y0),
                (x1 - a, y0),
                (x1 - a, y0 + b),
                (x1, y0 + b),
                (x1, y1),
                (x0, y1),
            ]
        } else {
            let (n, d) = (w * rng.range(0.3, 0.5), h * rng.range(0.3, 0.6));
            let (x0, y0, x1, y1) = (-w / 2.0, -h / 2.0, w / 2.0, h / 2.0);
            vec![
                (x0, y0),
                (-n / 2.0, y0),
                (-n / 2.0, y0 + d),
                (n / 2.0, y0 + d),
                (n / 2.0, y0),
                (x1, y0),
                (x1, y1),
                (x0, y1),
            ]
        };
        (hall, angle, rect(w, h))
    };
    let place = |pts: &[(f64, f64)]| {
        let (s, co) = angle.sin_cos();
        Polygon(
            pts.iter()
                .map(|&(x, y)| Point::new(c.x + x * co - y * s, c.y + x * s + y * co))
                .collect(),
        )
    };
    let kind = match rng.unit() {
        u if u < 0.3 => ChangeKind::Demolished,
        u if u < 0.75 => ChangeKind::New,
        _ => ChangeKind::Renovated,
    };
    let (before, after) = match rng.unit() {
        u if u < 0.5 => (1, 2),
        u if u < 0.85 => (2, 3),
        _ => (1, 3),
    };
    let when =
        Timestamp::from_unix(1_720_000_000 + i64::from(id.0) * 37).unwrap_or_else(Timestamp::now);
    let mut fp = Footprint::new(
        id,
        kind,
        ImageId(before),
        ImageId(after),
        place(&local),
        if rng.chance(0.5) {
            "analyst-a"
        } else {
            "analyst-b"
        },
        when,
    );
    if kind == ChangeKind::Renovated && rng.chance(0.25) {
        fp.after_outline = Some(place(&grown));
    }
    fp.confidence = Confidence::ALL[rng.below(3)];
    if rng.chance(0.2) {
        fp.tags.push("checked".into());
    }
    if rng.chance(0.1) {
        fp.note = "Roof colour changed; see the April image.".into();
    }
    if rng.chance(0.3) {
        let accept = fp.decision_event(Decision::Accepted, None, "", "reviewer", when);
        fp.reviews.push(accept);
    }
    fp
}

fn rect(w: f64, h: f64) -> Vec<(f64, f64)> {
    let (x, y) = (w / 2.0, h / 2.0);
    vec![(-x, -y), (x, -y), (x, y), (-x, y)]
}

// ---------------------------------------------------------------------------------------------
// Frames.

fn frame_input() -> egui::RawInput {
    let mut input = egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, PANE)),
        ..Default::default()
    };
    input
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .native_pixels_per_point = Some(PIXELS_PER_POINT);
    input
}

/// What one frame drew, to check that both approaches draw the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct FrameInfo {
    drawn: usize,
    vertices: usize,
    indices: usize,
}

struct FrameTime {
    paint: Duration,
    total: Duration,
    info: FrameInfo,
}

/// One egui frame that paints through `paint` into a painter clipped to the pane, then egui's
/// tessellation of everything painted.
fn frame(
    ctx: &egui::Context,
    pane: Rect,
    mut paint: impl FnMut(&egui::Painter) -> usize,
) -> FrameTime {
    let mut drawn = 0;
    let start = Instant::now();
    let out = ctx.run_ui(frame_input(), |ui| {
        drawn = paint(&ui.painter_at(pane));
    });
    let painted = Instant::now();
    let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
    let total = start.elapsed();
    assert_eq!(out.pixels_per_point, PIXELS_PER_POINT);
    let mut info = FrameInfo {
        drawn,
        ..FrameInfo::default()
    };
    for p in &primitives {
        if let egui::epaint::Primitive::Mesh(m) = &p.primitive {
            info.vertices += m.vertices.len();
            info.indices += m.indices.len();
        }
    }
    black_box(primitives);
    FrameTime {
        paint: painted - start,
        total,
        info,
    }
}

#[derive(Default)]
struct Frames {
    paint: Vec<Duration>,
    tessellate: Vec<Duration>,
    total: Vec<Duration>,
    info: FrameInfo,
}

impl Frames {
    fn push(&mut self, f: FrameTime) {
        self.paint.push(f.paint);
        self.tessellate.push(f.total - f.paint);
        self.total.push(f.total);
        self.info = f.info;
    }
}

/// `frames` frames of each, alternating, after a few unmeasured ones.
fn interleaved_frames(
    ctx: &egui::Context,
    pane: Rect,
    frames: usize,
    mut a: impl FnMut(&egui::Painter) -> usize,
    mut b: impl FnMut(&egui::Painter) -> usize,
) -> (Frames, Frames) {
    for _ in 0..3 {
        frame(ctx, pane, &mut a);
        frame(ctx, pane, &mut b);
    }
    let (mut fa, mut fb) = (Frames::default(), Frames::default());
    for _ in 0..frames {
        fa.push(frame(ctx, pane, &mut a));
        fb.push(frame(ctx, pane, &mut b));
    }
    (fa, fb)
}

/// The baseline: the old approach. Every footprint of the site is visited, its bounding box
/// tested against the view, and each visible outline triangulated anew over its screen points.
/// Styles, order and shapes are those of `paint_footprints`, so the picture is the same.
fn paint_old_approach(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    layer: &FootprintLayer<'_>,
    choice: OutlineChoice,
) -> usize {
    let clip = painter.clip_rect().intersect(pane);
    let visible = view.visible_site_rect(clip);
    let margin = 4.0 / view.zoom;
    let visible = BoundingBox {
        min: Point::new(visible.min.x - margin, visible.min.y - margin),
        max: Point::new(visible.max.x + margin, visible.max.y + margin),
    };
    let mut in_view: Vec<&Footprint> = layer
        .site
        .footprints
        .iter()
        .filter(|f| footprint_bounds(f).is_some_and(|bb| bb.intersects(&visible)))
        .collect();
    in_view.sort_by_key(|f| f.id);
    // Selected last, as paint_footprints orders them (which the old code did not do at all).
    let (mut in_view, selected): (Vec<_>, Vec<_>) = in_view
        .into_iter()
        .partition(|f| !layer.selection.contains(f.id));
    in_view.extend(selected);
    let mut drawn = 0;
    let mut fills = Mesh::default();
    let mut strokes: Vec<Shape> = Vec::new();
    let mut letters: Vec<(Pos2, &'static str, Color32)> = Vec::new();
    for fp in in_view {
        let strong = changed_within(layer.site, fp, layer.pair);
        let selected = layer.selection.contains(fp.id);
        let hovered = layer.hover == Some(fp.id);
        let outlines: [(OutlineRef, bool); 2] = match choice {
            OutlineChoice::Date(side) => [
                (OutlineRef::shown(fp, side), true),
                (OutlineRef::Outline, false),
            ],
            OutlineChoice::Both if fp.after_outline.is_some() => [
                (OutlineRef::AfterOutline, true),
                (OutlineRef::Outline, true),
            ],
            OutlineChoice::Both => [(OutlineRef::Outline, true), (OutlineRef::Outline, false)],
        };
        for (n, (which, shown)) in outlines.into_iter().enumerate() {
            if !shown {
                continue;
            }
            let secondary = n == 1;
            let poly = which.get(fp);
            if poly.len() < 2 || !poly.0.iter().all(|p| p.is_finite()) {
                continue;
            }
            let points: Vec<Pos2> = poly
                .0
                .iter()
                .map(|p| view.site_to_screen(pane, *p))
                .collect();
            let style = OldStyle {
                color: kind_color(fp.kind),
                pattern: kind_pattern(fp.kind),
                strong: strong || selected,
                selected,
                hovered,
                secondary,
            };
            let (mut min, mut max) = (points[0], points[0]);
            for p in &points {
                min = min.min(*p);
                max = max.max(*p);
            }
            let size = (max - min).max_elem();
            if size < 3.0 {
                fills.add_colored_rect(
                    Rect::from_center_size(points[0], egui::vec2(2.5, 2.5)),
                    style.stroke_color(),
                );
                drawn += 1;
                continue;
            }
            if !secondary {
                // Re-triangulated every frame, over screen points.
                let flat: Vec<f64> = points
                    .iter()
                    .flat_map(|p| [f64::from(p.x), f64::from(p.y)])
                    .collect();
                let tri = earcutr::earcut(&flat, &[], 2).unwrap_or_default();
                let color = style.fill_color();
                if !tri.is_empty() && color.a() != 0 {
                    let base = fills.vertices.len() as u32;
                    fills.vertices.extend(points.iter().map(|p| Vertex {
                        pos: *p,
                        uv: egui::epaint::WHITE_UV,
                        color,
                    }));
                    fills.indices.extend(tri.iter().map(|i| base + *i as u32));
                }
            }
            style.strokes(&points, &mut strokes);
            if !secondary
                && size > 36.0
                && let Some(c) = poly.centroid().map(|c| view.site_to_screen(pane, c))
            {
                letters.push((c, kind_letter(fp.kind), style.color));
            }
            drawn += 1;
        }
    }
    if !fills.indices.is_empty() {
        painter.add(Shape::mesh(fills));
    }
    painter.extend(strokes);
    for (c, letter, color) in letters {
        let font = FontId::proportional(13.0);
        painter.text(
            c + egui::vec2(1.0, 1.0),
            egui::Align2::CENTER_CENTER,
            letter,
            font.clone(),
            Color32::from_black_alpha(200),
        );
        painter.text(c, egui::Align2::CENTER_CENTER, letter, font, color);
    }
    drawn
}

/// The outline style of `paint_footprints`, repeated for the baseline.
struct OldStyle {
    color: Color32,
    pattern: LinePattern,
    strong: bool,
    selected: bool,
    hovered: bool,
    secondary: bool,
}

impl OldStyle {
    fn fill_color(&self) -> Color32 {
        let alpha = match (self.selected, self.strong) {
            (true, _) => 0.30,
            (false, true) => 0.20,
            (false, false) => 0.07,
        };
        self.color.gamma_multiply(alpha)
    }

    fn stroke_color(&self) -> Color32 {
        if self.strong || self.hovered {
            self.color
        } else {
            self.color.gamma_multiply(0.55)
        }
    }

    fn strokes(&self, points: &[Pos2], out: &mut Vec<Shape>) {
        let width = match (self.secondary, self.strong || self.hovered) {
            (true, _) => 1.0,
            (false, true) => 2.0,
            (false, false) => 1.2,
        };
        let width = if self.hovered { width + 1.0 } else { width };
        if self.selected && !self.secondary {
            out.push(Shape::closed_line(
                points.to_vec(),
                Stroke::new(width + 4.0, SELECTED_COLOR),
            ));
        }
        out.push(Shape::closed_line(
            points.to_vec(),
            Stroke::new(
                width + 2.0,
                Color32::from_black_alpha(if self.strong { 150 } else { 90 }),
            ),
        ));
        let stroke = Stroke::new(width, self.stroke_color());
        match self.pattern {
            LinePattern::Solid => out.push(Shape::closed_line(points.to_vec(), stroke)),
            LinePattern::Dashed(dash, gap) => {
                let mut closed = points.to_vec();
                closed.push(points[0]);
                out.extend(Shape::dashed_line(&closed, stroke, dash, gap));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hit testing.

/// Per-call times of `hit` and of the linear-scan baseline at the same pointer positions
/// spread over the zoomed-in view, alternating.
fn hit_times(
    site: &Site,
    index: &SiteIndex,
    view: &ViewTransform,
    pane: Rect,
    selection: &Selection,
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>) {
    let area = view.visible_site_rect(pane);
    let mut rng = Rng(0x4849_5421);
    let opts = HitOptions {
        side: Side::After,
        tolerance: HIT_RADIUS / view.zoom,
        midpoints_of: Some(selection.ids()),
    };
    let points: Vec<Point> = (0..HIT_POINTS)
        .map(|_| {
            Point::new(
                rng.range(area.min.x, area.max.x),
                rng.range(area.min.y, area.max.y),
            )
        })
        .collect();
    let (mut new, mut old, mut over) = (Vec::new(), Vec::new(), Vec::new());
    for (i, p) in points.iter().enumerate() {
        let start = Instant::now();
        let hits = black_box(hit(site, index, *p, opts));
        let t_new = start.elapsed();
        let start = Instant::now();
        let linear = black_box(hit_linear(site, *p, opts));
        let t_old = start.elapsed();
        let ids = |h: &[Hit]| h.iter().map(|h| h.footprint).collect::<BTreeSet<_>>();
        assert_eq!(ids(&hits), ids(&linear), "hits at {p:?}");
        // The first few warm the caches.
        if i >= 20 {
            new.push(t_new);
            old.push(t_old);
            if !hits.is_empty() {
                over.push(t_new);
            }
        }
    }
    assert!(
        over.len() > HIT_POINTS / 10,
        "the pointer should often be over a footprint"
    );
    (new, old, over)
}

/// `hit` without the index: every footprint's bounds tested, then the same tests as `hit`.
fn hit_linear(site: &Site, p: Point, opts: HitOptions<'_>) -> Vec<Hit> {
    let tol = opts.tolerance.max(0.0);
    let mut hits = Vec::new();
    for fp in &site.footprints {
        let Some(bb) = footprint_bounds(fp) else {
            continue;
        };
        if p.x < bb.min.x - tol
            || p.x > bb.max.x + tol
            || p.y < bb.min.y - tol
            || p.y > bb.max.y + tol
        {
            continue;
        }
        let which = OutlineRef::shown(fp, opts.side);
        let poly = which.get(fp);
        if poly.is_empty() {
            continue;
        }
        let area = poly.area();
        let mut best: Option<Hit> = None;
        let mut consider = |part: HitPart, distance: f64, point: Point| {
            let h = Hit {
                footprint: fp.id,
                outline: which,
                part,
                distance,
                area,
                point,
            };
            if best.is_none_or(|b| rank(&h) < rank(&b)) {
                best = Some(h);
            }
        };
        if let Some((i, d)) = poly.nearest_vertex(p)
            && d <= tol
        {
            consider(HitPart::Vertex(i), d, poly.0[i]);
        }
        let handles = opts.midpoints_of.is_some_and(|s| s.contains(&fp.id));
        for (i, (a, b)) in poly.edges().enumerate() {
            let (q, _) = closest_point_on_segment(p, a, b);
            let d = q.distance(p);
            if d <= tol {
                consider(HitPart::Edge(i), d, q);
            }
            if handles && a.distance(b) > 4.0 * tol {
                let mid = Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
                let d = mid.distance(p);
                if d <= tol {
                    consider(HitPart::Midpoint(i), d, mid);
                }
            }
        }
        if poly.contains(p) {
            consider(HitPart::Interior, 0.0, p);
        }
        hits.extend(best);
    }
    hits.sort_by(|a, b| {
        rank(a)
            .partial_cmp(&rank(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    hits
}

fn rank(h: &Hit) -> (u8, f64, f64) {
    let part = match h.part {
        HitPart::Vertex(_) => 0,
        HitPart::Midpoint(_) => 1,
        HitPart::Edge(_) => 2,
        HitPart::Interior => 3,
    };
    (part, h.distance, h.area)
}

// ---------------------------------------------------------------------------------------------
// Saving and loading.

struct FileTimes {
    save: Vec<Duration>,
    load: Vec<Duration>,
    /// What the window's thread pays to hand unsaved work to the autosaver (a clone).
    snapshot: Vec<Duration>,
    /// The window's once-a-second look at an unchanged project file.
    disk_check: Vec<Duration>,
    write_floor: Vec<Duration>,
    read_floor: Vec<Duration>,
    bytes: usize,
    dir: String,
}

fn file_times(project: &Project, runs: usize) -> anyhow::Result<FileTimes> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.ron");
    let floor = dir.path().join("floor.ron");
    let bytes = project_to_string(project)?.into_bytes();
    let mut t = FileTimes {
        save: Vec::new(),
        load: Vec::new(),
        snapshot: Vec::new(),
        disk_check: Vec::new(),
        write_floor: Vec::new(),
        read_floor: Vec::new(),
        bytes: bytes.len(),
        dir: dir.path().display().to_string(),
    };
    // One unmeasured round first, so every measured save also keeps a backup, as in use.
    for run in 0..=runs {
        let start = Instant::now();
        let mut f = std::fs::File::create(&floor)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        let write_floor = start.elapsed();

        let start = Instant::now();
        save_project(project, &path)?;
        let save = start.elapsed();

        let start = Instant::now();
        let read = black_box(std::fs::read(&floor)?);
        let read_floor = start.elapsed();
        anyhow::ensure!(read.len() == bytes.len(), "short read");

        let start = Instant::now();
        let loaded = black_box(load_project(&path)?);
        let load = start.elapsed();
        anyhow::ensure!(
            &loaded == project,
            "the project did not survive a save and load"
        );

        let start = Instant::now();
        let snapshot = black_box(project.clone());
        let snapshot_time = start.elapsed();
        drop(snapshot);

        let mut stamp = FileStamp::of_content(&path, &std::fs::read(&path)?);
        let start = Instant::now();
        let state = black_box(stamp.check(&path));
        let disk_check = start.elapsed();
        anyhow::ensure!(state == DiskState::Same, "the file looked changed");

        if run > 0 {
            t.snapshot.push(snapshot_time);
            t.disk_check.push(disk_check);
            t.write_floor.push(write_floor);
            t.save.push(save);
            t.read_floor.push(read_floor);
            t.load.push(load);
        }
    }
    Ok(t)
}

// ---------------------------------------------------------------------------------------------
// Figures.

#[derive(Clone, Copy)]
enum Target {
    /// At most this many milliseconds.
    AtMost(f64),
    /// Below this many milliseconds.
    Below(f64),
    /// A ratio of at most this.
    Ratio(f64),
}

/// Median and spread of one figure, in milliseconds (or a bare ratio).
#[derive(Clone, Copy)]
struct Stat {
    median: f64,
    min: f64,
    max: f64,
    n: usize,
    is_ratio: bool,
}

impl Stat {
    fn of(samples: &[Duration]) -> Stat {
        let mut v: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        v.sort_by(f64::total_cmp);
        Stat {
            median: v[v.len() / 2],
            min: v[0],
            max: v[v.len() - 1],
            n: v.len(),
            is_ratio: false,
        }
    }

    fn ratio(r: f64) -> Stat {
        Stat {
            median: r,
            min: r,
            max: r,
            n: 1,
            is_ratio: true,
        }
    }

    fn show(&self) -> String {
        if self.is_ratio {
            format!("{:.2}", self.median)
        } else {
            format!("{} ({}-{})", num(self.median), num(self.min), num(self.max))
        }
    }
}

struct Row {
    name: String,
    stat: Stat,
    target: Option<Target>,
    baseline_name: &'static str,
    baseline: Option<Stat>,
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "{:<38} {:>26} {:>4} {:>9} {:>5}   {:<24} {:>26}  {:>8}",
        "figure (ms unless a ratio)",
        "median (min-max)",
        "n",
        "target",
        "",
        "baseline, same run",
        "median (min-max)",
        "speed-up"
    );
    for r in rows {
        let (target, pass) = match r.target {
            Some(Target::AtMost(t)) => (format!("<= {t}"), r.stat.median <= t),
            Some(Target::Below(t)) => (format!("< {t}"), r.stat.median < t),
            Some(Target::Ratio(t)) => (format!("<= {t}"), r.stat.median <= t),
            None => (String::new(), true),
        };
        let verdict = match r.target {
            Some(_) if pass => "pass",
            Some(_) => "FAIL",
            None => "",
        };
        let (base, speedup) = match r.baseline {
            Some(b) if !r.stat.is_ratio => (b.show(), format!("{:.1}x", b.median / r.stat.median)),
            Some(b) => (b.show(), String::new()),
            None => (String::new(), String::new()),
        };
        println!(
            "{:<38} {:>26} {:>4} {:>9} {:>5}   {:<24} {:>26}  {:>8}",
            r.name,
            r.stat.show(),
            r.stat.n,
            target,
            verdict,
            r.baseline_name,
            base,
            speedup
        );
    }
}

fn num(ms: f64) -> String {
    if ms < 0.1 {
        format!("{ms:.4}")
    } else if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.1}")
    }
}

fn ms(d: Duration) -> String {
    format!("{} ms", num(d.as_secs_f64() * 1e3))
}

fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[v.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
