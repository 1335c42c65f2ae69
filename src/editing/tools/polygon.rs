//! The polygon ("area") tool: click each corner, with a rubber band to the pointer; close on
//! the first corner, with a double-click or Enter; Backspace takes back the last corner; Esc
//! drops the unfinished shape.

use super::{
    Mods, PathStyle, Pointer, PreviewShape, ToolContext, ToolKey, ToolOutput, create, snap_marker,
    snap_point,
};
use crate::editing::selection::SelectionChange;
use crate::editing::snap::{Snap, SnapKind};
use crate::model::{Point, Polygon};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolygonTool {
    /// The corners clicked so far.
    points: Vec<Point>,
    /// The pointer, snapped: where the rubber band goes.
    cursor: Option<(Point, Option<Snap>)>,
}

impl PolygonTool {
    pub fn busy(&self) -> bool {
        !self.points.is_empty()
    }

    /// The corners clicked so far.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    pub fn status(&self) -> String {
        match self.points.len() {
            0 => "Polygon: click the first corner".into(),
            n @ 1..=2 => format!("Polygon: {n} corner(s); click the next"),
            n => format!(
                "Polygon: {n} corners; click the first corner, double-click or press Enter to finish"
            ),
        }
    }

    /// True when `p` closes the shape: near its first corner, with enough corners to close.
    fn closes(&self, p: Point, ctx: &ToolContext<'_>) -> bool {
        self.points.len() >= 3 && self.points[0].distance(p) <= ctx.tolerance
    }

    pub fn pointer(&mut self, event: Pointer, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        let raw = event.point();
        let (p, snap) = if self.closes(raw, ctx) {
            let first = self.points[0];
            (
                first,
                Some(Snap {
                    point: first,
                    kind: SnapKind::Vertex,
                    footprint: None,
                }),
            )
        } else {
            snap_point(ctx, raw, mods, None)
        };
        self.cursor = Some((p, snap));
        match event {
            Pointer::Move(_) | Pointer::Drag(_) | Pointer::DragStart(_) => ToolOutput::default(),
            Pointer::Click(_) | Pointer::DragEnd(_) => {
                if self.closes(raw, ctx) {
                    return self.finish(ctx);
                }
                // A click on the last corner again adds nothing.
                if self
                    .points
                    .last()
                    .is_some_and(|last| last.distance(p) <= ctx.tolerance * 0.5)
                {
                    return ToolOutput::default();
                }
                self.points.push(p);
                ToolOutput::default()
            }
            Pointer::DoubleClick(_) => self.finish(ctx),
        }
    }

    fn finish(&mut self, ctx: &ToolContext<'_>) -> ToolOutput {
        let outline = Polygon(self.points.clone()).without_near_duplicates(ctx.tolerance * 0.5);
        match create(ctx, outline) {
            Ok(op) => {
                self.points.clear();
                let select = Some(SelectionChange::Set(op.select.clone()));
                ToolOutput {
                    op: Some(op),
                    select,
                    message: None,
                    consumed: true,
                    marker: None,
                }
            }
            // Keep the corners so the analyst can fix the shape (Backspace, more clicks).
            Err(why) => ToolOutput::message(why),
        }
    }

    pub fn key(&mut self, key: ToolKey, ctx: &ToolContext<'_>) -> ToolOutput {
        if self.points.is_empty() {
            return ToolOutput::default();
        }
        match key {
            ToolKey::Escape => {
                self.points.clear();
                ToolOutput::used()
            }
            ToolKey::Backspace | ToolKey::Delete => {
                self.points.pop();
                ToolOutput::used()
            }
            ToolKey::Enter => self.finish(ctx),
        }
    }

    pub fn preview(&self, ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        let mut out = Vec::new();
        if !self.points.is_empty() {
            let mut drawn = self.points.clone();
            let mut style = PathStyle::Drawing;
            if let Some((p, _)) = self.cursor {
                drawn.push(p);
                let candidate = Polygon(drawn.clone()).without_near_duplicates(ctx.tolerance * 0.5);
                if candidate.len() >= 3 && candidate.first_self_intersection().is_some() {
                    style = PathStyle::Invalid;
                }
            }
            out.push(PreviewShape::Path {
                points: self.points.clone(),
                closed: false,
                style,
            });
            if let (Some((p, _)), Some(last), Some(first)) =
                (self.cursor, self.points.last(), self.points.first())
            {
                out.push(PreviewShape::Path {
                    points: vec![*last, p, *first],
                    closed: false,
                    style: PathStyle::RubberBand,
                });
            }
            for q in &self.points {
                out.push(PreviewShape::Handle {
                    at: *q,
                    kind: super::HandleKind::Vertex,
                });
            }
        }
        if let Some((_, snap)) = self.cursor {
            out.extend(snap_marker(snap));
        }
        out
    }
}
