use super::*;
use crate::editing::Selection;
use crate::editing::index::SiteIndex;
use crate::model::{CaptureDate, DatedImage, Project, SiteId, Timestamp};

/// A site whose image 2 is already shifted by (5, 0) into the site frame.
fn site() -> Site {
    let mut s = Site::new(SiteId(1), "s");
    for (id, name) in [(1, "a.png"), (2, "b.png")] {
        s.images
            .push(DatedImage::new(ImageId(id), name, CaptureDate::Unknown));
    }
    s.images[1].to_site = Affine::translation(5.0, 0.0);
    s.reference_image = Some(ImageId(1));
    s
}

/// Clicks `site_point` in the pane showing `side`, as the canvas would.
fn click(tool: &mut RegistrationTool, site: &Site, side: Side, p: (f64, f64)) -> ToolOutput {
    with_ctx(site, side, |ctx| {
        tool.pointer(Pointer::Click(Point::new(p.0, p.1)), ctx)
    })
}

fn with_ctx<R>(site: &Site, side: Side, f: impl FnOnce(&ToolContext<'_>) -> R) -> R {
    let index = SiteIndex::build(site);
    let new = Err("no drawing".to_string());
    let selection = Selection::default();
    let ctx = ToolContext {
        site,
        index: &index,
        side,
        tolerance: 3.0,
        selection: &selection,
        now: Timestamp::from_unix(0).unwrap(),
        new: &new,
        locked: false,
    };
    f(&ctx)
}

fn tool(site: &Site) -> RegistrationTool {
    RegistrationTool::new(target(site, Some(ImageId(1)), Some(ImageId(2))).unwrap())
}

#[test]
fn the_after_image_is_registered_against_the_reference_in_the_before_pane() {
    let s = site();
    let t = target(&s, Some(ImageId(1)), Some(ImageId(2))).unwrap();
    assert_eq!((t.image, t.reference_side), (ImageId(2), Side::Before));
    let t = target(&s, Some(ImageId(2)), Some(ImageId(1))).unwrap();
    assert_eq!((t.image, t.reference_side), (ImageId(2), Side::After));
}

#[test]
fn the_reference_image_alone_cannot_be_registered() {
    let s = site();
    let err = target(&s, Some(ImageId(1)), Some(ImageId(1))).unwrap_err();
    assert!(
        err.contains("reference image cannot be registered"),
        "{err}"
    );
    assert!(reset(&s, ImageId(1)).is_err());
    let err = nudge(&s, ImageId(1), 1.0, 0.0).unwrap_err();
    assert!(err.contains("reference image"), "{err}");
}

#[test]
fn a_click_in_the_other_pane_is_mapped_back_to_the_images_own_pixels() {
    let s = site();
    let mut t = tool(&s);
    click(&mut t, &s, Side::Before, (10.0, 20.0));
    assert_eq!(t.pending(), Some(Point::new(10.0, 20.0)));
    click(&mut t, &s, Side::After, (17.0, 21.0));
    assert_eq!(
        t.pairs(),
        &[TiePoint {
            image: Point::new(12.0, 21.0),
            site: Point::new(10.0, 20.0),
        }]
    );
    assert!(t.pending().is_none());
}

#[test]
fn a_click_in_the_other_pane_first_asks_for_the_reference_click() {
    let s = site();
    let mut t = tool(&s);
    let out = click(&mut t, &s, Side::After, (1.0, 1.0));
    assert!(out.message.unwrap().contains("reference pane first"));
    assert!(t.pairs().is_empty());
}

#[test]
fn four_pairs_fit_the_clicked_shift_and_apply_as_one_edit() {
    let s = site();
    let mut t = tool(&s);
    // The feature at site (x, y) shows at (x + 3, y - 2) in the after pane (image drawn with
    // its +5 shift), so in the image's own pixels it is at (x - 2, y - 2).
    for (x, y) in [(10.0, 10.0), (200.0, 15.0), (190.0, 160.0), (20.0, 150.0)] {
        click(&mut t, &s, Side::Before, (x, y));
        click(&mut t, &s, Side::After, (x + 3.0, y - 2.0));
    }
    let fit = t.fit().unwrap();
    let expected = Affine::translation(2.0, 2.0);
    assert!(
        fit.to_site
            .apply(Point::new(50.0, 70.0))
            .distance(expected.apply(Point::new(50.0, 70.0)))
            < 1e-9
    );
    let op = t.apply(&s).unwrap();
    assert!(
        op.label.starts_with("register image I2 (4 tie points"),
        "{}",
        op.label
    );
    let mut p = Project::new("p");
    p.sites.push(s);
    op.edit.apply(&mut p).unwrap();
    assert!(
        p.sites[0].images[1]
            .to_site
            .apply(Point::new(0.0, 0.0))
            .distance(Point::new(2.0, 2.0))
            < 1e-9
    );
}

#[test]
fn fewer_than_three_pairs_cannot_be_applied() {
    let s = site();
    let mut t = tool(&s);
    click(&mut t, &s, Side::Before, (0.0, 0.0));
    click(&mut t, &s, Side::After, (0.0, 0.0));
    assert!(t.apply(&s).unwrap_err().contains("at least 3"));
}

#[test]
fn escape_drops_the_pending_click_then_passes_on_and_backspace_removes_the_last_pair() {
    let s = site();
    let mut t = tool(&s);
    click(&mut t, &s, Side::Before, (0.0, 0.0));
    click(&mut t, &s, Side::After, (0.0, 0.0));
    click(&mut t, &s, Side::Before, (9.0, 9.0));
    let esc = with_ctx(&s, Side::Before, |ctx| t.key(ToolKey::Escape, ctx));
    assert!(esc.consumed && t.pending().is_none());
    let esc = with_ctx(&s, Side::Before, |ctx| t.key(ToolKey::Escape, ctx));
    assert!(!esc.consumed, "a second Esc leaves the mode");
    with_ctx(&s, Side::Before, |ctx| t.key(ToolKey::Backspace, ctx));
    assert!(t.pairs().is_empty());
}

#[test]
fn markers_are_numbered_in_both_panes_and_the_worst_pair_is_flagged() {
    let s = site();
    let mut t = tool(&s);
    for (i, (x, y)) in [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)]
        .into_iter()
        .enumerate()
    {
        click(&mut t, &s, Side::Before, (x, y));
        let slip = if i == 2 { 4.0 } else { 0.0 };
        click(&mut t, &s, Side::After, (x + slip, y));
    }
    let marks = |side| {
        with_ctx(&s, side, |ctx| t.preview(ctx))
            .into_iter()
            .filter_map(|p| match p {
                PreviewShape::TiePoint { number, mark, .. } => Some((number, mark)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    for side in [Side::Before, Side::After] {
        let m = marks(side);
        assert_eq!(m.len(), 4);
        assert_eq!(
            m.iter().filter(|(_, k)| *k == TieMark::Worst).count(),
            1,
            "{m:?}"
        );
        assert_eq!(m.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }
    // The other pane's markers sit where the image shows them now (its +5 shift).
    let at = with_ctx(&s, Side::After, |ctx| t.preview(ctx))
        .into_iter()
        .find_map(|p| match p {
            PreviewShape::TiePoint { at, number: 1, .. } => Some(at),
            _ => None,
        });
    assert_eq!(at, Some(Point::new(0.0, 0.0)));
}

#[test]
fn a_nudge_shifts_the_current_transform_and_a_reset_brings_back_the_identity() {
    let s = site();
    let op = nudge(&s, ImageId(2), -1.0, 10.0).unwrap();
    let Edit::SetImageTransform { to_site, .. } = op.edit else {
        panic!("{:?}", op.edit)
    };
    assert_eq!(to_site, Affine::translation(4.0, 10.0));
    let Edit::SetImageTransform { to_site, .. } = reset(&s, ImageId(2)).unwrap().edit else {
        panic!()
    };
    assert!(to_site.is_identity());
}
