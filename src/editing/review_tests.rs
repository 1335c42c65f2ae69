use super::*;
use crate::editing::ops;
use crate::model::{ImageId, Point, Polygon, ReviewState as S};

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + s).unwrap()
}

fn square(x: f64) -> Polygon {
    Polygon::rectangle(Point::new(x, 0.0), Point::new(x + 10.0, 10.0))
}

/// A project of two sites: S1 with F1..F3 by "ana", S2 with F4 by "ben".
fn project() -> Project {
    let mut p = Project::new("p");
    for (sid, ids, author) in [(1, vec![1, 2, 3], "ana"), (2, vec![4], "ben")] {
        let mut site = Site::new(SiteId(sid), format!("s{sid}"));
        for i in 1..=3 {
            site.images.push(crate::model::DatedImage::new(
                ImageId(i),
                format!("{i}.png"),
                format!("2024-0{i}-01").parse().unwrap(),
            ));
        }
        for id in ids {
            let mut fp = Footprint::new(
                FootprintId(id),
                ChangeKind::New,
                ImageId(1),
                ImageId(2),
                square(id as f64 * 20.0),
                author,
                t(0),
            );
            if id == 2 {
                fp.tags.push("hall".into());
            }
            site.footprints.push(fp);
        }
        p.sites.push(site);
    }
    p
}

fn apply(p: &mut Project, op: Op) -> Edit {
    op.edit.apply(p).unwrap()
}

fn state(p: &Project, site: u32, id: u32) -> S {
    p.site(SiteId(site))
        .unwrap()
        .footprint(FootprintId(id))
        .unwrap()
        .review_state()
}

#[test]
fn each_decision_sets_its_state_and_the_latest_decision_counts() {
    let mut p = project();
    let s1 = SiteId(1);
    assert_eq!(state(&p, 1, 1), S::Unreviewed);
    let cases = [
        (Decision::Accepted, None, S::Accepted),
        (Decision::Rejected, Some(Reason::NotABuilding), S::Rejected),
        (
            Decision::NeedsChanges,
            Some(Reason::OutlineInaccurate),
            S::NeedsChanges,
        ),
        (Decision::Accepted, None, S::Accepted),
    ];
    for (i, (decision, reason, want)) in cases.into_iter().enumerate() {
        let op = decide(
            p.site(s1).unwrap(),
            &[FootprintId(1)],
            decision,
            reason,
            "",
            "rev",
            t(i as i64 + 1),
        )
        .unwrap();
        apply(&mut p, op);
        assert_eq!(state(&p, 1, 1), want, "after {decision:?}");
    }
    let fp = p.site(s1).unwrap().footprint(FootprintId(1)).unwrap();
    assert_eq!(fp.reviews.len(), 4, "the whole thread is kept");
    assert_eq!(fp.reviews[1].reason, Some(Reason::NotABuilding));
    // An acceptance carries no reason even when one is passed.
    let op = decide(
        p.site(s1).unwrap(),
        &[FootprintId(2)],
        Decision::Accepted,
        Some(Reason::Duplicate),
        "fine",
        "rev",
        t(9),
    )
    .unwrap();
    apply(&mut p, op);
    let fp = p.site(s1).unwrap().footprint(FootprintId(2)).unwrap();
    assert_eq!(fp.reviews[0].reason, None);
    assert_eq!(fp.reviews[0].comment, "fine");
}

#[test]
fn rejecting_or_sending_back_without_a_reason_or_a_name_is_refused() {
    let p = project();
    let site = p.site(SiteId(1)).unwrap();
    for d in [Decision::Rejected, Decision::NeedsChanges] {
        let err = decide(site, &[FootprintId(1)], d, None, "x", "rev", t(1)).unwrap_err();
        assert!(err.contains("reason"), "{err}");
    }
    let err = decide(
        site,
        &[FootprintId(1)],
        Decision::Accepted,
        None,
        "",
        " ",
        t(1),
    )
    .unwrap_err();
    assert!(err.contains("name"), "{err}");
    let err = decide(site, &[], Decision::Accepted, None, "", "rev", t(1)).unwrap_err();
    assert!(err.contains("Select"), "{err}");
}

