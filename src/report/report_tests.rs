use super::crop::PixelRect;
use super::pictures::{crop_of, footprint_picture, overview_picture};
use super::*;
use crate::model::{
    Affine, CaptureDate, ChangeKind, DatedImage, Decision, FootprintId, Point, Polygon, Reason,
    SiteId, Timestamp,
};
use image::{Rgb, RgbImage};

const GROUND: Rgb<u8> = Rgb([100, 100, 100]);
const ROOF: Rgb<u8> = Rgb([250, 250, 250]);

/// A 400 x 300 image of bare ground with one bright roof covering `x0..x1`, `y0..y1`.
fn ground_with_roof(x0: u32, y0: u32, x1: u32, y1: u32) -> RgbImage {
    RgbImage::from_fn(400, 300, |x, y| {
        if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
            ROOF
        } else {
            GROUND
        }
    })
}

fn footprint(kind: ChangeKind, a: (f64, f64), b: (f64, f64)) -> Footprint {
    Footprint::new(
        FootprintId(1),
        kind,
        ImageId(1),
        ImageId(2),
        Polygon::rectangle(Point::new(a.0, a.1), Point::new(b.0, b.1)),
        "ana",
        Timestamp::from_unix(1_700_000_000).unwrap(),
    )
}

#[test]
fn a_crop_from_a_registered_image_outlines_the_building_where_that_image_shows_it() {
    // The image is shifted against the site frame: its pixel (x, y) is the site point
    // (x + 50, y + 20). The roof stands at site 150..190, 120..160, so at 100..140, 100..140
    // in this image's pixels.
    let mut image = DatedImage::new(ImageId(1), "a.png", CaptureDate::Unknown);
    image.to_site = Affine::translation(50.0, 20.0);
    let levels = Levels::new(ground_with_roof(100, 100, 140, 140));
    let fp = footprint(ChangeKind::New, (150.0, 120.0), (190.0, 160.0));
    let image_from_site = image.to_site.inverse().unwrap();
    let rect = crop_of(&fp, &image_from_site, 400, 300).unwrap();
    assert_eq!(
        rect,
        PixelRect {
            x: 80,
            y: 80,
            width: 80,
            height: 80
        }
    );
    let pic = footprint_picture(&levels, &image_from_site, &fp, Side::Before, rect);
    // 40 px of roof with 20 px of context each side, not scaled: the roof's corner is at
    // (20, 20) in the picture, and the outline runs along its edges.
    assert_eq!(pic.dimensions(), (80, 80));
    let new = Rgb(kind_style(ChangeKind::New).rgb);
    assert_eq!(*pic.get_pixel(40, 20), new, "top edge");
    assert_eq!(*pic.get_pixel(20, 40), new, "left edge");
    assert_eq!(*pic.get_pixel(60, 60), new, "bottom right corner");
    assert_eq!(*pic.get_pixel(40, 40), ROOF, "inside: the roof");
    assert_eq!(*pic.get_pixel(5, 5), GROUND, "outside: the ground");
}

#[test]
fn the_after_picture_shows_the_after_outline_of_a_renovation_whose_shape_changed() {
    let levels = Levels::new(ground_with_roof(100, 100, 160, 140));
    let mut fp = footprint(ChangeKind::Renovated, (100.0, 100.0), (140.0, 140.0));
    fp.after_outline = Some(Polygon::rectangle(
        Point::new(100.0, 100.0),
        Point::new(160.0, 140.0),
    ));
    let yellow = Rgb(kind_style(ChangeKind::Renovated).rgb);
    let halo = Rgb([0, 0, 0]);
    // The crop covers both outlines: x 100..160 grown by 30 px each side, y 100..140 by 20.
    let outline_at_x = |pic: &RgbImage, x: u32| {
        (25..55).any(|y| [yellow, halo].contains(pic.get_pixel(x - 70, y)))
    };
    let id = Affine::IDENTITY;
    let rect = crop_of(&fp, &id, 400, 300).unwrap();
    let before = footprint_picture(&levels, &id, &fp, Side::Before, rect);
    let after = footprint_picture(&levels, &id, &fp, Side::After, rect);
    assert!(outline_at_x(&before, 140) && !outline_at_x(&before, 160));
    assert!(outline_at_x(&after, 160) && !outline_at_x(&after, 140));
}

