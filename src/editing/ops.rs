//! Operations on footprints: each either produces one ready-to-apply [`Op`] (the edit, the
//! words for the Edit menu, the selection afterwards) or says why it does not apply, in words
//! fit for a tooltip or the status bar (as iD's operations have `disabled()`). The menu, the
//! keys, the context menu and the inspector all go through here.

use super::OutlineRef;
use super::selection::VertexRef;
use crate::model::geometry::PolygonProblem;
use crate::model::orthogonalize::{SQUARE_TOLERANCE_DEG, SquareError, square_corners};
use crate::model::{
    ChangeKind, Confidence, Edit, Footprint, FootprintId, ImageId, Polygon, Site, Timestamp,
};

/// A change ready to apply as one undo step.
#[derive(Clone, Debug, PartialEq)]
pub struct Op {
    pub edit: Edit,
    /// The Edit menu's words: "Undo draw footprint F7".
    pub label: String,
    /// The footprint selection once the change is made.
    pub select: Vec<FootprintId>,
}

/// Why an operation does not apply, for tooltips and the status bar.
pub type Refusal = String;

pub type OpResult = Result<Op, Refusal>;

/// "F3", or "4 footprints".
pub fn names(ids: &[FootprintId]) -> String {
    match ids {
        [one] => one.to_string(),
        many => format!("{} footprints", many.len()),
    }
}

/// Whether `outline` can be a footprint: refuses non-finite coordinates, fewer than 3 distinct
/// vertices, a flat outline and one that crosses itself, with a message saying which.
pub fn check_outline(outline: &Polygon) -> Result<(), Refusal> {
    match outline.problems().first() {
        None => Ok(()),
        Some(PolygonProblem::TooFewVertices(n)) => Err(format!(
            "A footprint needs at least 3 distinct corners; this shape has {n}."
        )),
        Some(PolygonProblem::SelfIntersecting(i, j)) => Err(format!(
            "The outline would cross itself (edges {} and {}).",
            i + 1,
            j + 1
        )),
        Some(PolygonProblem::ZeroArea) => {
            Err("The outline has no area: all its corners lie on one line.".into())
        }
        Some(p) => Err(format!("The outline {p}.")),
    }
}

fn footprints<'a>(site: &'a Site, ids: &[FootprintId]) -> Result<Vec<&'a Footprint>, Refusal> {
    if ids.is_empty() {
        return Err("Select a footprint first.".into());
    }
    ids.iter()
        .map(|id| {
            site.footprint(*id)
                .ok_or_else(|| format!("Footprint {id} is not in site {}.", site.name))
        })
        .collect()
}

/// One footprint changed by `f`; unchanged ones are left out of the edit.
fn replace_each(
    site: &Site,
    ids: &[FootprintId],
    now: Timestamp,
    mut f: impl FnMut(&mut Footprint) -> Result<(), Refusal>,
) -> Result<Vec<Edit>, Refusal> {
    let mut edits = Vec::new();
    for fp in footprints(site, ids)? {
        let mut changed = fp.clone();
        f(&mut changed)?;
        if changed != *fp {
            touch(&mut changed, now);
            edits.push(Edit::ReplaceFootprint {
                site: site.id,
                footprint: changed,
            });
        }
    }
    Ok(edits)
}

fn touch(fp: &mut Footprint, now: Timestamp) {
    fp.modified = now.max(fp.created);
}

fn one_step(edits: Vec<Edit>, label: String, select: Vec<FootprintId>) -> OpResult {
    let edit = match edits.len() {
        0 => return Err("Nothing to change.".into()),
        1 => edits.into_iter().next().ok_or("Nothing to change.")?,
        _ => Edit::Batch(edits),
    };
    Ok(Op {
        edit,
        label,
        select,
    })
}

/// What a new footprint needs besides its outline.
#[derive(Clone, Debug)]
pub struct NewFootprint<'a> {
    /// The two images on screen: (before, after).
    pub pair: (Option<ImageId>, Option<ImageId>),
    pub kind: ChangeKind,
    pub author: &'a str,
    pub now: Timestamp,
    /// The id to give it ([`super::Document::next_footprint_ids`]).
    pub id: FootprintId,
}

