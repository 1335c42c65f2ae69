use super::*;
use crate::model::{CaptureDate, ChangeKind, DatedImage, Point, Polygon, Project, Site, Timestamp};
use proptest::prelude::*;

fn project() -> Project {
    let mut p = Project::new("t");
    let sid = p.next_ids.new_site().unwrap();
    let mut s = Site::new(sid, "plant");
    let a = p.next_ids.new_image().unwrap();
    let b = p.next_ids.new_image().unwrap();
    s.images
        .push(DatedImage::new(a, "a.png", CaptureDate::Unknown));
    s.images
        .push(DatedImage::new(b, "b.png", CaptureDate::Unknown));
    s.reference_image = Some(a);
    p.sites.push(s);
    p
}

fn footprint(p: &mut Project) -> Footprint {
    let id = p.next_ids.new_footprint().unwrap();
    Footprint::new(
        id,
        ChangeKind::New,
        ImageId(1),
        ImageId(2),
        Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 5.0)),
        "ana",
        Timestamp::from_unix(0).unwrap(),
    )
}

#[test]
fn undo_after_add_restores_the_project_and_redo_brings_it_back() {
    let mut p = project();
    let original = p.clone();
    let f = footprint(&mut p);
    let mut h = History::new();
    h.apply(
        &mut p,
        Edit::AddFootprint {
            site: SiteId(1),
            footprint: f.clone(),
        },
    )
    .unwrap();
    assert!(h.is_dirty());
    assert_eq!(p.sites[0].footprints, vec![f.clone()]);
    assert!(h.undo(&mut p).unwrap());
    assert_eq!(p.sites[0].footprints, original.sites[0].footprints);
    assert!(!h.is_dirty(), "undoing back to the loaded state is clean");
    assert!(h.redo(&mut p).unwrap());
    assert_eq!(p.sites[0].footprints, vec![f]);
    assert!(!h.redo(&mut p).unwrap());
}

#[test]
fn an_undone_add_does_not_free_its_id_for_reuse() {
    let mut p = project();
    let f = footprint(&mut p);
    let id = f.id;
    let mut h = History::new();
    h.apply(
        &mut p,
        Edit::AddFootprint {
            site: SiteId(1),
            footprint: f,
        },
    )
    .unwrap();
    h.undo(&mut p).unwrap();
    assert!(p.next_ids.new_footprint().unwrap().0 > id.0);
}

#[test]
fn a_failing_batch_changes_nothing() {
    let mut p = project();
    let f = footprint(&mut p);
    let before = p.clone();
    let batch = Edit::Batch(vec![
        Edit::AddFootprint {
            site: SiteId(1),
            footprint: f,
        },
        Edit::RemoveFootprint {
            site: SiteId(1),
            id: FootprintId(99),
        },
    ]);
    assert_eq!(
        batch.apply(&mut p),
        Err(EditError::NoSuchFootprint(FootprintId(99)))
    );
    assert_eq!(p, before);
}

#[test]
fn saving_then_editing_then_undoing_returns_to_clean() {
    let mut p = project();
    let mut h = History::new();
    let mut img = p.sites[0].images[0].clone();
    img.path = "moved/a.png".into();
    h.apply(
        &mut p,
        Edit::ReplaceImage {
            site: SiteId(1),
            image: img,
        },
    )
    .unwrap();
    h.mark_saved();
    assert!(!h.is_dirty());
    h.apply(&mut p, Edit::RenameProject("x".into())).unwrap();
    assert!(h.is_dirty());
    h.undo(&mut p).unwrap();
    assert!(!h.is_dirty());
    assert_eq!(p.sites[0].images[0].path, "moved/a.png");
    // Undoing past the save point is a change again.
    h.undo(&mut p).unwrap();
    assert!(h.is_dirty());
    assert_eq!(p.sites[0].images[0].path, "a.png");
}

