//! The select/edit tool: click to select (Shift adds or removes), drag in empty space for a
//! selection box, drag a corner to move it, drag an edge's midpoint handle to insert a corner,
//! drag a footprint's inside to move it (with the rest of the selection). Each drag is one
//! operation when it ends; until then the tool shows the edited outline as a preview.

use super::{
    HandleKind, Mods, PathStyle, Pointer, PreviewShape, ToolContext, ToolKey, ToolOutput,
    snap_marker, snap_point,
};
use crate::editing::OutlineRef;
use crate::editing::hit::{Hit, HitOptions, HitPart, hit};
use crate::editing::ops;
use crate::editing::selection::{SelectionChange, VertexRef};
use crate::editing::snap::Snap;
use crate::model::{BoundingBox, FootprintId, Point, Polygon};

#[derive(Clone, Debug, Default, PartialEq)]
enum State {
    #[default]
    Idle,
    /// Dragging corner `index` of one polygon.
    Corner {
        footprint: FootprintId,
        outline: OutlineRef,
        index: usize,
        to: Point,
        snap: Option<Snap>,
    },
    /// Dragging the midpoint handle of edge `edge`: a new corner after vertex `edge`.
    Midpoint {
        footprint: FootprintId,
        outline: OutlineRef,
        edge: usize,
        to: Point,
        snap: Option<Snap>,
    },
    /// Moving whole footprints.
    Moving {
        ids: Vec<FootprintId>,
        from: Point,
        to: Point,
    },
    /// A selection box.
    Boxing { from: Point, to: Point, add: bool },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SelectTool {
    state: State,
    /// A drag began on a footprint while geometry was locked: it does nothing but say so.
    locked_drag: bool,
}

fn bbox(a: Point, b: Point) -> BoundingBox {
    BoundingBox {
        min: Point::new(a.x.min(b.x), a.y.min(b.y)),
        max: Point::new(a.x.max(b.x), a.y.max(b.y)),
    }
}

impl SelectTool {
    pub fn busy(&self) -> bool {
        self.state != State::Idle
    }

    pub fn status(&self) -> String {
        match &self.state {
            State::Idle => "Select".into(),
            State::Corner { footprint, .. } => format!("Moving a corner of {footprint}"),
            State::Midpoint { footprint, .. } => format!("Adding a corner to {footprint}"),
            State::Moving { ids, .. } => format!("Moving {}", ops::names(ids)),
            State::Boxing { .. } => "Selecting the footprints inside the box".into(),
        }
    }

    fn hits(&self, ctx: &ToolContext<'_>, p: Point) -> Vec<Hit> {
        hit(
            ctx.site,
            ctx.index,
            p,
            HitOptions {
                side: ctx.side,
                tolerance: ctx.tolerance,
                midpoints_of: Some(ctx.selection.ids()),
            },
        )
    }

    pub fn pointer(&mut self, event: Pointer, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        match event {
            Pointer::Move(_) => ToolOutput::default(),
            Pointer::Click(p) | Pointer::DoubleClick(p) => self.click(p, mods, ctx),
            Pointer::DragStart(p) => {
                self.start_drag(p, mods, ctx);
                ToolOutput::default()
            }
            Pointer::Drag(p) => {
                self.drag_to(p, mods, ctx);
                ToolOutput::default()
            }
            Pointer::DragEnd(p) => {
                if std::mem::take(&mut self.locked_drag) {
                    return ToolOutput {
                        message: Some(
                            "Geometry is locked while reviewing (Ctrl+E unlocks it).".into(),
                        ),
                        ..Default::default()
                    };
                }
                self.drag_to(p, mods, ctx);
                let state = std::mem::take(&mut self.state);
                self.end_drag(state, mods, ctx)
            }
        }
    }

    fn click(&mut self, p: Point, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        self.state = State::Idle;
        let select = match self.hits(ctx, p).first() {
            Some(h) => match h.part {
                HitPart::Vertex(index) if !mods.shift && ctx.selection.contains(h.footprint) => {
                    SelectionChange::Vertex(VertexRef {
                        footprint: h.footprint,
                        outline: h.outline,
                        index,
                    })
                }
                _ if mods.shift => SelectionChange::Toggle(h.footprint),
                _ => SelectionChange::Set(vec![h.footprint]),
            },
            None if mods.shift => return ToolOutput::default(),
            // Where no footprint is, an imported reference building can be picked.
            None => match crate::editing::references::reference_at(ctx.site, p) {
                Some(id) => SelectionChange::Reference(id),
                None => SelectionChange::Set(Vec::new()),
            },
        };
        ToolOutput {
            select: Some(select),
            ..Default::default()
        }
    }

