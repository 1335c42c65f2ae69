//! The missed-change marker tool: a click drops a point marker, a drag outlines a rectangular
//! area. The finished shape goes to the window, which asks for a note and adds the marker as
//! one undo step.

use super::{PathStyle, Pointer, PreviewShape, ToolContext, ToolKey, ToolOutput};
use crate::model::{MarkerShape, Point, Polygon};

#[derive(Clone, Debug, Default, PartialEq)]
enum State {
    #[default]
    Idle,
    Dragging {
        from: Point,
        to: Point,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MarkerTool {
    state: State,
}

impl MarkerTool {
    pub fn busy(&self) -> bool {
        self.state != State::Idle
    }

    pub fn status(&self) -> String {
        match self.state {
            State::Idle => "Missed change: click or drag".into(),
            State::Dragging { .. } => "Missed change: release to mark".into(),
        }
    }

    pub fn pointer(&mut self, event: Pointer, ctx: &ToolContext<'_>) -> ToolOutput {
        match event {
            Pointer::Move(_) => ToolOutput::default(),
            Pointer::Click(p) | Pointer::DoubleClick(p) => {
                self.state = State::Idle;
                marked(MarkerShape::Point(p))
            }
            Pointer::DragStart(p) => {
                self.state = State::Dragging { from: p, to: p };
                ToolOutput::default()
            }
            Pointer::Drag(p) => {
                if let State::Dragging { to, .. } = &mut self.state {
                    *to = p;
                }
                ToolOutput::default()
            }
            Pointer::DragEnd(p) => {
                let State::Dragging { from, .. } = std::mem::take(&mut self.state) else {
                    return ToolOutput::default();
                };
                // A box smaller than the pick tolerance is a click that moved a little.
                let tiny =
                    (p.x - from.x).abs() < ctx.tolerance && (p.y - from.y).abs() < ctx.tolerance;
                if tiny {
                    return marked(MarkerShape::Point(from));
                }
                marked(MarkerShape::Area(Polygon::rectangle(
                    Point::new(from.x.min(p.x), from.y.min(p.y)),
                    Point::new(from.x.max(p.x), from.y.max(p.y)),
                )))
            }
        }
    }

    pub fn key(&mut self, key: ToolKey, _ctx: &ToolContext<'_>) -> ToolOutput {
        match (key, &self.state) {
            (ToolKey::Escape, State::Dragging { .. }) => {
                self.state = State::Idle;
                ToolOutput::message("Marker dropped.")
            }
            _ => ToolOutput::default(),
        }
    }

    pub fn preview(&self, _ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        match self.state {
            State::Idle => Vec::new(),
            State::Dragging { from, to } => {
                let r = Polygon::rectangle(
                    Point::new(from.x.min(to.x), from.y.min(to.y)),
                    Point::new(from.x.max(to.x), from.y.max(to.y)),
                );
                vec![PreviewShape::Path {
                    points: r.0,
                    closed: true,
                    style: PathStyle::Drawing,
                }]
            }
        }
    }
}

fn marked(shape: MarkerShape) -> ToolOutput {
    ToolOutput {
        marker: Some(shape),
        ..Default::default()
    }
}