#[test]
fn undo_names_the_step_and_gives_back_the_selection_from_before_it() {
    let mut p = project();
    let f = footprint(&mut p);
    let mut h = History::new();
    let touched = h
        .apply_step(
            &mut p,
            Edit::AddFootprint {
                site: SiteId(1),
                footprint: f.clone(),
            },
            "draw footprint F1",
            vec![FootprintId(40)],
        )
        .unwrap();
    assert_eq!(touched.footprints.len(), 1);
    assert_eq!(h.undo_description().as_deref(), Some("draw footprint F1"));
    let undone = h.undo_step(&mut p, vec![f.id]).unwrap().unwrap();
    assert_eq!(undone.label, "draw footprint F1");
    assert_eq!(undone.selection, vec![FootprintId(40)]);
    assert!(undone.touched.footprints.contains(&(SiteId(1), f.id)));
    assert_eq!(h.redo_description().as_deref(), Some("draw footprint F1"));
    let redone = h.redo_step(&mut p, vec![]).unwrap().unwrap();
    assert_eq!(
        redone.selection,
        vec![f.id],
        "redo selects what was selected at undo"
    );
}

#[test]
fn an_image_a_footprint_uses_cannot_be_removed_and_the_error_names_the_footprint() {
    let mut p = project();
    let f = footprint(&mut p);
    p.sites[0].footprints.push(f);
    let err = Edit::RemoveImage {
        site: SiteId(1),
        id: ImageId(2),
    }
    .apply(&mut p)
    .unwrap_err();
    assert_eq!(err.to_string(), "image I2 is used by footprint(s) F1");
    let err = Edit::RemoveImage {
        site: SiteId(1),
        id: ImageId(1),
    }
    .apply(&mut p)
    .unwrap_err();
    assert!(err.to_string().contains("F1"), "{err}");
}

#[test]
fn the_reference_image_cannot_be_removed_until_another_is_chosen() {
    let mut p = project();
    let remove = Edit::RemoveImage {
        site: SiteId(1),
        id: ImageId(1),
    };
    assert_eq!(
        remove.clone().apply(&mut p),
        Err(EditError::ImageIsReference(ImageId(1)))
    );
    let before = p.clone();
    let both = Edit::Batch(vec![
        Edit::SetReferenceImage {
            site: SiteId(1),
            image: Some(ImageId(2)),
        },
        remove,
    ]);
    let inverse = both.apply(&mut p).unwrap();
    assert_eq!(p.sites[0].images.len(), 1);
    assert_eq!(p.sites[0].reference_image, Some(ImageId(2)));
    inverse.apply(&mut p).unwrap();
    assert_eq!(p, before);
}

#[test]
fn adding_a_site_moves_the_id_counters_past_its_contents() {
    let mut p = project();
    let mut s = Site::new(SiteId(7), "harbour");
    s.images
        .push(DatedImage::new(ImageId(30), "h.png", CaptureDate::Unknown));
    let inverse = Edit::AddSite(s.clone()).apply(&mut p).unwrap();
    assert_eq!(p.next_ids.site, 8);
    assert_eq!(p.next_ids.image, 31);
    assert_eq!(
        Edit::AddSite(s).apply(&mut p),
        Err(EditError::DuplicateSite(SiteId(7)))
    );
    inverse.apply(&mut p).unwrap();
    assert!(p.site(SiteId(7)).is_none());
}

#[test]
fn moving_the_history_to_another_folder_rewrites_the_paths_it_holds() {
    let mut p = project();
    let mut h = History::new();
    let mut img = p.sites[0].images[0].clone();
    img.path = "new/a.png".into();
    h.apply(
        &mut p,
        Edit::ReplaceImage {
            site: SiteId(1),
            image: img,
        },
    )
    .unwrap();
    h.map_image_paths(&mut |path| *path = format!("../{path}"));
    h.undo(&mut p).unwrap();
    assert_eq!(p.sites[0].images[0].path, "../a.png");
}