    fn start_drag(&mut self, p: Point, mods: Mods, ctx: &ToolContext<'_>) {
        let hits = self.hits(ctx, p);
        self.locked_drag = ctx.locked && !hits.is_empty();
        if self.locked_drag {
            // Review mode: footprints are looked at, not moved.
            self.state = State::Idle;
            return;
        }
        self.state = match hits.first() {
            Some(h) => match h.part {
                HitPart::Vertex(index) => State::Corner {
                    footprint: h.footprint,
                    outline: h.outline,
                    index,
                    to: h.point,
                    snap: None,
                },
                HitPart::Midpoint(edge) => State::Midpoint {
                    footprint: h.footprint,
                    outline: h.outline,
                    edge,
                    to: h.point,
                    snap: None,
                },
                HitPart::Edge(_) | HitPart::Interior => {
                    let ids = if ctx.selection.contains(h.footprint) {
                        ctx.selection.to_vec()
                    } else if mods.shift {
                        let mut v = ctx.selection.to_vec();
                        v.push(h.footprint);
                        v.sort();
                        v
                    } else {
                        vec![h.footprint]
                    };
                    State::Moving {
                        ids,
                        from: p,
                        to: p,
                    }
                }
            },
            None => State::Boxing {
                from: p,
                to: p,
                add: mods.shift,
            },
        };
    }

    fn drag_to(&mut self, p: Point, mods: Mods, ctx: &ToolContext<'_>) {
        match &mut self.state {
            State::Corner {
                footprint,
                to,
                snap,
                ..
            }
            | State::Midpoint {
                footprint,
                to,
                snap,
                ..
            } => {
                let (q, s) = snap_point(ctx, p, mods, Some(*footprint));
                *to = q;
                *snap = s;
            }
            State::Moving { to, .. } | State::Boxing { to, .. } => *to = p,
            State::Idle => {}
        }
    }

    /// The polygon as the drag would leave it.
    fn edited(&self, ctx: &ToolContext<'_>) -> Option<(FootprintId, OutlineRef, Polygon)> {
        match &self.state {
            State::Corner {
                footprint,
                outline,
                index,
                to,
                ..
            } => {
                let fp = ctx.site.footprint(*footprint)?;
                Some((
                    *footprint,
                    *outline,
                    outline.get(fp).with_vertex_at(*index, *to),
                ))
            }
            State::Midpoint {
                footprint,
                outline,
                edge,
                to,
                ..
            } => {
                let fp = ctx.site.footprint(*footprint)?;
                Some((
                    *footprint,
                    *outline,
                    outline.get(fp).with_vertex_after(*edge, *to),
                ))
            }
            _ => None,
        }
    }

    fn end_drag(&mut self, state: State, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        let now = ctx.now;
        let dragged = SelectTool {
            state: state.clone(),
            locked_drag: false,
        };
        let result = match &state {
            State::Idle => return ToolOutput::default(),
            State::Corner {
                footprint,
                outline,
                index,
                to,
                ..
            } => {
                let Some((id, which, poly)) = dragged.edited(ctx) else {
                    return ToolOutput::default();
                };
                let unmoved = ctx
                    .site
                    .footprint(*footprint)
                    .is_some_and(|f| outline.get(f).0.get(*index) == Some(to));
                if unmoved {
                    return self.click(*to, mods, ctx);
                }
                ops::set_polygon(
                    ctx.site,
                    id,
                    which,
                    poly,
                    format!("move a corner of {id}"),
                    now,
                )
                .map(|op| {
                    let v = VertexRef {
                        footprint: id,
                        outline: which,
                        index: *index,
                    };
                    (op, SelectionChange::Vertex(v))
                })
            }
            State::Midpoint { edge, .. } => {
                let Some((id, which, poly)) = dragged.edited(ctx) else {
                    return ToolOutput::default();
                };
                ops::set_polygon(
                    ctx.site,
                    id,
                    which,
                    poly,
                    format!("add a corner to {id}"),
                    now,
                )
                .map(|op| {
                    let v = VertexRef {
                        footprint: id,
                        outline: which,
                        index: edge + 1,
                    };
                    (op, SelectionChange::Vertex(v))
                })
            }
            State::Moving { ids, from, to } => {
                let (dx, dy) = (to.x - from.x, to.y - from.y);
                if from.distance(*to) <= ctx.tolerance * 0.25 {
                    // A press held without moving: a click.
                    return self.click(*from, mods, ctx);
                }
                ops::translate(ctx.site, ids, dx, dy, now, "move")
                    .map(|op| (op, SelectionChange::Set(ids.clone())))
            }
            State::Boxing { from, to, add } => {
                let ids: Vec<FootprintId> = ctx.index.within(&bbox(*from, *to)).collect();
                let change = if *add {
                    SelectionChange::Add(ids)
                } else {
                    SelectionChange::Set(ids)
                };
                return ToolOutput {
                    select: Some(change),
                    ..Default::default()
                };
            }
        };
        match result {
            Ok((op, select)) => ToolOutput {
                op: Some(op),
                select: Some(select),
                message: None,
                consumed: true,
                marker: None,
            },
            Err(why) => ToolOutput::message(why),
        }
    }