#[test]
fn an_outline_outside_the_image_or_an_unusable_transform_gives_a_reason_not_a_picture() {
    let dir = tempfile::tempdir().unwrap();
    let mut site = Site::new(SiteId(1), "s");
    let mut image = DatedImage::new(ImageId(1), "a.png", CaptureDate::Unknown);
    site.footprints.push(footprint(
        ChangeKind::New,
        (5000.0, 5000.0),
        (5100.0, 5100.0),
    ));
    let jobs = [Job::Footprint(0, Side::Before)];
    let mut levels = Levels::new(ground_with_roof(0, 0, 1, 1));
    let made = make_pictures(&site, &image, &mut levels, &jobs, dir.path()).unwrap();
    assert!(
        matches!(&made[0], Picture::NotShown(why) if why.contains("outside image I1 (400 x 300 px)")),
        "{made:?}"
    );
    image.to_site = Affine::scale(0.0, 1.0);
    let made = make_pictures(&site, &image, &mut levels, &jobs, dir.path()).unwrap();
    assert!(
        matches!(&made[0], Picture::NotShown(why) if why.contains("cannot be inverted")),
        "{made:?}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no files"
    );
}

#[test]
fn the_overview_is_scaled_down_and_outlines_every_footprint() {
    let big = RgbImage::from_pixel(3000, 1500, GROUND);
    let mut levels = Levels::new(big);
    let mut site = Site::new(SiteId(1), "s");
    site.footprints.push(footprint(
        ChangeKind::Demolished,
        (1000.0, 500.0),
        (1400.0, 900.0),
    ));
    levels.build_to(1);
    let pic = overview_picture(&site, &levels, &Affine::IDENTITY);
    assert_eq!(pic.dimensions(), (OVERVIEW_MAX_SIDE, 600));
    // The footprint's left edge at x = 1000 is at 400 in the overview.
    let vermillion = Rgb(kind_style(ChangeKind::Demolished).rgb);
    assert!((220..340).any(|y| *pic.get_pixel(400, y) == vermillion));
}

#[test]
fn only_footprints_large_enough_on_the_overview_get_an_id_label() {
    let mut levels = Levels::new(RgbImage::from_pixel(3000, 1500, GROUND));
    levels.build_to(1);
    let mut site = Site::new(SiteId(1), "s");
    // On the overview (scale 0.4): 160 px across at (400, 200), and 4 px across at (800, 200).
    site.footprints
        .push(footprint(ChangeKind::New, (1000.0, 500.0), (1400.0, 900.0)));
    let mut shed = footprint(ChangeKind::New, (2000.0, 500.0), (2010.0, 510.0));
    shed.id = FootprintId(2);
    site.footprints.push(shed);
    let pic = overview_picture(&site, &levels, &Affine::IDENTITY);
    let blue = Rgb(kind_style(ChangeKind::New).rgb);
    // Label text sits in the 20 rows above the outline, in the kind's colour.
    let label_above =
        |x0: u32| (178..199).any(|y| (x0..x0 + 30).any(|x| *pic.get_pixel(x, y) == blue));
    assert!(label_above(400), "the hall is labelled");
    assert!(!label_above(800), "the shed is not");
}

