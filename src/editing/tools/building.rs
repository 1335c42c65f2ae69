//! The building tool, after JOSM's buildings_tools: two clicks set one wall, a third sets the
//! depth, giving a rotated rectangle. Shift keeps it axis-aligned. A drag draws an
//! axis-aligned rectangle in one gesture. The tool stays active, so the next click starts the
//! next building.

use super::{
    Mods, PathStyle, Pointer, PreviewShape, ToolContext, ToolKey, ToolOutput, create, snap_marker,
    snap_point,
};
use crate::editing::snap::Snap;
use crate::model::{Point, Polygon};

#[derive(Clone, Debug, Default, PartialEq)]
enum State {
    #[default]
    Idle,
    /// The first corner of the wall is set.
    Corner(Point),
    /// The wall is set; the pointer gives the depth.
    Wall(Point, Point),
    /// A drag from this corner draws an axis-aligned rectangle.
    Dragging(Point),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildingTool {
    state: State,
    /// The pointer, snapped, and whether Shift was held: the preview follows it.
    cursor: Option<(Point, Option<Snap>, bool)>,
}

/// The rectangle with wall `a`-`b` reaching out to the line through `c` parallel to the wall.
pub fn rectangle_from_wall(a: Point, b: Point, c: Point) -> Polygon {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return Polygon(vec![a, b, c]);
    }
    let (nx, ny) = (-dy / len, dx / len);
    let depth = (c.x - a.x) * nx + (c.y - a.y) * ny;
    Polygon(vec![
        a,
        b,
        Point::new(b.x + nx * depth, b.y + ny * depth),
        Point::new(a.x + nx * depth, a.y + ny * depth),
    ])
}

/// `b` moved onto the horizontal or vertical line through `a`, whichever is nearer.
fn axis_aligned(a: Point, b: Point) -> Point {
    if (b.x - a.x).abs() >= (b.y - a.y).abs() {
        Point::new(b.x, a.y)
    } else {
        Point::new(a.x, b.y)
    }
}

impl BuildingTool {
    pub fn busy(&self) -> bool {
        self.state != State::Idle
    }

    pub fn status(&self) -> String {
        match self.state {
            State::Idle => {
                "Building: click the first corner of a wall (or drag a rectangle)".into()
            }
            State::Corner(_) => "Building: click the other end of the wall (Shift: level)".into(),
            State::Wall(..) => "Building: click to set the depth".into(),
            State::Dragging(_) => "Building: release to finish the rectangle".into(),
        }
    }

    pub fn pointer(&mut self, event: Pointer, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        let (p, snap) = snap_point(ctx, event.point(), mods, None);
        let p = match (self.state.clone(), mods.shift) {
            (State::Corner(a), true) => axis_aligned(a, p),
            _ => p,
        };
        self.cursor = Some((p, snap, mods.shift));
        match (self.state.clone(), event) {
            (_, Pointer::Move(_)) | (_, Pointer::Drag(_)) => ToolOutput::default(),
            (State::Idle, Pointer::Click(_) | Pointer::DoubleClick(_)) => {
                self.state = State::Corner(p);
                ToolOutput::default()
            }
            (State::Corner(a), Pointer::Click(_) | Pointer::DoubleClick(_)) => {
                if a.distance(p) <= ctx.tolerance {
                    return ToolOutput::message(
                        "Click the other end of the wall, away from the first corner.",
                    );
                }
                self.state = State::Wall(a, p);
                ToolOutput::default()
            }
            (State::Wall(a, b), Pointer::Click(_) | Pointer::DoubleClick(_)) => {
                let rect = rectangle_from_wall(a, b, p);
                if rect.0[1].distance(rect.0[2]) <= ctx.tolerance * 0.5 {
                    return ToolOutput::message(
                        "Click away from the wall to give the building its depth.",
                    );
                }
                self.finish(ctx, rect)
            }
            (State::Idle, Pointer::DragStart(_)) => {
                self.state = State::Dragging(p);
                ToolOutput::default()
            }
            // A press held too long to be a click but not moved: it was meant as a click.
            (State::Dragging(a), Pointer::DragEnd(_)) if a.distance(p) <= ctx.tolerance => {
                self.state = State::Corner(a);
                ToolOutput::default()
            }
            (State::Dragging(a), Pointer::DragEnd(_)) => self.finish(ctx, Polygon::rectangle(a, p)),
            // A drag in the middle of a three-click building is taken as its click.
            (State::Corner(_) | State::Wall(..), Pointer::DragEnd(q)) => {
                self.pointer(Pointer::Click(q), mods, ctx)
            }
            _ => ToolOutput::default(),
        }
    }

    fn finish(&mut self, ctx: &ToolContext<'_>, outline: Polygon) -> ToolOutput {
        match create(ctx, outline) {
            Ok(op) => {
                self.state = State::Idle;
                let select = Some(crate::editing::selection::SelectionChange::Set(
                    op.select.clone(),
                ));
                ToolOutput {
                    op: Some(op),
                    select,
                    message: None,
                    consumed: true,
                    marker: None,
                }
            }
            Err(why) => {
                // A flat rectangle (no depth) or no pair on screen: say why and keep the wall.
                if matches!(self.state, State::Dragging(_)) {
                    self.state = State::Idle;
                }
                ToolOutput::message(why)
            }
        }
    }

    pub fn key(&mut self, key: ToolKey, _ctx: &ToolContext<'_>) -> ToolOutput {
        match (key, self.state.clone()) {
            (ToolKey::Escape, State::Idle) | (ToolKey::Backspace, State::Idle) => {
                ToolOutput::default()
            }
            (ToolKey::Escape, _) => {
                self.state = State::Idle;
                ToolOutput::used()
            }
            (ToolKey::Backspace, State::Wall(a, _)) => {
                self.state = State::Corner(a);
                ToolOutput::used()
            }
            (ToolKey::Backspace, _) => {
                self.state = State::Idle;
                ToolOutput::used()
            }
            _ => ToolOutput::default(),
        }
    }

    pub fn preview(&self, _ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        let mut out = Vec::new();
        let Some((p, snap, _)) = self.cursor else {
            return out;
        };
        match self.state {
            State::Idle => {}
            State::Corner(a) => out.push(PreviewShape::Path {
                points: vec![a, p],
                closed: false,
                style: PathStyle::RubberBand,
            }),
            State::Wall(a, b) => {
                let rect = rectangle_from_wall(a, b, p);
                let style = if rect.is_valid() {
                    PathStyle::Drawing
                } else {
                    PathStyle::Invalid
                };
                out.push(PreviewShape::Path {
                    points: rect.0,
                    closed: true,
                    style,
                });
            }
            State::Dragging(a) => out.push(PreviewShape::Path {
                points: Polygon::rectangle(a, p).0,
                closed: true,
                style: PathStyle::Drawing,
            }),
        }
        out.extend(snap_marker(snap));
        out
    }
}
