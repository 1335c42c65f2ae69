use super::*;
use crate::model::{
    CaptureDate, ChangeKind, CoverageGrid, Decision, MarkerShape, Point, Polygon, Timestamp,
};

fn at(secs: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + secs).unwrap()
}

/// One site, two images, footprints F1 and F2 by ana.
fn base() -> Project {
    let mut p = Project::new("yard");
    let sid = p.next_ids.new_site().unwrap();
    let mut s = Site::new(sid, "plant");
    for path in ["a.png", "sub/b.png"] {
        let id = p.next_ids.new_image().unwrap();
        s.images
            .push(DatedImage::new(id, path, CaptureDate::Unknown));
    }
    s.reference_image = Some(ImageId(1));
    p.sites.push(s);
    for x in [0.0, 100.0] {
        add(&mut p, x, "ana", 0);
    }
    p
}

/// Draws a footprint at `x` the way the window does: the next id from the counters.
fn add(p: &mut Project, x: f64, by: &str, t: i64) -> FootprintId {
    let id = p.next_ids.new_footprint().unwrap();
    p.sites[0].footprints.push(Footprint::new(
        id,
        ChangeKind::New,
        ImageId(1),
        ImageId(2),
        Polygon::rectangle(Point::new(x, 0.0), Point::new(x + 20.0, 20.0)),
        by,
        at(t),
    ));
    id
}

fn fp(p: &mut Project, id: u32) -> &mut Footprint {
    p.sites[0].footprint_mut(FootprintId(id)).unwrap()
}

fn comment(by: &str, t: i64, text: &str) -> ReviewEvent {
    ReviewEvent {
        by: by.into(),
        at: at(t),
        decision: None,
        reason: None,
        comment: text.into(),
        judged: None,
    }
}

fn merged(base: &Project, ours: &Project, theirs: &Project) -> MergeOutcome {
    merge_projects(base, ours, theirs)
}

#[test]
fn merging_a_project_with_itself_gives_it_back_unchanged() {
    let b = base();
    let mut x = b.clone();
    add(&mut x, 300.0, "ana", 5);
    fp(&mut x, 1).kind = ChangeKind::Demolished;
    x.canonicalize();
    let out = merged(&b, &x, &x);
    assert!(out.is_clean());
    assert!(out.renumbered.is_empty() && out.notes.is_empty());
    assert_eq!(out.project, x);
}

#[test]
fn footprints_drawn_on_both_branches_get_distinct_ids_and_all_are_kept() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    assert_eq!(add(&mut ours, 200.0, "ana", 1), FootprintId(3));
    assert_eq!(add(&mut theirs, 400.0, "bo", 1), FootprintId(3));
    assert_eq!(add(&mut theirs, 500.0, "bo", 2), FootprintId(4));
    let out = merged(&b, &ours, &theirs);
    assert!(out.is_clean(), "{:?}", out.conflicts);
    let site = &out.project.sites[0];
    let ids: Vec<u32> = site.footprints.iter().map(|f| f.id.0).collect();
    // Ours keeps F3; theirs' F3 collides and moves above everything; theirs' F4 collides
    // with nothing ours holds and keeps its id.
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_eq!(site.footprint(FootprintId(3)).unwrap().author, "ana");
    assert_eq!(
        site.footprint(FootprintId(5)).unwrap().outline,
        theirs.sites[0].footprints[2].outline
    );
    assert_eq!(site.footprint(FootprintId(4)).unwrap().author, "bo");
    assert_eq!(out.renumbered.len(), 1, "{:?}", out.renumbered);
    assert!(out.renumbered[0].contains("F3 is now F5"));
    assert_eq!(out.project.next_ids.footprint, 6);
    assert!(crate::model::validate(&out.project).is_empty());
}

#[test]
fn an_id_ours_handed_out_and_deleted_is_not_reused_for_theirs() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    add(&mut ours, 200.0, "ana", 1);
    ours.sites[0].footprints.retain(|f| f.id.0 != 3);
    add(&mut theirs, 400.0, "bo", 1);
    let out = merged(&b, &ours, &theirs);
    let ids: Vec<u32> = out.project.sites[0]
        .footprints
        .iter()
        .map(|f| f.id.0)
        .collect();
    assert_eq!(ids, [1, 2, 4]);
}