#[test]
fn project_text_is_escaped_everywhere_on_the_page() {
    let mut project = Project::new("<b>Plant</b> & \"co\"");
    let mut site = Site::new(SiteId(1), "<script>alert(1)</script>");
    site.images.push(DatedImage::new(
        ImageId(1),
        "a'<b>.png",
        CaptureDate::Unknown,
    ));
    let mut fp = footprint(ChangeKind::New, (0.0, 0.0), (10.0, 10.0));
    fp.note = "roof <img src=http://example.com/x.png> & more".into();
    fp.tags = vec!["<i>tag</i>".into()];
    fp.author = "O'Brien <ob@example.com>".into();
    let t = Timestamp::from_unix(1_700_000_100).unwrap();
    let event = fp.decision_event(
        Decision::Rejected,
        Some(Reason::NotABuilding),
        "it's a <tent>",
        "rev & co",
        t,
    );
    fp.reviews.push(event);
    site.footprints.push(fp);
    project.sites.push(site);
    let pictures = vec![SitePictures::new(&project.sites[0])];
    let page = html::page(&html::PageInput {
        project: &project,
        project_file: Path::new("/tmp/<p>.ron"),
        sites: &pictures,
        generated: t,
    });
    for raw in [
        "<script>",
        "<b>",
        "<img src=http",
        "<i>",
        "<tent>",
        "<p>",
        "<ob@",
    ] {
        assert!(!page.contains(raw), "{raw} left raw in the page");
    }
    for escaped in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;b&gt;Plant&lt;/b&gt; &amp; &quot;co&quot;",
        "roof &lt;img src=http://example.com/x.png&gt; &amp; more",
        "it&#39;s a &lt;tent&gt;",
        "O&#39;Brien &lt;ob@example.com&gt;",
        "rev &amp; co",
        "a&#39;&lt;b&gt;.png",
    ] {
        assert!(page.contains(escaped), "{escaped} missing from the page");
    }
    assert!(page.contains("rejected"), "the review state is shown");
    assert!(page.contains("not a building"), "the reason is shown");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_left_in_the_report_folder_is_replaced_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("precious.txt");
    std::fs::write(&outside, "precious").unwrap();
    let report = dir.path().join("report");
    std::fs::create_dir(&report).unwrap();
    let index = report.join("index.html");
    std::os::unix::fs::symlink(&outside, &index).unwrap();
    write_file(&index, b"page").unwrap();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&index).unwrap().is_symlink());
    assert_eq!(std::fs::read_to_string(&index).unwrap(), "page");
    // A picture folder that is a link to elsewhere is refused.
    std::os::unix::fs::symlink(dir.path(), report.join("img")).unwrap();
    let err = prepare_folders(&report).unwrap_err().to_string();
    assert!(err.contains("is not a folder"), "{err}");
}

#[test]
fn a_report_tells_its_progress_and_copes_with_a_site_without_images() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::new("p");
    let mut site = Site::new(SiteId(1), "yard");
    for (id, name) in [(1, "a.png"), (2, "b.png")] {
        ground_with_roof(100, 100, 140, 140)
            .save(dir.path().join(name))
            .unwrap();
        site.images
            .push(DatedImage::new(ImageId(id), name, CaptureDate::Unknown));
    }
    site.reference_image = Some(ImageId(1));
    site.footprints
        .push(footprint(ChangeKind::New, (100.0, 100.0), (140.0, 140.0)));
    project.sites.push(site);
    // A site with no images whose footprint names images it does not have.
    let mut empty = Site::new(SiteId(2), "empty");
    let mut orphan = footprint(ChangeKind::Demolished, (0.0, 0.0), (10.0, 10.0));
    orphan.id = FootprintId(2);
    orphan.before = ImageId(8);
    orphan.after = ImageId(9);
    empty.footprints.push(orphan);
    project.sites.push(empty);

    let mut heard = Vec::new();
    let out = dir.path().join("report");
    let summary =
        write_report(&project, &dir.path().join("p.ron"), &out, |f| heard.push(f)).unwrap();
    assert_eq!(heard.first(), Some(&0.0));
    assert_eq!(heard.last(), Some(&1.0));
    assert!(heard.windows(2).all(|w| w[0] <= w[1]), "{heard:?}");
    assert_eq!(heard.len(), 4, "start, two images, done: {heard:?}");
    assert_eq!(
        (summary.sites, summary.footprints, summary.pictures),
        (2, 2, 3)
    );
    assert!(summary.unreadable_images.is_empty());
    let page = std::fs::read_to_string(&summary.index).unwrap();
    assert!(page.contains("No overview: the site has no images."));
    assert!(page.contains("image I8 is not in this site"));
    assert!(page.contains("image I9 is not in this site"));
    for file in ["S1-overview.jpg", "S1-F1-before.jpg", "S1-F1-after.jpg"] {
        assert!(out.join("img").join(file).is_file(), "{file}");
    }
}
