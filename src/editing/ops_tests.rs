use super::*;
use crate::model::{CaptureDate, DatedImage, Point, Project, SiteId};

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + s).unwrap()
}

fn project() -> Project {
    let mut p = Project::new("p");
    let mut s = Site::new(SiteId(1), "yard");
    for (id, date) in [(1, "2024-01-15"), (2, "2024-07-15"), (3, "2024-04-15")] {
        s.images.push(DatedImage::new(
            ImageId(id),
            format!("{id}.png"),
            date.parse::<CaptureDate>().unwrap(),
        ));
    }
    s.reference_image = Some(ImageId(1));
    for (id, x) in [(1, 0.0), (2, 100.0)] {
        s.footprints.push(Footprint::new(
            FootprintId(id),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(x, 0.0), Point::new(x + 40.0, 30.0)),
            "ana",
            t(0),
        ));
    }
    p.sites.push(s);
    p.canonicalize();
    p
}

fn apply(p: &mut Project, op: &Op) {
    op.edit.clone().apply(p).unwrap();
}

fn new_fp(id: u32, pair: (u32, u32)) -> NewFootprint<'static> {
    NewFootprint {
        pair: (Some(ImageId(pair.0)), Some(ImageId(pair.1))),
        kind: ChangeKind::Demolished,
        author: "bo",
        now: t(5),
        id: FootprintId(id),
    }
}

#[test]
fn a_new_footprint_takes_the_pair_on_screen_earlier_image_first() {
    let mut p = project();
    let outline = Polygon::rectangle(Point::new(0.0, 100.0), Point::new(10.0, 110.0));
    // The panes show July as "before" and January as "after": the footprint still runs forward.
    let op = create_footprint(&p.sites[0], outline.clone(), &new_fp(3, (2, 1))).unwrap();
    assert_eq!(op.label, "draw footprint F3");
    assert_eq!(op.select, vec![FootprintId(3)]);
    apply(&mut p, &op);
    let f = p.sites[0].footprint(FootprintId(3)).unwrap();
    assert_eq!((f.before, f.after), (ImageId(1), ImageId(2)));
    assert_eq!(f.kind, ChangeKind::Demolished);
    assert_eq!(f.author, "bo");
    assert_eq!(f.outline, outline);
}

#[test]
fn a_shape_that_cannot_be_a_footprint_is_refused_with_a_message() {
    let p = project();
    let two = Polygon(vec![
        Point::new(0.0, 0.0),
        Point::new(5.0, 5.0),
        Point::new(5.0, 5.0),
    ]);
    let err = create_footprint(&p.sites[0], two, &new_fp(3, (1, 2))).unwrap_err();
    assert!(err.contains("at least 3 distinct corners"), "{err}");
    let flat = Polygon(vec![
        Point::new(0.0, 0.0),
        Point::new(5.0, 5.0),
        Point::new(9.0, 9.0),
    ]);
    let err = create_footprint(&p.sites[0], flat, &new_fp(3, (1, 2))).unwrap_err();
    assert!(err.contains("no area"), "{err}");
    let bow = Polygon(
        [(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0)]
            .map(Point::from)
            .to_vec(),
    );
    let err = create_footprint(&p.sites[0], bow, &new_fp(3, (1, 2))).unwrap_err();
    assert!(err.contains("cross itself"), "{err}");
    let ok = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(1.0, 1.0));
    let err = create_footprint(&p.sites[0], ok, &new_fp(3, (2, 2))).unwrap_err();
    assert!(err.contains("same image"), "{err}");
}

#[test]
fn labelling_changes_only_what_differs_and_says_so_when_nothing_does() {
    let mut p = project();
    let ids = [FootprintId(1), FootprintId(2)];
    let op = set_kind(&p.sites[0], &ids, ChangeKind::Renovated, t(9)).unwrap();
    assert_eq!(op.label, "label 2 footprints renovated");
    apply(&mut p, &op);
    assert!(
        p.sites[0]
            .footprints
            .iter()
            .all(|f| f.kind == ChangeKind::Renovated)
    );
    assert!(p.sites[0].footprints.iter().all(|f| f.modified == t(9)));
    let again = set_kind(&p.sites[0], &ids, ChangeKind::Renovated, t(10)).unwrap_err();
    assert_eq!(again, "Already labelled renovated.");
    assert_eq!(
        set_kind(&p.sites[0], &[], ChangeKind::New, t(10)).unwrap_err(),
        "Select a footprint first."
    );
}

#[test]
fn deleting_then_undoing_brings_the_footprints_back() {
    let mut p = project();
    let original = p.clone();
    let op = delete(&p.sites[0], &[FootprintId(1), FootprintId(2)]).unwrap();
    let inverse = op.edit.clone().apply(&mut p).unwrap();
    assert!(p.sites[0].footprints.is_empty());
    inverse.apply(&mut p).unwrap();
    assert_eq!(p, original);
}

