//! The project file: the golden v1 fixture keeps loading, save -> load -> save is
//! byte-identical over generated projects, and no input makes the loader panic.

use proptest::prelude::*;
use sitediff::io::project_file::parse_project;
use sitediff::io::{load_project, project_to_string};
use sitediff::model::{
    Affine, CaptureDate, ChangeKind, Confidence, Coverage, CoverageGrid, DatedImage, Decision,
    Footprint, FootprintId, ImageId, Marker, MarkerId, MarkerResolution, MarkerShape, Point,
    Polygon, Project, Reason, ReviewEvent, ReviewState, Site, SiteId, Timestamp, validate,
};
use std::path::Path;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden_v1.ron");

#[test]
fn the_golden_v1_fixture_loads_and_validates() {
    let p = load_project(Path::new(GOLDEN)).expect("golden v1 must keep loading");
    assert_eq!(p.name, "Golden harbour");
    assert_eq!(p.sites.len(), 2);
    let north = &p.sites[0];
    assert_eq!(north.images[1].date.to_string(), "2024-03-04T10:32:00");
    assert_eq!(north.images[1].to_site.tx, 2.5);
    // Version 1's single review became the start of a thread, judging the footprint as it is.
    let reviewed = &north.footprints[0];
    assert_eq!(reviewed.review_state(), ReviewState::Accepted);
    assert_eq!(reviewed.reviews.len(), 1);
    assert_eq!(reviewed.reviews[0].by, "ben");
    assert_eq!(reviewed.reviews[0].comment, "Agreed.");
    assert_eq!(reviewed.reviews[0].at.to_string(), "2024-03-11T14:00:00Z");
    assert!(north.footprints[1].reviews.is_empty());
    assert_eq!(north.footprints[1].review_state(), ReviewState::Unreviewed);
    assert_eq!(p.format_version, sitediff::model::FORMAT_VERSION);
    assert_eq!(
        north.footprints[1].after_outline.as_ref().map(|o| o.area()),
        Some(3200.0)
    );
    assert_eq!(p.next_ids.footprint, 9);
    assert!(validate(&p).is_empty(), "{:?}", validate(&p));
}

const GOLDEN_V2: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/golden_v2.ron");

#[test]
fn the_golden_v2_fixture_loads_with_its_review_threads_and_is_canonical() {
    let text = std::fs::read_to_string(GOLDEN_V2).unwrap();
    let p = parse_project(&text, Path::new(GOLDEN_V2)).expect("golden v2 must keep loading");
    assert_eq!(p.format_version, 2);
    let north = &p.sites[0];
    assert_eq!(north.footprints[0].review_state(), ReviewState::Accepted);
    let f8 = &north.footprints[1];
    assert_eq!(f8.reviews.len(), 2);
    assert_eq!(f8.reviews[0].decision, Some(Decision::NeedsChanges));
    assert_eq!(f8.reviews[0].reason, Some(Reason::OutlineInaccurate));
    assert_eq!(f8.reviews[1].by, "ana");
    assert_eq!(f8.reviews[1].decision, None);
    // The decision judged another outline: the analyst changed it since.
    assert_eq!(f8.review_state(), ReviewState::ChangedSinceReview);
    assert_eq!(north.markers.len(), 2);
    assert!(north.markers[0].is_open());
    assert_eq!(
        north.markers[0].shape,
        MarkerShape::Point(Point::new(250.0, 120.0))
    );
    assert_eq!(
        north.markers[1].state_text(),
        "dismissed: A shadow, not a building."
    );
    assert_eq!(north.coverage[0].reviewer, "ben");
    assert_eq!(north.coverage[0].fraction(), 4.0 / 48.0);
    assert_eq!(p.next_ids.marker, 3);
    assert!(validate(&p).is_empty(), "{:?}", validate(&p));
    // The fixture is what this build writes, byte for byte.
    assert_eq!(project_to_string(&p).unwrap(), text);
    // And version 1 migrated writes the same thread as version 2 holds for it.
    let v1 = load_project(Path::new(GOLDEN)).unwrap();
    assert_eq!(v1.sites[0].footprints[0], north.footprints[0]);
}

#[test]
fn the_golden_fixture_reformats_to_the_canonical_form_without_losing_anything() {
    let p = load_project(Path::new(GOLDEN)).unwrap();
    let text = project_to_string(&p).unwrap();
    let again = parse_project(&text, Path::new("x.ron")).unwrap();
    assert_eq!(again, p);
}