/// A new footprint observed between the two images on screen (earlier one first).
pub fn create_footprint(site: &Site, outline: Polygon, new: &NewFootprint<'_>) -> OpResult {
    check_outline(&outline)?;
    let (Some(b), Some(a)) = new.pair else {
        return Err("Choose a before and an after image first.".into());
    };
    if a == b {
        return Err(
            "Before and after are the same image: choose two dates to outline a change.".into(),
        );
    }
    let (Some(bi), Some(ai)) = (site.image(b), site.image(a)) else {
        return Err("The compared images are not images of this site.".into());
    };
    // The footprint's pair runs forward in time, whichever way round the panes show it.
    let (before, after) = if bi.date.is_after(&ai.date) {
        (a, b)
    } else {
        (b, a)
    };
    let fp = Footprint::new(
        new.id, new.kind, before, after, outline, new.author, new.now,
    );
    Ok(Op {
        edit: Edit::AddFootprint {
            site: site.id,
            footprint: fp,
        },
        label: format!("draw footprint {}", new.id),
        select: vec![new.id],
    })
}

pub fn delete(site: &Site, ids: &[FootprintId]) -> OpResult {
    footprints(site, ids)?;
    let edits = ids
        .iter()
        .map(|id| Edit::RemoveFootprint {
            site: site.id,
            id: *id,
        })
        .collect();
    one_step(edits, format!("delete {}", names(ids)), Vec::new())
}

pub fn set_kind(site: &Site, ids: &[FootprintId], kind: ChangeKind, now: Timestamp) -> OpResult {
    let edits = replace_each(site, ids, now, |f| {
        f.kind = kind;
        Ok(())
    })?;
    if edits.is_empty() {
        return Err(format!("Already labelled {kind}."));
    }
    one_step(edits, format!("label {} {kind}", names(ids)), ids.to_vec())
}

pub fn set_confidence(
    site: &Site,
    ids: &[FootprintId],
    confidence: Confidence,
    now: Timestamp,
) -> OpResult {
    let edits = replace_each(site, ids, now, |f| {
        f.confidence = confidence;
        Ok(())
    })?;
    one_step(
        edits,
        format!("set confidence of {} to {}", names(ids), confidence.label()),
        ids.to_vec(),
    )
}

/// Adds `tag` to every footprint in `ids`.
pub fn add_tag(site: &Site, ids: &[FootprintId], tag: &str, now: Timestamp) -> OpResult {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err("A tag cannot be empty.".into());
    }
    let edits = replace_each(site, ids, now, |f| {
        if !f.tags.iter().any(|t| t == tag) {
            f.tags.push(tag.to_string());
            f.canonicalize();
        }
        Ok(())
    })?;
    one_step(edits, format!("tag {} \"{tag}\"", names(ids)), ids.to_vec())
}

/// Removes `tag` from every footprint in `ids`.
pub fn remove_tag(site: &Site, ids: &[FootprintId], tag: &str, now: Timestamp) -> OpResult {
    let edits = replace_each(site, ids, now, |f| {
        f.tags.retain(|t| t != tag);
        Ok(())
    })?;
    one_step(
        edits,
        format!("untag {} \"{tag}\"", names(ids)),
        ids.to_vec(),
    )
}

pub fn set_note(site: &Site, id: FootprintId, note: &str, now: Timestamp) -> OpResult {
    let edits = replace_each(site, &[id], now, |f| {
        f.note = note.to_string();
        Ok(())
    })?;
    one_step(edits, format!("edit the note of {id}"), vec![id])
}

/// Sets the images a footprint's change was observed between.
pub fn set_pair(
    site: &Site,
    ids: &[FootprintId],
    before: ImageId,
    after: ImageId,
    now: Timestamp,
) -> OpResult {
    if before == after {
        return Err("Before and after must be two different images.".into());
    }
    let (Some(b), Some(a)) = (site.image(before), site.image(after)) else {
        return Err("Both images must belong to this site.".into());
    };
    if b.date.is_after(&a.date) {
        return Err(format!(
            "The before image ({}) is dated after the after image ({}).",
            b.date, a.date
        ));
    }
    let edits = replace_each(site, ids, now, |f| {
        f.before = before;
        f.after = after;
        Ok(())
    })?;
    one_step(
        edits,
        format!("set the images of {}", names(ids)),
        ids.to_vec(),
    )
}