#[test]
fn renumbering_is_the_same_every_time_whatever_the_order_of_theirs() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    add(&mut ours, 200.0, "ana", 1);
    add(&mut ours, 250.0, "ana", 1);
    for x in [400.0, 500.0, 600.0] {
        add(&mut theirs, x, "bo", 1);
    }
    let once = merged(&b, &ours, &theirs);
    theirs.sites[0].footprints.reverse();
    let again = merged(&b, &ours, &theirs);
    assert_eq!(once.project, again.project);
    let ids: Vec<u32> = once.project.sites[0]
        .footprints
        .iter()
        .map(|f| f.id.0)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        once.project.sites[0]
            .footprint(FootprintId(5))
            .unwrap()
            .outline,
        theirs.sites[0].footprints[0].outline,
        "theirs' F5 keeps its id: ours never handed it out"
    );
}

#[test]
fn a_marker_drawn_as_a_renumbered_footprint_follows_it() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    add(&mut ours, 200.0, "ana", 1);
    let drawn = add(&mut theirs, 400.0, "bo", 1);
    let mid = theirs.next_ids.new_marker().unwrap();
    theirs.sites[0].markers.push(Marker {
        id: mid,
        shape: MarkerShape::Point(Point::new(410.0, 10.0)),
        note: String::new(),
        by: "rita".into(),
        at: at(2),
        before: Some(ImageId(1)),
        after: Some(ImageId(2)),
        resolution: Some(crate::model::MarkerResolution::Drawn {
            footprint: drawn,
            by: "bo".into(),
            at: at(3),
        }),
    });
    let out = merged(&b, &ours, &theirs);
    assert_eq!(out.project.sites[0].markers[0].state_text(), "drawn as F4");
}

#[test]
fn a_kind_changed_on_one_branch_and_a_comment_on_the_other_merge_without_conflict() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    fp(&mut ours, 1).kind = ChangeKind::Renovated;
    fp(&mut ours, 1).modified = at(10);
    fp(&mut theirs, 1).reviews.push(comment("rita", 5, "roof?"));
    fp(&mut theirs, 1).tags = vec!["roof".into()];
    let out = merged(&b, &ours, &theirs);
    assert!(out.is_clean(), "{:?}", out.conflicts);
    let f = out.project.sites[0].footprint(FootprintId(1)).unwrap();
    assert_eq!(f.kind, ChangeKind::Renovated);
    assert_eq!(f.reviews, [comment("rita", 5, "roof?")]);
    assert_eq!(f.tags, ["roof"]);
    assert_eq!(f.modified, at(10));
    assert!(f.conflict.is_none());
}

#[test]
fn review_threads_merge_as_a_union_ordered_by_time() {
    let mut b = base();
    fp(&mut b, 2).reviews.push(comment("rita", 1, "first"));
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    let accept = {
        let f = fp(&mut ours, 2);
        f.decision_event(Decision::Accepted, None, "", "rita", at(9))
    };
    fp(&mut ours, 2).reviews.push(accept.clone());
    fp(&mut theirs, 2).reviews.push(comment("ana", 4, "answer"));
    fp(&mut theirs, 2).reviews.push(comment("ana", 12, "later"));
    let out = merged(&b, &ours, &theirs);
    assert!(out.is_clean());
    let f = out.project.sites[0].footprint(FootprintId(2)).unwrap();
    let order: Vec<Timestamp> = f.reviews.iter().map(|e| e.at).collect();
    assert_eq!(order, [at(1), at(4), at(9), at(12)]);
    assert_eq!(f.reviews[2], accept);
    assert_eq!(f.review_state(), crate::model::ReviewState::Accepted);
}

#[test]
fn a_footprint_changed_differently_on_both_branches_is_kept_in_both_versions() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    fp(&mut ours, 1).kind = ChangeKind::Demolished;
    fp(&mut theirs, 1).kind = ChangeKind::Renovated;
    fp(&mut theirs, 1)
        .reviews
        .push(comment("bo", 3, "renovated, see roof"));
    let out = merged(&b, &ours, &theirs);
    assert_eq!(out.conflicts.len(), 1);
    assert_eq!(out.conflicts[0].footprint, FootprintId(1));
    assert!(
        out.conflicts[0].what.contains("kind"),
        "{}",
        out.conflicts[0].what
    );
    let f = out.project.sites[0].footprint(FootprintId(1)).unwrap();
    assert_eq!(f.kind, ChangeKind::Demolished);
    let Some(FootprintConflict::Theirs(other)) = &f.conflict else {
        panic!("expected theirs kept: {:?}", f.conflict);
    };
    assert_eq!(other.kind, ChangeKind::Renovated);
    // The comment merged into both versions: either choice keeps it.
    assert_eq!(f.reviews.len(), 1);
    assert_eq!(other.reviews, f.reviews);
    assert!(other.conflict.is_none());
}