#[test]
fn editing_the_outline_kind_or_images_after_a_decision_puts_it_back_in_the_queue() {
    let s1 = SiteId(1);
    type Change = fn(&Site) -> Op;
    let changes: [(&str, Change); 5] = [
        ("move", |s| {
            ops::translate(s, &[FootprintId(1)], 3.0, 0.0, t(5), "move").unwrap()
        }),
        ("kind", |s| {
            ops::set_kind(s, &[FootprintId(1)], ChangeKind::Demolished, t(5)).unwrap()
        }),
        ("after-outline", |s| {
            ops::copy_outline_to_after(s, &[FootprintId(1)], t(5)).unwrap()
        }),
        ("pair", |s| {
            ops::set_pair(s, &[FootprintId(1)], ImageId(1), ImageId(3), t(5)).unwrap()
        }),
        ("vertex", |s| {
            let mut o = s.footprint(FootprintId(1)).unwrap().outline.clone();
            o.0[0].x -= 1.0;
            ops::set_polygon(
                s,
                FootprintId(1),
                crate::editing::OutlineRef::Outline,
                o,
                "move a corner".into(),
                t(5),
            )
            .unwrap()
        }),
    ];
    for (what, change) in changes {
        let mut p = project();
        let op = decide(
            p.site(s1).unwrap(),
            &[FootprintId(1)],
            Decision::Accepted,
            None,
            "",
            "rev",
            t(1),
        )
        .unwrap();
        apply(&mut p, op);
        let op = change(p.site(s1).unwrap());
        let inverse = apply(&mut p, op);
        assert_eq!(state(&p, 1, 1), S::ChangedSinceReview, "{what}");
        // Undoing the change brings the decision back: it judged exactly that.
        let redo = inverse.apply(&mut p).unwrap();
        assert_eq!(state(&p, 1, 1), S::Accepted, "{what} undone");
        // Changed again, then reviewed again: the new decision judges the new shape.
        redo.apply(&mut p).unwrap();
        assert_eq!(state(&p, 1, 1), S::ChangedSinceReview, "{what} redone");
        let op = decide(
            p.site(s1).unwrap(),
            &[FootprintId(1)],
            Decision::NeedsChanges,
            Some(Reason::OutlineInaccurate),
            "",
            "rev",
            t(9),
        )
        .unwrap();
        apply(&mut p, op);
        assert_eq!(state(&p, 1, 1), S::NeedsChanges, "{what} reviewed again");
    }
}

#[test]
fn tags_notes_confidence_and_comments_leave_the_decision_standing() {
    let mut p = project();
    let s1 = SiteId(1);
    let op = decide(
        p.site(s1).unwrap(),
        &[FootprintId(1)],
        Decision::Rejected,
        Some(Reason::WrongKind),
        "looks renovated",
        "rev",
        t(1),
    )
    .unwrap();
    apply(&mut p, op);
    let op = ops::add_tag(p.site(s1).unwrap(), &[FootprintId(1)], "x", t(2)).unwrap();
    apply(&mut p, op);
    let op = ops::set_note(p.site(s1).unwrap(), FootprintId(1), "n", t(2)).unwrap();
    apply(&mut p, op);
    let op = comment(
        p.site(s1).unwrap(),
        FootprintId(1),
        " I disagree ",
        "ana",
        t(3),
    )
    .unwrap();
    apply(&mut p, op);
    assert_eq!(state(&p, 1, 1), S::Rejected);
    let fp = p.site(s1).unwrap().footprint(FootprintId(1)).unwrap();
    assert_eq!(fp.reviews.len(), 2);
    assert_eq!(fp.reviews[1].comment, "I disagree");
    assert_eq!(fp.reviews[1].decision, None);
    assert!(comment(p.site(s1).unwrap(), FootprintId(1), "  ", "ana", t(4)).is_err());
}

#[test]
fn a_decision_by_the_author_is_flagged_as_a_self_review() {
    let mut p = project();
    let s1 = SiteId(1);
    let op = decide(
        p.site(s1).unwrap(),
        &[FootprintId(1), FootprintId(2)],
        Decision::Accepted,
        None,
        "",
        "ana",
        t(1),
    )
    .unwrap();
    apply(&mut p, op);
    let q = queue(&p, &QueueFilter::default());
    let f1 = q.iter().find(|e| e.id == FootprintId(1)).unwrap();
    assert!(f1.self_review);
    let progress = Progress::of_project(&p);
    assert_eq!(progress.self_reviewed, 2);
    assert_eq!((progress.reviewed, progress.total), (2, 4));
    // Someone else's later decision is not a self-review.
    let op = decide(
        p.site(s1).unwrap(),
        &[FootprintId(1)],
        Decision::Accepted,
        None,
        "",
        "ben",
        t(2),
    )
    .unwrap();
    apply(&mut p, op);
    assert_eq!(Progress::of_project(&p).self_reviewed, 1);
}