/// Moves every selected footprint (both its outlines) by `(dx, dy)` site pixels.
pub fn translate(
    site: &Site,
    ids: &[FootprintId],
    dx: f64,
    dy: f64,
    now: Timestamp,
    verb: &str,
) -> OpResult {
    if !(dx.is_finite() && dy.is_finite()) || (dx == 0.0 && dy == 0.0) {
        return Err("Nothing to move.".into());
    }
    let edits = replace_each(site, ids, now, |f| {
        f.outline = f.outline.translated(dx, dy);
        f.after_outline = f.after_outline.as_ref().map(|p| p.translated(dx, dy));
        Ok(())
    })?;
    one_step(edits, format!("{verb} {}", names(ids)), ids.to_vec())
}

/// Squares the corners of every selected footprint (both outlines where there are two). Those
/// already square are left alone; the first that cannot be squared refuses the whole step.
pub fn square(site: &Site, ids: &[FootprintId], now: Timestamp) -> OpResult {
    let mut squared_any = false;
    let edits = replace_each(site, ids, now, |f| {
        let mut one = |p: &Polygon| match square_corners(p, SQUARE_TOLERANCE_DEG) {
            Ok(sq) => {
                squared_any = true;
                Ok(sq)
            }
            Err(SquareError::AlreadySquare) => Ok(p.clone()),
            Err(e) => Err(format!("Cannot square {}: {e}.", f.id)),
        };
        f.outline = one(&f.outline)?;
        if let Some(after) = f.after_outline.clone() {
            f.after_outline = Some(one(&after)?);
        }
        Ok(())
    })?;
    if !squared_any || edits.is_empty() {
        return Err("Already square.".into());
    }
    one_step(edits, format!("square {}", names(ids)), ids.to_vec())
}

/// Replaces one polygon of one footprint (a vertex dragged, inserted or deleted).
pub fn set_polygon(
    site: &Site,
    id: FootprintId,
    which: OutlineRef,
    polygon: Polygon,
    label: String,
    now: Timestamp,
) -> OpResult {
    check_outline(&polygon)?;
    let edits = replace_each(site, &[id], now, |f| {
        which.set(f, polygon.clone());
        Ok(())
    })?;
    one_step(edits, label, vec![id])
}

pub fn delete_vertex(site: &Site, v: VertexRef, now: Timestamp) -> OpResult {
    let fp = site
        .footprint(v.footprint)
        .ok_or_else(|| format!("Footprint {} is gone.", v.footprint))?;
    let poly = v.outline.get(fp);
    let smaller = poly
        .without_vertex(v.index)
        .ok_or_else(|| "A footprint keeps at least 3 corners.".to_string())?;
    set_polygon(
        site,
        v.footprint,
        v.outline,
        smaller,
        format!("delete a corner of {}", v.footprint),
        now,
    )
}

/// Gives each selected footprint an after-outline equal to its outline, to be reshaped in the
/// after pane (a renovation that changed the building's shape).
pub fn copy_outline_to_after(site: &Site, ids: &[FootprintId], now: Timestamp) -> OpResult {
    let fps = footprints(site, ids)?;
    if fps.iter().all(|f| f.after_outline.is_some()) {
        return Err("Already has its own after-outline.".into());
    }
    let edits = replace_each(site, ids, now, |f| {
        if f.after_outline.is_none() {
            f.after_outline = Some(f.outline.clone());
            f.kind = ChangeKind::Renovated;
        }
        Ok(())
    })?;
    one_step(
        edits,
        format!("copy the outline of {} to the after date", names(ids)),
        ids.to_vec(),
    )
}

/// Drops the after-outline: the building has one shape at both dates again.
pub fn remove_after_outline(site: &Site, ids: &[FootprintId], now: Timestamp) -> OpResult {
    let fps = footprints(site, ids)?;
    if fps.iter().all(|f| f.after_outline.is_none()) {
        return Err("Has no after-outline.".into());
    }
    let edits = replace_each(site, ids, now, |f| {
        f.after_outline = None;
        Ok(())
    })?;
    one_step(
        edits,
        format!("remove the after-outline of {}", names(ids)),
        ids.to_vec(),
    )
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