fn arb_point() -> impl Strategy<Value = Point> {
    // Any finite f64, including awkward ones (tiny, huge, negative zero).
    (any::<f64>(), any::<f64>())
        .prop_filter("finite", |(x, y)| x.is_finite() && y.is_finite())
        .prop_map(|(x, y)| Point::new(x, y))
}

fn arb_text() -> impl Strategy<Value = String> {
    // Quotes, backslashes, newlines, unicode and RON-looking syntax.
    prop_oneof![
        Just(String::new()),
        "[a-zA-Z0-9 ]{0,12}",
        ".{0,16}",
        Just("\"quoted\" \\ back\nslash ) ( ] [".to_string()),
        Just("Ünïcödé 建物 🏭".to_string()),
    ]
}

fn arb_date() -> impl Strategy<Value = CaptureDate> {
    prop_oneof![
        Just(CaptureDate::Unknown),
        (1900i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| {
            CaptureDate::Day(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
        }),
        (
            1900i32..2100,
            1u32..=12,
            1u32..=28,
            0u32..24,
            0u32..60,
            0u32..60
        )
            .prop_map(|(y, m, d, hh, mm, ss)| {
                CaptureDate::DayTime(
                    chrono::NaiveDate::from_ymd_opt(y, m, d)
                        .unwrap()
                        .and_hms_opt(hh, mm, ss)
                        .unwrap(),
                )
            }),
    ]
}

fn arb_timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..4_000_000_000).prop_map(|s| Timestamp::from_unix(s).unwrap())
}

fn arb_footprint(id: u32) -> impl Strategy<Value = Footprint> {
    (
        prop::sample::select(ChangeKind::ALL.to_vec()),
        prop::collection::vec(arb_point(), 0..8),
        prop::option::of(prop::collection::vec(arb_point(), 0..6)),
        prop::sample::select(Confidence::ALL.to_vec()),
        prop::collection::vec(arb_text(), 0..4),
        arb_text(),
        arb_timestamp(),
        prop::collection::vec(arb_event(), 0..4),
        (1u32..5, 1u32..5),
    )
        .prop_map(
            move |(kind, outline, after, confidence, tags, note, t, reviews, (b, a))| Footprint {
                id: FootprintId(id),
                kind,
                before: ImageId(b),
                after: ImageId(a),
                outline: Polygon(outline),
                after_outline: after.map(Polygon),
                confidence,
                tags,
                note: note.clone(),
                author: note,
                created: t,
                modified: t,
                reviews,
                conflict: None,
            },
        )
}

fn arb_event() -> impl Strategy<Value = ReviewEvent> {
    (
        arb_text(),
        arb_timestamp(),
        prop::option::of(prop::sample::select(Decision::ALL.to_vec())),
        prop::option::of(prop::sample::select(Reason::ALL.to_vec())),
        arb_text(),
        prop::option::of(any::<u64>()),
    )
        .prop_map(|(by, at, decision, reason, comment, judged)| ReviewEvent {
            by,
            at,
            decision,
            reason,
            comment,
            judged: judged.map(sitediff::model::review::Digest),
        })
}

fn arb_marker() -> impl Strategy<Value = Marker> {
    let shape = prop_oneof![
        arb_point().prop_map(MarkerShape::Point),
        prop::collection::vec(arb_point(), 0..6).prop_map(|v| MarkerShape::Area(Polygon(v))),
    ];
    let resolution = prop_oneof![
        Just(None),
        (1u32..100, arb_text(), arb_timestamp()).prop_map(|(f, by, at)| Some(
            MarkerResolution::Drawn {
                footprint: FootprintId(f),
                by,
                at
            }
        )),
        (arb_text(), arb_text(), arb_timestamp())
            .prop_map(|(reason, by, at)| Some(MarkerResolution::Dismissed { reason, by, at })),
    ];
    (
        1u32..100,
        shape,
        arb_text(),
        arb_text(),
        arb_timestamp(),
        prop::option::of(1u32..5),
        resolution,
    )
        .prop_map(|(id, shape, note, by, at, before, resolution)| Marker {
            id: MarkerId(id),
            shape,
            note,
            by,
            at,
            before: before.map(ImageId),
            after: None,
            resolution,
        })
}