#[test]
fn repeating_the_standing_decision_changes_nothing_but_a_comment_is_kept() {
    let mut p = project();
    let s1 = SiteId(1);
    let accept = |p: &Project, c: &str| {
        decide(
            p.site(s1).unwrap(),
            &[FootprintId(1)],
            Decision::Accepted,
            None,
            c,
            "rev",
            t(1),
        )
    };
    let op = accept(&p, "").unwrap();
    apply(&mut p, op);
    assert!(accept(&p, "").is_err());
    let op = accept(&p, "checked again with the July image").unwrap();
    apply(&mut p, op);
    assert_eq!(
        p.site(s1)
            .unwrap()
            .footprint(FootprintId(1))
            .unwrap()
            .reviews
            .len(),
        2
    );
}

#[test]
fn the_queue_puts_what_awaits_review_first_and_filters() {
    let mut p = project();
    let s1 = SiteId(1);
    // F1 accepted, F2 accepted then moved (changed since review), F3 rejected, F4 unreviewed.
    for (id, d, r) in [
        (1, Decision::Accepted, None),
        (2, Decision::Accepted, None),
        (3, Decision::Rejected, Some(Reason::Duplicate)),
    ] {
        let op = decide(
            p.site(s1).unwrap(),
            &[FootprintId(id)],
            d,
            r,
            "",
            "rev",
            t(1),
        )
        .unwrap();
        apply(&mut p, op);
    }
    let op = ops::translate(
        p.site(s1).unwrap(),
        &[FootprintId(2)],
        1.0,
        1.0,
        t(2),
        "move",
    )
    .unwrap();
    apply(&mut p, op);
    let q = queue(&p, &QueueFilter::default());
    let order: Vec<(u32, S)> = q.iter().map(|e| (e.id.0, e.state)).collect();
    assert_eq!(
        order,
        [
            (2, S::ChangedSinceReview),
            (4, S::Unreviewed),
            (3, S::Rejected),
            (1, S::Accepted)
        ]
    );
    let only = |f: QueueFilter| -> Vec<u32> { queue(&p, &f).iter().map(|e| e.id.0).collect() };
    assert_eq!(
        only(QueueFilter {
            site: Some(SiteId(2)),
            ..Default::default()
        }),
        [4]
    );
    assert_eq!(
        only(QueueFilter {
            author: Some("ana".into()),
            ..Default::default()
        }),
        [2, 3, 1]
    );
    assert_eq!(
        only(QueueFilter {
            tag: Some("hall".into()),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(
        only(QueueFilter {
            state: Some(S::Rejected),
            ..Default::default()
        }),
        [3]
    );
    assert_eq!(
        only(QueueFilter {
            kind: Some(ChangeKind::Demolished),
            ..Default::default()
        }),
        Vec::<u32>::new()
    );
    // Accept-and-move-on goes to the next footprint awaiting review, wrapping.
    let at = |id: u32, site: u32| Some((SiteId(site), FootprintId(id)));
    assert_eq!(next_awaiting(&q, at(2, 1)).map(|e| e.id.0), Some(4));
    assert_eq!(next_awaiting(&q, at(4, 2)).map(|e| e.id.0), Some(2));
    assert_eq!(next_awaiting(&q, at(3, 1)).map(|e| e.id.0), Some(2));
    assert_eq!(next_awaiting(&q[2..], None), None);
    // Next / previous walk every entry, wrapping.
    assert_eq!(step(&q, at(1, 1), 1).map(|e| e.id.0), Some(2));
    assert_eq!(step(&q, at(2, 1), -1).map(|e| e.id.0), Some(1));
    assert_eq!(step(&q, None, 1).map(|e| e.id.0), Some(2));
    assert_eq!(step(&q, None, -1).map(|e| e.id.0), Some(1));
    assert_eq!(step(&[], None, 1), None);
    let progress = Progress::of_site(p.site(s1).unwrap());
    assert_eq!(progress.text(), "2 of 3 reviewed");
    assert_eq!(progress.changed_since_review, 1);
}

#[test]
fn a_version_1_review_becomes_one_decision_on_the_footprint_as_loaded() {
    use crate::model::review::{ReviewStateV1, ReviewV1};
    let fp = project().sites[0].footprints[0].clone();
    let v1 = ReviewV1 {
        state: ReviewStateV1::Rejected,
        reviewer: "ben".into(),
        comment: "not a building".into(),
        at: None,
    };
    let events = v1.into_events(&fp);
    assert_eq!(events.len(), 1);
    let mut migrated = fp.clone();
    migrated.reviews = events;
    assert_eq!(migrated.review_state(), S::Rejected);
    assert_eq!(
        migrated.reviews[0].at, fp.modified,
        "no time: the footprint's"
    );
    assert_eq!(migrated.reviews[0].reason, Some(Reason::Other));
    assert!(ReviewV1::default().into_events(&fp).is_empty());
    // A comment left on an unreviewed v1 footprint is kept, without a decision.
    let note = ReviewV1 {
        comment: "look again".into(),
        ..Default::default()
    };
    let events = note.into_events(&fp);
    assert_eq!(events[0].decision, None);
    migrated.reviews = events;
    assert_eq!(migrated.review_state(), S::Unreviewed);
}

#[test]
fn markers_are_added_dismissed_with_a_reason_linked_once_and_deleted() {
    use crate::model::{MarkerResolution, MarkerShape};
    let mut p = project();
    let s1 = SiteId(1);
    let id = next_marker_id(&p).unwrap();
    assert_eq!(id, MarkerId(1));
    let bad = MarkerShape::Point(Point::new(f64::NAN, 1.0));
    assert!(add_marker(p.site(s1).unwrap(), id, bad, "", (None, None), "rev", t(1)).is_err());
    let thin = MarkerShape::Area(Polygon(vec![Point::new(0.0, 0.0), Point::new(1.0, 1.0)]));
    assert!(add_marker(p.site(s1).unwrap(), id, thin, "", (None, None), "rev", t(1)).is_err());
    let spot = MarkerShape::Point(Point::new(5.0, 5.0));
    let edit = add_marker(
        p.site(s1).unwrap(),
        id,
        spot,
        " hut ",
        (Some(ImageId(1)), Some(ImageId(3))),
        "rev",
        t(1),
    )
    .unwrap();
    edit.apply(&mut p).unwrap();
    assert_eq!(p.next_ids.marker, 2, "the id is taken for good");
    let m = &p.site(s1).unwrap().markers[0];
    assert_eq!((m.note.as_str(), m.after), ("hut", Some(ImageId(3))));
    assert_eq!(open_markers(&p), 1);
    assert!(dismiss_marker(p.site(s1).unwrap(), id, "  ", "ana", t(2)).is_err());
    let link = link_marker(p.site(s1).unwrap(), id, FootprintId(3), "ana", t(2)).unwrap();
    let undo = link.apply(&mut p).unwrap();
    assert!(matches!(
        p.site(s1).unwrap().markers[0].resolution,
        Some(MarkerResolution::Drawn {
            footprint: FootprintId(3),
            ..
        })
    ));
    assert_eq!(open_markers(&p), 0);
    // Settled markers are not settled twice.
    let err = dismiss_marker(p.site(s1).unwrap(), id, "shadow", "ana", t(3)).unwrap_err();
    assert!(err.contains("drawn as F3"), "{err}");
    undo.apply(&mut p).unwrap();
    dismiss_marker(p.site(s1).unwrap(), id, "shadow", "ana", t(3))
        .unwrap()
        .apply(&mut p)
        .unwrap();
    assert_eq!(
        p.site(s1).unwrap().markers[0].state_text(),
        "dismissed: shadow"
    );
    delete_marker(p.site(s1).unwrap(), id)
        .unwrap()
        .apply(&mut p)
        .unwrap();
    assert!(p.site(s1).unwrap().markers.is_empty());
    assert!(delete_marker(p.site(s1).unwrap(), id).is_err());
}