    pub fn key(&mut self, key: ToolKey, ctx: &ToolContext<'_>) -> ToolOutput {
        match key {
            ToolKey::Escape if self.busy() => {
                self.state = State::Idle;
                ToolOutput::used()
            }
            ToolKey::Escape if ctx.selection.vertex.is_some() => ToolOutput {
                select: Some(SelectionChange::Set(ctx.selection.to_vec())),
                consumed: true,
                ..Default::default()
            },
            ToolKey::Escape if !ctx.selection.is_empty() => ToolOutput {
                select: Some(SelectionChange::Set(Vec::new())),
                consumed: true,
                ..Default::default()
            },
            ToolKey::Delete | ToolKey::Backspace => match ctx.selection.vertex {
                Some(v) => match ops::delete_vertex(ctx.site, v, ctx.now) {
                    Ok(op) => ToolOutput {
                        select: Some(SelectionChange::Set(vec![v.footprint])),
                        op: Some(op),
                        message: None,
                        consumed: true,
                        marker: None,
                    },
                    Err(why) => ToolOutput::message(why),
                },
                None => ToolOutput::default(),
            },
            _ => ToolOutput::default(),
        }
    }

    pub fn preview(&self, ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        let mut out = Vec::new();
        match &self.state {
            State::Idle => {
                // Handles on the selected footprints: corners, and edge midpoints to drag.
                for id in ctx.selection.ids() {
                    let Some(fp) = ctx.site.footprint(*id) else {
                        continue;
                    };
                    let which = OutlineRef::shown(fp, ctx.side);
                    let poly = which.get(fp);
                    // On a footprint only a few handles wide, handles would hide it: its
                    // selection outline is enough until the view is closer.
                    let size = poly
                        .bounding_box()
                        .map_or(0.0, |b| b.width().max(b.height()));
                    if size < 6.0 * ctx.tolerance {
                        continue;
                    }
                    for (i, q) in poly.0.iter().enumerate() {
                        let active = ctx.selection.vertex
                            == Some(VertexRef {
                                footprint: *id,
                                outline: which,
                                index: i,
                            });
                        out.push(PreviewShape::Handle {
                            at: *q,
                            kind: if active {
                                HandleKind::ActiveVertex
                            } else {
                                HandleKind::Vertex
                            },
                        });
                    }
                    for (a, b) in poly.edges() {
                        if a.distance(b) > 4.0 * ctx.tolerance {
                            out.push(PreviewShape::Handle {
                                at: Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0),
                                kind: HandleKind::Midpoint,
                            });
                        }
                    }
                }
            }
            State::Corner { snap, to, .. } | State::Midpoint { snap, to, .. } => {
                if let Some((_, _, poly)) = self.edited(ctx) {
                    let style = if ops::check_outline(&poly).is_ok() {
                        PathStyle::Edited
                    } else {
                        PathStyle::Invalid
                    };
                    out.push(PreviewShape::Path {
                        points: poly.0,
                        closed: true,
                        style,
                    });
                }
                out.push(PreviewShape::Handle {
                    at: *to,
                    kind: HandleKind::ActiveVertex,
                });
                out.extend(snap_marker(*snap));
            }
            State::Moving { ids, from, to } => {
                let (dx, dy) = (to.x - from.x, to.y - from.y);
                for id in ids {
                    if let Some(fp) = ctx.site.footprint(*id) {
                        let poly = OutlineRef::shown(fp, ctx.side).get(fp);
                        out.push(PreviewShape::Path {
                            points: poly.translated(dx, dy).0,
                            closed: true,
                            style: PathStyle::Edited,
                        });
                    }
                }
            }
            State::Boxing { from, to, .. } => out.push(PreviewShape::SelectBox(bbox(*from, *to))),
        }
        out
    }
}