fn arb_coverage() -> impl Strategy<Value = Coverage> {
    (
        arb_text(),
        1.0f64..5000.0,
        1u32..40,
        1u32..40,
        prop::collection::vec(0u32..2000, 0..30),
    )
        .prop_map(|(reviewer, cell, cols, rows, checked)| Coverage {
            reviewer,
            grid: CoverageGrid { cell, cols, rows },
            checked,
        })
}

fn arb_project() -> impl Strategy<Value = Project> {
    let image = (
        1u32..50,
        arb_text(),
        arb_date(),
        arb_text(),
        prop::array::uniform6(-1e6f64..1e6),
    )
        .prop_map(|(id, path, date, source, m)| {
            let mut img = DatedImage::new(ImageId(id), path, date);
            img.source = source;
            img.to_site = Affine {
                xx: m[0],
                xy: m[1],
                tx: m[2],
                yx: m[3],
                yy: m[4],
                ty: m[5],
            };
            img
        });
    let site = (
        1u32..20,
        arb_text(),
        arb_text(),
        prop::collection::vec(image, 0..4),
        prop::collection::vec((1u32..1000).prop_flat_map(arb_footprint), 0..5),
        prop::option::of(1u32..50),
        prop::collection::vec(arb_marker(), 0..3),
        prop::collection::vec(arb_coverage(), 0..3),
    )
        .prop_map(
            |(id, name, note, images, footprints, reference, markers, coverage)| Site {
                id: SiteId(id),
                name,
                note,
                reference_image: reference.map(ImageId),
                images,
                footprints,
                markers,
                coverage,
                references: Vec::new(),
            },
        );
    (arb_text(), prop::collection::vec(site, 0..4)).prop_map(|(name, sites)| {
        let mut p = Project::new(name);
        p.sites = sites;
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn save_load_save_is_byte_identical(project in arb_project()) {
        let first = project_to_string(&project).unwrap();
        let loaded = parse_project(&first, Path::new("p.ron")).unwrap();
        let second = project_to_string(&loaded).unwrap();
        prop_assert_eq!(&first, &second);
        let mut canonical = project.clone();
        canonical.canonicalize();
        prop_assert_eq!(loaded, canonical);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_project(&text, Path::new("junk.ron"));
    }

    #[test]
    fn mutated_valid_files_never_panic_and_errors_name_the_file(
        project in arb_project(),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let text = project_to_string(&project).unwrap();
        let mut bytes = text.into_bytes();
        for (at, byte, op) in cuts {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_project(&text, Path::new("mutated.ron")) {
            prop_assert!(e.to_string().starts_with("mutated.ron"), "{}", e);
        }
    }
}

#[test]
fn deeply_nested_input_is_refused_without_overflowing_the_stack() {
    let text = format!(
        "(format_version: 1, name: {}{})",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let err = parse_project(&text, Path::new("deep.ron")).unwrap_err();
    assert!(err.to_string().starts_with("deep.ron:1:"), "{err}");
}

#[test]
fn a_truncated_file_reports_where_it_ends() {
    let p = load_project(Path::new(GOLDEN)).unwrap();
    let text = project_to_string(&p).unwrap();
    let cut = &text[..text.len() / 2];
    let err = parse_project(cut, Path::new("cut.ron")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("cut.ron:"), "{msg}");
}

#[test]
fn a_footprint_a_merge_left_in_two_versions_survives_save_and_load() {
    let text = std::fs::read_to_string(GOLDEN_V2).unwrap();
    let mut p = parse_project(&text, Path::new(GOLDEN_V2)).unwrap();
    let f = &mut p.sites[0].footprints[0];
    let mut theirs = f.clone();
    theirs.kind = ChangeKind::Demolished;
    theirs.note = "theirs".into();
    f.conflict = Some(sitediff::model::FootprintConflict::Theirs(Box::new(theirs)));
    p.sites[0].footprints[1].conflict = Some(sitediff::model::FootprintConflict::DeletedInTheirs);
    let saved = project_to_string(&p).unwrap();
    assert!(saved.contains("conflict: Some(Theirs(("), "{saved}");
    let back = parse_project(&saved, Path::new("x.ron")).unwrap();
    assert_eq!(back, p);
    assert_eq!(project_to_string(&back).unwrap(), saved);
}