#[test]
fn the_history_of_ten_thousand_edits_on_ten_thousand_footprints_stays_small_and_bounded() {
    let mut p = project();
    let mut h = History::new();
    let mut adds = Vec::new();
    for _ in 0..10_000 {
        let f = footprint(&mut p);
        adds.push(Edit::AddFootprint {
            site: SiteId(1),
            footprint: f,
        });
    }
    h.apply(&mut p, Edit::Batch(adds)).unwrap();
    for i in 0..10_000u32 {
        let mut f = p.sites[0].footprints[i as usize].clone();
        f.note = "moved".into();
        f.outline = f.outline.map(|q| Point::new(q.x + 1.0, q.y));
        h.apply(
            &mut p,
            Edit::ReplaceFootprint {
                site: SiteId(1),
                footprint: f,
            },
        )
        .unwrap();
    }
    assert_eq!(h.undo_len(), 10_001, "no fixed depth under the bound");
    // Two copies of 10 000 small footprints: a few MB, nowhere near the bound.
    assert!(h.bytes() < 20 << 20, "{} bytes", h.bytes());
    // A tight bound forgets the oldest steps and keeps the newest.
    h.max_bytes = 100_000;
    let f = p.sites[0].footprints[0].clone();
    h.apply(
        &mut p,
        Edit::ReplaceFootprint {
            site: SiteId(1),
            footprint: f,
        },
    )
    .unwrap();
    assert!(h.bytes() <= 100_000, "{}", h.bytes());
    assert!(h.undo_len() > 10 && h.undo_len() < 10_000);
}

// A random edit that can apply to the project as it is: add, remove or change footprints and
// images, rename, in batches.
#[derive(Clone, Debug)]
enum Op {
    Add(f64, f64),
    Remove(usize),
    Move(usize, f64),
    Kind(usize),
    AddImage,
    RemoveImage(usize),
    Rename(String),
    RenameSite(String),
    /// Add a marker, or settle the n-th.
    Mark(f64, f64),
    Settle(usize),
    Cells(Vec<u32>, bool, bool),
    Batch(Vec<Op>),
}

fn op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        (-1e4..1e4f64, -1e4..1e4f64).prop_map(|(x, y)| Op::Add(x, y)),
        (0..20usize).prop_map(Op::Remove),
        (0..20usize, -50.0..50.0f64).prop_map(|(i, d)| Op::Move(i, d)),
        (0..20usize).prop_map(Op::Kind),
        Just(Op::AddImage),
        (0..5usize).prop_map(Op::RemoveImage),
        "[a-z ]{0,8}".prop_map(Op::Rename),
        "[a-z ]{0,8}".prop_map(Op::RenameSite),
        (-1e3..1e3f64, -1e3..1e3f64).prop_map(|(x, y)| Op::Mark(x, y)),
        (0..5usize).prop_map(Op::Settle),
        (
            prop::collection::vec(0u32..40, 0..6),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(c, on, who)| Op::Cells(c, on, who)),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(Op::Batch)
    })
}

