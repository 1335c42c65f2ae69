//! Operations on the reference layer (imported building outlines): importing a whole file as
//! one undo step, turning a reference into a labelled footprint with one key, deleting one.
//! Each produces one [`Op`] like the footprint operations in [`super::ops`].

use super::ops::{NewFootprint, Op, OpResult, create_footprint};
use crate::gis::ImportedLayer;
use crate::model::{Edit, NextIds, ReferenceBuilding, ReferenceId, Site};

/// Adds every building of an imported layer to `site` as references, as one step. The ids
/// are taken from a copy of the project's counters; applying the edit moves the project's past
/// them.
pub fn import_references(site: &Site, next_ids: &NextIds, layer: &ImportedLayer) -> OpResult {
    if layer.buildings.is_empty() {
        return Err(format!(
            "{} holds no building outlines inside site {} \"{}\".",
            layer.source, site.id, site.name
        ));
    }
    let mut ids = next_ids.clone();
    let references = layer
        .buildings
        .iter()
        .map(|b| {
            Ok(ReferenceBuilding {
                id: ids.new_reference().map_err(|e| e.to_string())?,
                outline: b.outline.clone(),
                source: layer.source.clone(),
                attributes: b.attributes.clone(),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let n = references.len();
    Ok(Op {
        edit: Edit::AddReferences {
            site: site.id,
            references,
        },
        label: format!("import {n} reference building(s) from {}", layer.source),
        select: Vec::new(),
    })
}

/// Turns a reference building into a footprint with its outline, labelled `new.kind` between
/// the compared images, as one step: the footprint is added and the reference removed.
pub fn convert_reference(site: &Site, id: ReferenceId, new: &NewFootprint<'_>) -> OpResult {
    let reference = site
        .reference(id)
        .ok_or_else(|| format!("Reference building {id} is not in site {}.", site.name))?;
    let add = create_footprint(site, reference.outline.clone(), new)?;
    Ok(Op {
        edit: Edit::Batch(vec![
            Edit::RemoveReferences {
                site: site.id,
                ids: vec![id],
            },
            add.edit,
        ]),
        label: format!("label reference {id} {} as {}", new.kind, new.id),
        select: add.select,
    })
}

/// Deletes a reference building.
pub fn delete_reference(site: &Site, id: ReferenceId) -> OpResult {
    if site.reference(id).is_none() {
        return Err(format!(
            "Reference building {id} is not in site {}.",
            site.name
        ));
    }
    Ok(Op {
        edit: Edit::RemoveReferences {
            site: site.id,
            ids: vec![id],
        },
        label: format!("delete reference building {id}"),
        select: Vec::new(),
    })
}

/// The reference building under `p` (site coordinates): the smallest whose outline contains
/// it, so a shed inside a yard outline can still be picked. Linear, which at 10 000 outlines
/// is a few hundred microseconds per click (measured by `bench_references` in the tests); the
/// window calls it on clicks only, never per frame.
pub fn reference_at(site: &Site, p: crate::model::Point) -> Option<ReferenceId> {
    site.references
        .iter()
        .filter(|r| {
            r.outline.bounding_box().is_some_and(|b| b.contains(p)) && r.outline.contains(p)
        })
        .min_by(|a, b| a.outline.area().total_cmp(&b.outline.area()))
        .map(|r| r.id)
}