#[test]
fn squaring_a_rough_outline_makes_right_angles_and_an_already_square_one_is_refused() {
    let mut p = project();
    let err = square(&p.sites[0], &[FootprintId(1)], t(1)).unwrap_err();
    assert_eq!(err, "Already square.");
    p.sites[0].footprints[0].outline = Polygon(
        [(0.0, 0.0), (40.0, 2.0), (39.0, 31.0), (-1.0, 29.0)]
            .map(Point::from)
            .to_vec(),
    );
    let op = square(&p.sites[0], &[FootprintId(1)], t(1)).unwrap();
    apply(&mut p, &op);
    let o = &p.sites[0].footprints[0].outline;
    for (a, b) in o.edges() {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let next = o.0[(o.0.iter().position(|q| *q == b).unwrap() + 1) % 4];
        let dot = dx * (next.x - b.x) + dy * (next.y - b.y);
        assert!(dot.abs() < 1e-6, "right angle at {b:?}");
    }
}

#[test]
fn moving_moves_both_outlines_of_a_renovation() {
    let mut p = project();
    p.sites[0].footprints[0].after_outline = Some(Polygon::rectangle(
        Point::new(0.0, 0.0),
        Point::new(60.0, 30.0),
    ));
    let op = translate(&p.sites[0], &[FootprintId(1)], 5.0, -2.0, t(1), "nudge").unwrap();
    assert_eq!(op.label, "nudge F1");
    apply(&mut p, &op);
    let f = &p.sites[0].footprints[0];
    assert_eq!(f.outline.0[0], Point::new(5.0, -2.0));
    assert_eq!(
        f.after_outline.as_ref().unwrap().0[2],
        Point::new(65.0, 28.0)
    );
}

#[test]
fn a_corner_is_deleted_only_while_three_remain() {
    let mut p = project();
    let v = VertexRef {
        footprint: FootprintId(1),
        outline: OutlineRef::Outline,
        index: 0,
    };
    let op = delete_vertex(&p.sites[0], v, t(1)).unwrap();
    apply(&mut p, &op);
    assert_eq!(p.sites[0].footprints[0].outline.len(), 3);
    let err = delete_vertex(&p.sites[0], v, t(2)).unwrap_err();
    assert!(err.contains("at least 3"), "{err}");
}

#[test]
fn copying_the_outline_to_the_after_date_makes_a_renovation_with_its_own_after_outline() {
    let mut p = project();
    let op = copy_outline_to_after(&p.sites[0], &[FootprintId(2)], t(1)).unwrap();
    apply(&mut p, &op);
    let f = p.sites[0].footprint(FootprintId(2)).unwrap().clone();
    assert_eq!(f.after_outline.as_ref(), Some(&f.outline));
    assert_eq!(f.kind, ChangeKind::Renovated);
    assert!(copy_outline_to_after(&p.sites[0], &[FootprintId(2)], t(2)).is_err());
    // Reshape the after-outline alone.
    let wider = Polygon::rectangle(Point::new(100.0, 0.0), Point::new(160.0, 30.0));
    let op = set_polygon(
        &p.sites[0],
        FootprintId(2),
        OutlineRef::AfterOutline,
        wider.clone(),
        "move a corner of F2".into(),
        t(3),
    )
    .unwrap();
    apply(&mut p, &op);
    let f = p.sites[0].footprint(FootprintId(2)).unwrap();
    assert_eq!(f.after_outline.as_ref(), Some(&wider));
    assert_eq!(
        f.outline.0[1],
        Point::new(140.0, 0.0),
        "the before outline stays"
    );
    let op = remove_after_outline(&p.sites[0], &[FootprintId(2)], t(4)).unwrap();
    apply(&mut p, &op);
    assert!(
        p.sites[0]
            .footprint(FootprintId(2))
            .unwrap()
            .after_outline
            .is_none()
    );
}

#[test]
fn tags_are_added_once_kept_sorted_and_removed() {
    let mut p = project();
    let ids = [FootprintId(1)];
    for tag in ["warehouse", " roof ", "warehouse"] {
        if let Ok(op) = add_tag(&p.sites[0], &ids, tag, t(1)) {
            apply(&mut p, &op);
        }
    }
    assert_eq!(p.sites[0].footprints[0].tags, vec!["roof", "warehouse"]);
    let op = remove_tag(&p.sites[0], &ids, "roof", t(2)).unwrap();
    apply(&mut p, &op);
    assert_eq!(p.sites[0].footprints[0].tags, vec!["warehouse"]);
    assert!(add_tag(&p.sites[0], &ids, "  ", t(3)).is_err());
}

#[test]
fn the_pair_of_a_footprint_must_run_forward_in_time() {
    let mut p = project();
    let err = set_pair(&p.sites[0], &[FootprintId(1)], ImageId(2), ImageId(3), t(1)).unwrap_err();
    assert!(err.contains("dated after"), "{err}");
    let op = set_pair(&p.sites[0], &[FootprintId(1)], ImageId(1), ImageId(3), t(1)).unwrap();
    apply(&mut p, &op);
    assert_eq!(p.sites[0].footprints[0].after, ImageId(3));
}