fn to_edit(op: &Op, p: &mut Project) -> Option<Edit> {
    let site = SiteId(1);
    let fps = &p.sites[0].footprints;
    let pick = |i: usize| (!fps.is_empty()).then(|| fps[i % fps.len()].clone());
    Some(match op {
        Op::Add(x, y) => {
            let mut f = footprint(p);
            f.outline = Polygon::rectangle(Point::new(*x, *y), Point::new(x + 5.0, y + 3.0));
            Edit::AddFootprint { site, footprint: f }
        }
        Op::Remove(i) => Edit::RemoveFootprint {
            site,
            id: pick(*i)?.id,
        },
        Op::Move(i, d) => {
            let mut f = pick(*i)?;
            f.outline = f.outline.map(|q| Point::new(q.x + d, q.y - d));
            Edit::ReplaceFootprint { site, footprint: f }
        }
        Op::Kind(i) => {
            let mut f = pick(*i)?;
            f.kind = ChangeKind::ALL[*i % 3];
            Edit::ReplaceFootprint { site, footprint: f }
        }
        Op::AddImage => {
            let id = p.next_ids.new_image().ok()?;
            Edit::AddImage {
                site,
                image: DatedImage::new(id, format!("{id}.png"), CaptureDate::Unknown),
            }
        }
        Op::RemoveImage(i) => {
            let imgs = &p.sites[0].images;
            Edit::RemoveImage {
                site,
                id: imgs[*i % imgs.len()].id,
            }
        }
        Op::Rename(n) => Edit::RenameProject(n.clone()),
        Op::RenameSite(n) => Edit::RenameSite {
            site,
            name: n.clone(),
        },
        Op::Mark(x, y) => {
            let id = p.next_ids.new_marker().ok()?;
            let mut markers = p.sites[0].markers.clone();
            markers.push(crate::model::Marker {
                id,
                shape: crate::model::MarkerShape::Point(Point::new(*x, *y)),
                note: "here".into(),
                by: "rev".into(),
                at: crate::model::Timestamp::from_unix(5).unwrap(),
                before: None,
                after: None,
                resolution: None,
            });
            Edit::SetMarkers { site, markers }
        }
        Op::Settle(i) => {
            let mut markers = p.sites[0].markers.clone();
            if markers.is_empty() {
                return None;
            }
            let n = markers.len();
            markers[*i % n].resolution = Some(crate::model::MarkerResolution::Dismissed {
                reason: "shadow".into(),
                by: "ana".into(),
                at: crate::model::Timestamp::from_unix(6).unwrap(),
            });
            Edit::SetMarkers { site, markers }
        }
        Op::Cells(cells, on, who) => Edit::CheckCells {
            site,
            reviewer: if *who { "rev" } else { "ben" }.into(),
            grid: crate::model::CoverageGrid {
                cell: 10.0,
                cols: 6,
                rows: 6,
            },
            cells: cells.clone(),
            checked: *on,
        },
        Op::Batch(v) => {
            // Ids for a batch are allocated up front, like the window's operations do.
            let mut scratch = p.clone();
            let mut edits = Vec::new();
            for o in v {
                let e = to_edit(o, &mut scratch)?;
                e.clone().apply(&mut scratch).ok()?;
                edits.push(e);
            }
            p.next_ids = scratch.next_ids;
            Edit::Batch(edits)
        }
    })
}

/// The project as the history sees it: `next_ids` only ever grows (ids are never reused), so
/// undo restores everything else exactly.
fn content(p: &Project) -> Project {
    let mut c = p.clone();
    c.next_ids = Default::default();
    c
}

fn registered() -> crate::model::Affine {
    crate::model::Affine {
        xx: 1.02,
        xy: -0.03,
        tx: 14.5,
        yx: 0.04,
        yy: 0.98,
        ty: -7.25,
    }
}

#[test]
fn setting_an_image_transform_is_undone_by_its_inverse_and_touches_the_image() {
    let mut p = project();
    let before = p.clone();
    let set = Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(2),
        to_site: registered(),
    };
    let touched = set.touched();
    assert!(touched.images.contains(&(SiteId(1), ImageId(2))));
    assert_eq!(set.describe(), "register image I2");
    let inverse = set.apply(&mut p).unwrap();
    assert_eq!(p.sites[0].images[1].to_site, registered());
    assert_eq!(inverse.touched(), touched);
    assert_eq!(inverse.describe(), "reset the registration of image I2");
    inverse.apply(&mut p).unwrap();
    assert_eq!(p, before);
}

#[test]
fn a_transform_set_through_the_history_is_undone_and_redone() {
    let mut p = project();
    let mut h = History::new();
    let set = |to_site| Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(2),
        to_site,
    };
    h.apply(&mut p, set(registered())).unwrap();
    h.apply(&mut p, set(crate::model::Affine::translation(1.0, 0.0)))
        .unwrap();
    assert!(h.undo(&mut p).unwrap());
    assert_eq!(p.sites[0].images[1].to_site, registered());
    assert!(h.undo(&mut p).unwrap());
    assert!(p.sites[0].images[1].to_site.is_identity());
    assert!(h.redo(&mut p).unwrap());
    assert_eq!(p.sites[0].images[1].to_site, registered());
}

#[test]
fn the_reference_image_cannot_be_registered_but_may_be_set_to_the_identity() {
    let mut p = project();
    let before = p.clone();
    let err = Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(1),
        to_site: registered(),
    }
    .apply(&mut p)
    .unwrap_err();
    assert_eq!(err, EditError::ReferenceNotRegistrable(ImageId(1)));
    assert!(err.to_string().contains("reference image"), "{err}");
    assert_eq!(p, before);
    Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(1),
        to_site: crate::model::Affine::IDENTITY,
    }
    .apply(&mut p)
    .unwrap();
    assert_eq!(p, before);
}

