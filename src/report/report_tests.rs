use super::*;
use crate::model::{
    CaptureDate, ChangeKind, Decision, FootprintId, Polygon, Reason, SiteId, Timestamp,
};
use image::Rgb;

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
    let mut levels = Levels::new(ground_with_roof(100, 100, 140, 140));
    let fp = footprint(ChangeKind::New, (150.0, 120.0), (190.0, 160.0));
    let pic = footprint_picture(&image, &mut levels, &fp, Side::Before).unwrap();
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
    let image = DatedImage::new(ImageId(2), "b.png", CaptureDate::Unknown);
    let mut levels = Levels::new(ground_with_roof(100, 100, 160, 140));
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
    let before = footprint_picture(&image, &mut levels, &fp, Side::Before).unwrap();
    let after = footprint_picture(&image, &mut levels, &fp, Side::After).unwrap();
    assert!(outline_at_x(&before, 140) && !outline_at_x(&before, 160));
    assert!(outline_at_x(&after, 160) && !outline_at_x(&after, 140));
}

#[test]
fn an_outline_outside_the_image_or_an_unusable_transform_gives_a_reason_not_a_picture() {
    let mut image = DatedImage::new(ImageId(1), "a.png", CaptureDate::Unknown);
    let mut levels = Levels::new(ground_with_roof(0, 0, 1, 1));
    let far = footprint(ChangeKind::New, (5000.0, 5000.0), (5100.0, 5100.0));
    let why = footprint_picture(&image, &mut levels, &far, Side::Before).unwrap_err();
    assert!(why.contains("outside image I1 (400 x 300 px)"), "{why}");
    image.to_site = Affine::scale(0.0, 1.0);
    let near = footprint(ChangeKind::New, (10.0, 10.0), (20.0, 20.0));
    let why = footprint_picture(&image, &mut levels, &near, Side::Before).unwrap_err();
    assert!(why.contains("cannot be inverted"), "{why}");
}

#[test]
fn the_overview_is_scaled_down_and_outlines_every_footprint() {
    let image = DatedImage::new(ImageId(1), "a.png", CaptureDate::Unknown);
    let big = RgbImage::from_pixel(3000, 1500, GROUND);
    let mut levels = Levels::new(big);
    let mut site = Site::new(SiteId(1), "s");
    site.footprints.push(footprint(
        ChangeKind::Demolished,
        (1000.0, 500.0),
        (1400.0, 900.0),
    ));
    let pic = overview_picture(&site, &image, &mut levels).unwrap();
    assert_eq!(pic.dimensions(), (OVERVIEW_MAX_SIDE, 600));
    // The footprint's left edge at x = 1000 is at 400 in the overview.
    let vermillion = Rgb(kind_style(ChangeKind::Demolished).rgb);
    assert!((220..340).any(|y| *pic.get_pixel(400, y) == vermillion));
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