#[test]
fn changed_on_one_branch_and_deleted_on_the_other_is_a_conflict_either_way() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    fp(&mut ours, 1).note = "check".into();
    theirs.sites[0].footprints.retain(|f| f.id.0 != 1);
    ours.sites[0].footprints.retain(|f| f.id.0 != 2);
    fp(&mut theirs, 2).note = "mine".into();
    let out = merged(&b, &ours, &theirs);
    assert_eq!(out.conflicts.len(), 2);
    let site = &out.project.sites[0];
    let f1 = site.footprint(FootprintId(1)).unwrap();
    assert_eq!(f1.note, "check");
    assert_eq!(f1.conflict, Some(FootprintConflict::DeletedInTheirs));
    let f2 = site.footprint(FootprintId(2)).unwrap();
    assert_eq!(f2.note, "mine");
    assert_eq!(f2.conflict, Some(FootprintConflict::DeletedInOurs));
}

#[test]
fn deleted_on_one_branch_and_untouched_on_the_other_is_deleted() {
    let b = base();
    let mut ours = b.clone();
    ours.sites[0].footprints.retain(|f| f.id.0 != 1);
    let theirs = b.clone();
    let out = merged(&b, &theirs, &ours);
    assert!(out.is_clean());
    assert!(out.project.sites[0].footprint(FootprintId(1)).is_none());
    assert_eq!(merged(&b, &ours, &theirs).project, out.project);
}

#[test]
fn coverage_merges_the_cells_each_reviewer_checked_on_either_branch() {
    let mut b = base();
    let grid = CoverageGrid {
        cell: 10.0,
        cols: 4,
        rows: 4,
    };
    let mut c = Coverage::new("rita", grid);
    c.checked = vec![0, 1];
    b.sites[0].coverage.push(c);
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    ours.sites[0].coverage[0].checked = vec![0, 1, 5];
    theirs.sites[0].coverage[0].checked = vec![1, 9];
    let out = merged(&b, &ours, &theirs);
    assert_eq!(out.project.sites[0].coverage[0].checked, [1, 5, 9]);
}

#[test]
fn image_paths_are_merged_as_the_text_stored() {
    let b = base();
    let (mut ours, theirs) = (b.clone(), b.clone());
    ours.sites[0].images[1].source = "drone".into();
    let out = merged(&b, &ours, &theirs);
    let paths: Vec<&str> = out.project.sites[0]
        .images
        .iter()
        .map(|i| i.path.as_str())
        .collect();
    assert_eq!(paths, ["a.png", "sub/b.png"]);
    assert_eq!(out.project.sites[0].images[1].source, "drone");
}

#[test]
fn sites_added_on_both_branches_are_both_kept_with_their_own_images() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    for (p, name) in [(&mut ours, "north"), (&mut theirs, "south")] {
        let sid = p.next_ids.new_site().unwrap();
        let mut s = Site::new(sid, name);
        let iid = p.next_ids.new_image().unwrap();
        s.images.push(DatedImage::new(
            iid,
            format!("{name}.png"),
            CaptureDate::Unknown,
        ));
        s.reference_image = Some(iid);
        p.sites.push(s);
    }
    let out = merged(&b, &ours, &theirs);
    let sites: Vec<(u32, &str, Option<ImageId>)> = out
        .project
        .sites
        .iter()
        .map(|s| (s.id.0, s.name.as_str(), s.reference_image))
        .collect();
    assert_eq!(
        sites,
        [
            (1, "plant", Some(ImageId(1))),
            (2, "north", Some(ImageId(3))),
            (3, "south", Some(ImageId(4)))
        ]
    );
    assert_eq!(out.project.sites[2].images[0].path, "south.png");
    assert!(crate::model::validate(&out.project).is_empty());
}

#[test]
fn names_changed_differently_keep_ours_and_say_so() {
    let b = base();
    let (mut ours, mut theirs) = (b.clone(), b.clone());
    ours.name = "yard A".into();
    theirs.name = "yard B".into();
    theirs.sites[0].name = "works".into();
    let out = merged(&b, &ours, &theirs);
    assert!(out.is_clean());
    assert_eq!(out.project.name, "yard A");
    assert_eq!(out.project.sites[0].name, "works");
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
}