#[test]
fn a_singular_transform_or_a_missing_image_is_refused() {
    let mut p = project();
    let before = p.clone();
    let flat = Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(2),
        to_site: crate::model::Affine::scale(0.0, 1.0),
    };
    assert_eq!(
        flat.apply(&mut p),
        Err(EditError::UnusableTransform(ImageId(2)))
    );
    let missing = Edit::SetImageTransform {
        site: SiteId(1),
        image: ImageId(9),
        to_site: registered(),
    };
    assert_eq!(
        missing.apply(&mut p),
        Err(EditError::NoSuchImage(ImageId(9)))
    );
    assert_eq!(p, before);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_edits_then_as_many_undos_give_back_the_original_and_redos_the_edited(
        ops in prop::collection::vec(op(), 1..25)
    ) {
        let mut p = project();
        let original = p.clone();
        let mut h = History::new();
        let mut applied = 0;
        for o in &ops {
            let Some(e) = to_edit(o, &mut p) else { continue };
            // Edits that do not apply (removing a used image) must change nothing.
            let snapshot = p.clone();
            match h.apply(&mut p, e) {
                Ok(()) => applied += 1,
                Err(_) => prop_assert_eq!(content(&p), content(&snapshot)),
            }
        }
        let edited = p.clone();
        for _ in 0..applied {
            prop_assert!(h.undo(&mut p).unwrap());
        }
        prop_assert!(!h.undo(&mut p).unwrap());
        prop_assert_eq!(content(&p), content(&original));
        prop_assert!(!h.is_dirty());
        for _ in 0..applied {
            prop_assert!(h.redo(&mut p).unwrap());
        }
        prop_assert_eq!(content(&p), content(&edited));
        prop_assert!(p.next_ids.footprint >= edited.next_ids.footprint);
    }
}

fn references(ids: &[u32]) -> Vec<ReferenceBuilding> {
    ids.iter()
        .map(|i| ReferenceBuilding {
            id: ReferenceId(*i),
            outline: Polygon::rectangle(Point::new(0.0, 0.0), Point::new(4.0, 4.0)),
            source: "b.geojson".into(),
            attributes: Default::default(),
        })
        .collect()
}

#[test]
fn a_whole_import_of_references_is_one_step_undone_at_once_and_its_ids_are_never_reused() {
    let mut p = project();
    let site = p.sites[0].id;
    let original = p.clone();
    let mut h = History::new();
    h.apply(
        &mut p,
        Edit::AddReferences {
            site,
            references: references(&[3, 1, 2]),
        },
    )
    .unwrap();
    let ids: Vec<u32> = p.sites[0].references.iter().map(|r| r.id.0).collect();
    assert_eq!(ids, [1, 2, 3], "kept in id order");
    assert_eq!(p.next_ids.reference, 4);
    h.undo(&mut p).unwrap();
    assert_eq!(p.sites[0].references, original.sites[0].references);
    assert_eq!(p.next_ids.reference, 4, "ids are not handed out again");
}

#[test]
fn removing_references_gives_them_back_on_undo_and_a_missing_one_changes_nothing() {
    let mut p = project();
    let site = p.sites[0].id;
    Edit::AddReferences {
        site,
        references: references(&[1, 2, 3]),
    }
    .apply(&mut p)
    .unwrap();
    let before = p.clone();
    let inverse = Edit::RemoveReferences {
        site,
        ids: vec![ReferenceId(2)],
    }
    .apply(&mut p)
    .unwrap();
    assert_eq!(p.sites[0].references.len(), 2);
    inverse.apply(&mut p).unwrap();
    assert_eq!(p, before);
    let err = Edit::RemoveReferences {
        site,
        ids: vec![ReferenceId(9)],
    }
    .apply(&mut p)
    .unwrap_err();
    assert_eq!(err, EditError::NoSuchReference(ReferenceId(9)));
    assert_eq!(p, before);
    let dup = Edit::AddReferences {
        site,
        references: references(&[3]),
    }
    .apply(&mut p);
    assert_eq!(dup, Err(EditError::DuplicateReference(ReferenceId(3))));
}
