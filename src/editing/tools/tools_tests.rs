use super::*;
use crate::editing::OutlineRef;
use crate::editing::index::SiteIndex;
use crate::editing::ops::NewFootprint;
use crate::editing::selection::VertexRef;
use crate::model::{
    CaptureDate, ChangeKind, DatedImage, Edit, Footprint, FootprintId, ImageId, Project, SiteId,
    Timestamp,
};

/// A site with two images and one 100 x 50 footprint at the origin.
fn project() -> Project {
    let mut p = Project::new("p");
    let mut s = Site::new(SiteId(1), "s");
    s.images.push(DatedImage::new(
        ImageId(1),
        "a.png",
        "2024-01-01".parse::<CaptureDate>().unwrap(),
    ));
    s.images.push(DatedImage::new(
        ImageId(2),
        "b.png",
        "2024-07-01".parse::<CaptureDate>().unwrap(),
    ));
    s.reference_image = Some(ImageId(1));
    s.footprints.push(Footprint::new(
        FootprintId(1),
        ChangeKind::New,
        ImageId(1),
        ImageId(2),
        Polygon::rectangle(Point::new(0.0, 0.0), Point::new(100.0, 50.0)),
        "",
        Timestamp::from_unix(0).unwrap(),
    ));
    p.sites.push(s);
    p.canonicalize();
    p
}

/// Drives one tool over a project like the canvas does, applying what it returns.
struct Bench {
    project: Project,
    tool: Tool,
    selection: Selection,
    messages: Vec<String>,
    labels: Vec<String>,
    side: Side,
    locked: bool,
}

impl Bench {
    fn new(kind: ToolKind) -> Self {
        Bench {
            project: project(),
            tool: Tool::new(kind),
            selection: Selection::default(),
            messages: Vec::new(),
            labels: Vec::new(),
            side: Side::Before,
            locked: false,
        }
    }

    fn site(&self) -> &Site {
        &self.project.sites[0]
    }

    fn run(&mut self, f: impl FnOnce(&mut Tool, &ToolContext<'_>) -> ToolOutput) -> ToolOutput {
        let site = self.project.sites[0].clone();
        let index = SiteIndex::build(&site);
        let new = Ok(NewFootprint {
            pair: (Some(ImageId(1)), Some(ImageId(2))),
            kind: ChangeKind::Demolished,
            author: "ana",
            now: Timestamp::from_unix(100).unwrap(),
            id: FootprintId(self.project.next_ids.footprint),
        });
        let ctx = ToolContext {
            site: &site,
            index: &index,
            side: self.side,
            tolerance: 3.0,
            selection: &self.selection,
            now: Timestamp::from_unix(100).unwrap(),
            new: &new,
            locked: self.locked,
        };
        let out = f(&mut self.tool, &ctx);
        if let Some(op) = &out.op {
            op.edit.clone().apply(&mut self.project).unwrap();
            self.labels.push(op.label.clone());
        }
        if let Some(change) = out.select.clone() {
            self.selection.apply(change);
        }
        self.messages.extend(out.message.clone());
        out
    }

    fn pointer(&mut self, e: Pointer, mods: Mods) -> ToolOutput {
        self.run(|t, ctx| t.pointer(e, mods, ctx))
    }

    fn click(&mut self, x: f64, y: f64) -> ToolOutput {
        self.pointer(Pointer::Move(Point::new(x, y)), Mods::default());
        self.pointer(Pointer::Click(Point::new(x, y)), Mods::default())
    }

    fn drag(&mut self, from: (f64, f64), to: (f64, f64), mods: Mods) -> ToolOutput {
        self.pointer(Pointer::DragStart(from.into()), mods);
        let mid = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
        self.pointer(Pointer::Drag(mid.into()), mods);
        self.pointer(Pointer::DragEnd(to.into()), mods)
    }

    fn key(&mut self, k: ToolKey) -> ToolOutput {
        self.run(|t, ctx| t.key(k, ctx))
    }

    fn preview(&mut self) -> Vec<PreviewShape> {
        let mut shapes = Vec::new();
        self.run(|t, ctx| {
            shapes = t.preview(ctx);
            ToolOutput::default()
        });
        shapes
    }

    fn newest(&self) -> &Footprint {
        self.site().footprints.last().unwrap()
    }
}

fn close(a: Point, b: Point) -> bool {
    a.distance(b) < 1e-9
}

#[test]
fn three_clicks_make_a_rotated_building_and_the_tool_stays_for_the_next() {
    let mut b = Bench::new(ToolKind::Building);
    b.click(200.0, 200.0);
    b.click(240.0, 230.0); // A wall 50 long at an angle.
    // The preview follows the pointer before the third click.
    b.pointer(Pointer::Move(Point::new(200.0, 300.0)), Mods::default());
    let preview = b.preview();
    assert!(preview.iter().any(
        |s| matches!(s, PreviewShape::Path { closed: true, points, .. } if points.len() == 4)
    ));
    b.click(230.0, 260.0);
    assert_eq!(b.site().footprints.len(), 2);
    let f = b.newest();
    assert_eq!(f.kind, ChangeKind::Demolished);
    assert_eq!(b.labels, vec!["draw footprint F2"]);
    assert_eq!(
        b.selection.to_vec(),
        vec![f.id],
        "the new footprint is selected"
    );
    let o = &f.outline.0;
    assert!(close(o[0], Point::new(200.0, 200.0)) && close(o[1], Point::new(240.0, 230.0)));
    // Right angles and the depth the third click asked for.
    let dot = |a: Point, b: Point, c: Point| (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y);
    assert!(dot(o[0], o[1], o[2]).abs() < 1e-6);
    assert!(dot(o[1], o[2], o[3]).abs() < 1e-6);
    let depth = o[1].distance(o[2]);
    let expected = ((230.0 - 200.0) * -30.0 + (260.0 - 200.0) * 40.0) / 50.0f64;
    assert!(
        (depth - expected.abs()).abs() < 1e-6,
        "{depth} vs {expected}"
    );
    assert!(!b.tool.busy(), "ready for the next building");
    b.click(400.0, 400.0);
    assert!(b.tool.busy(), "the next click starts the next building");
}

#[test]
fn shift_keeps_a_building_axis_aligned() {
    let mut b = Bench::new(ToolKind::Building);
    let shift = Mods {
        shift: true,
        ..Mods::default()
    };
    b.pointer(Pointer::Click(Point::new(200.0, 200.0)), shift);
    b.pointer(Pointer::Click(Point::new(260.0, 207.0)), shift);
    b.pointer(Pointer::Click(Point::new(230.0, 240.0)), shift);
    let o = &b.newest().outline.0;
    assert_eq!(o[1], Point::new(260.0, 200.0), "the wall is levelled");
    assert!(close(o[2], Point::new(260.0, 240.0)) && close(o[3], Point::new(200.0, 240.0)));
}

#[test]
fn a_drag_with_the_building_tool_draws_an_axis_aligned_rectangle() {
    let mut b = Bench::new(ToolKind::Building);
    b.drag((300.0, 300.0), (340.0, 320.0), Mods::default());
    assert_eq!(
        b.newest().outline,
        Polygon::rectangle(Point::new(300.0, 300.0), Point::new(340.0, 320.0))
    );
}

#[test]
fn a_flat_building_is_refused_and_the_wall_is_kept() {
    let mut b = Bench::new(ToolKind::Building);
    b.click(200.0, 200.0);
    b.click(260.0, 200.0);
    b.click(230.0, 200.0); // No depth.
    assert_eq!(b.site().footprints.len(), 1);
    assert!(
        b.messages.last().unwrap().contains("depth"),
        "{:?}",
        b.messages
    );
    assert!(b.tool.busy());
    b.click(230.0, 240.0);
    assert_eq!(b.site().footprints.len(), 2);
}

#[test]
fn building_corners_snap_to_a_neighbour_and_alt_turns_snapping_off() {
    let mut b = Bench::new(ToolKind::Building);
    // Start just off the existing footprint's corner (100, 50).
    b.click(101.5, 50.5);
    b.click(102.0, 90.0);
    b.click(150.0, 90.0);
    assert_eq!(b.newest().outline.0[0], Point::new(100.0, 50.0));
    let alt = Mods {
        no_snap: true,
        ..Mods::default()
    };
    b.pointer(Pointer::Click(Point::new(101.5, 50.5)), alt);
    b.pointer(Pointer::Click(Point::new(102.0, 95.0)), alt);
    b.pointer(Pointer::Click(Point::new(150.0, 95.0)), alt);
    assert_eq!(b.newest().outline.0[0], Point::new(101.5, 50.5));
}

#[test]
fn a_polygon_closes_on_its_first_corner_and_its_corners_are_the_clicks() {
    let mut b = Bench::new(ToolKind::Polygon);
    let pts = [
        (300.0, 300.0),
        (360.0, 300.0),
        (360.0, 340.0),
        (330.0, 360.0),
        (300.0, 340.0),
    ];
    for (x, y) in pts {
        b.click(x, y);
    }
    assert_eq!(b.site().footprints.len(), 1, "not closed yet");
    b.click(301.0, 301.0); // Near the first corner.
    assert_eq!(b.site().footprints.len(), 2);
    let expected: Vec<Point> = pts.iter().map(|&p| p.into()).collect();
    assert_eq!(b.newest().outline.0, expected);
    assert!(!b.tool.busy());
}

#[test]
fn a_double_click_or_enter_finishes_a_polygon_without_a_duplicate_corner() {
    let mut b = Bench::new(ToolKind::Polygon);
    b.click(300.0, 300.0);
    b.click(360.0, 300.0);
    b.click(360.0, 340.0);
    // The second click of a double-click arrives as DoubleClick at the same place.
    b.pointer(
        Pointer::DoubleClick(Point::new(360.0, 340.0)),
        Mods::default(),
    );
    assert_eq!(b.newest().outline.len(), 3);
    b.click(500.0, 500.0);
    b.click(560.0, 500.0);
    b.click(560.0, 540.0);
    b.click(500.0, 540.0);
    b.key(ToolKey::Enter);
    assert_eq!(b.newest().outline.len(), 4);
    assert_eq!(b.site().footprints.len(), 3);
}

#[test]
fn backspace_takes_back_a_corner_and_escape_drops_the_shape() {
    let mut b = Bench::new(ToolKind::Polygon);
    b.click(300.0, 300.0);
    b.click(360.0, 300.0);
    b.click(999.0, 999.0); // A slip.
    assert!(b.key(ToolKey::Backspace).consumed);
    b.click(360.0, 340.0);
    b.key(ToolKey::Enter);
    assert_eq!(
        b.newest().outline.0,
        vec![
            Point::new(300.0, 300.0),
            Point::new(360.0, 300.0),
            Point::new(360.0, 340.0)
        ]
    );
    b.click(500.0, 500.0);
    assert!(b.key(ToolKey::Escape).consumed);
    assert!(!b.tool.busy());
    assert!(
        !b.key(ToolKey::Escape).consumed,
        "a second Esc goes on to the command table"
    );
}

#[test]
fn finishing_a_polygon_with_two_corners_is_refused_and_keeps_drawing() {
    let mut b = Bench::new(ToolKind::Polygon);
    b.click(300.0, 300.0);
    b.click(360.0, 300.0);
    let out = b.key(ToolKey::Enter);
    assert!(out.message.unwrap().contains("at least 3"));
    assert!(b.tool.busy());
    assert_eq!(b.site().footprints.len(), 1);
}

#[test]
fn a_footprint_drawn_in_the_after_pane_is_the_same_site_shape() {
    let mut b = Bench::new(ToolKind::Polygon);
    b.side = Side::After;
    for (x, y) in [(300.0, 300.0), (360.0, 300.0), (360.0, 340.0)] {
        b.click(x, y);
    }
    b.key(ToolKey::Enter);
    assert_eq!(b.newest().outline.0[2], Point::new(360.0, 340.0));
    assert!(b.newest().after_outline.is_none());
}

#[test]
fn clicking_selects_shift_adds_and_empty_space_clears() {
    let mut b = Bench::new(ToolKind::Polygon);
    for (x, y) in [(300.0, 300.0), (360.0, 300.0), (360.0, 340.0)] {
        b.click(x, y);
    }
    b.key(ToolKey::Enter);
    b.tool = Tool::new(ToolKind::Select);
    b.click(50.0, 25.0);
    assert_eq!(b.selection.to_vec(), vec![FootprintId(1)]);
    b.pointer(
        Pointer::Click(Point::new(355.0, 310.0)),
        Mods {
            shift: true,
            ..Mods::default()
        },
    );
    assert_eq!(b.selection.len(), 2);
    b.click(800.0, 800.0);
    assert!(b.selection.is_empty());
}

#[test]
fn a_box_drag_in_empty_space_selects_the_footprints_inside_it() {
    let mut b = Bench::new(ToolKind::Building);
    b.drag((300.0, 300.0), (340.0, 320.0), Mods::default());
    b.tool = Tool::new(ToolKind::Select);
    b.selection.clear();
    b.drag((-10.0, -10.0), (350.0, 330.0), Mods::default());
    assert_eq!(b.selection.len(), 2);
    b.drag((-10.0, -10.0), (150.0, 100.0), Mods::default());
    assert_eq!(b.selection.to_vec(), vec![FootprintId(1)]);
}

#[test]
fn dragging_a_corner_moves_it_in_one_step_and_snaps() {
    let mut b = Bench::new(ToolKind::Select);
    b.drag((100.0, 50.0), (120.0, 70.0), Mods::default());
    assert_eq!(b.site().footprints[0].outline.0[2], Point::new(120.0, 70.0));
    assert_eq!(b.labels, vec!["move a corner of F1"]);
    assert_eq!(
        b.selection.vertex,
        Some(VertexRef {
            footprint: FootprintId(1),
            outline: OutlineRef::Outline,
            index: 2
        })
    );
    // Delete removes the active corner, never below three.
    b.key(ToolKey::Delete);
    assert_eq!(b.site().footprints[0].outline.len(), 3);
    b.selection.vertex = Some(VertexRef {
        footprint: FootprintId(1),
        outline: OutlineRef::Outline,
        index: 0,
    });
    let out = b.key(ToolKey::Delete);
    assert!(out.message.unwrap().contains("at least 3"));
    assert_eq!(b.site().footprints[0].outline.len(), 3);
}

#[test]
fn with_geometry_locked_a_drag_on_a_footprint_moves_nothing_but_clicks_still_select() {
    let mut b = Bench::new(ToolKind::Select);
    b.locked = true;
    let before = b.site().footprints[0].clone();
    // A corner, then the inside.
    let out = b.drag((100.0, 50.0), (120.0, 70.0), Mods::default());
    assert!(out.message.unwrap().contains("locked"));
    assert!(out.op.is_none());
    let out = b.drag((60.0, 30.0), (90.0, 90.0), Mods::default());
    assert!(out.op.is_none());
    assert_eq!(b.site().footprints[0], before);
    assert!(b.labels.is_empty());
    assert!(b.preview().is_empty(), "no ghost of a move either");
    b.click(60.0, 30.0);
    assert!(b.selection.contains(FootprintId(1)));
    // Unlocked, the same drag moves the corner.
    b.locked = false;
    b.drag((100.0, 50.0), (120.0, 70.0), Mods::default());
    assert_eq!(b.site().footprints[0].outline.0[2], Point::new(120.0, 70.0));
}

#[test]
fn dragging_a_midpoint_handle_inserts_a_corner() {
    let mut b = Bench::new(ToolKind::Select);
    b.click(50.0, 25.0);
    // The midpoint of the top edge (0,0)-(100,0).
    b.drag((50.0, 0.0), (50.0, -20.0), Mods::default());
    let o = &b.site().footprints[0].outline;
    assert_eq!(o.len(), 5);
    assert_eq!(o.0[1], Point::new(50.0, -20.0));
    assert_eq!(b.labels, vec!["add a corner to F1"]);
}

#[test]
fn dragging_the_inside_moves_the_footprint_and_a_still_press_is_a_click() {
    let mut b = Bench::new(ToolKind::Select);
    b.drag((50.0, 25.0), (70.0, 35.0), Mods::default());
    assert_eq!(b.site().footprints[0].outline.0[0], Point::new(20.0, 10.0));
    assert_eq!(b.labels, vec!["move F1"]);
    b.selection.clear();
    b.drag((60.0, 30.0), (60.0, 30.0), Mods::default());
    assert_eq!(b.labels.len(), 1, "no move");
    assert_eq!(b.selection.to_vec(), vec![FootprintId(1)]);
}

#[test]
fn in_the_after_pane_the_after_outline_is_edited_and_the_outline_stays() {
    let mut b = Bench::new(ToolKind::Select);
    let mut f = b.project.sites[0].footprints[0].clone();
    f.after_outline = Some(f.outline.clone());
    Edit::ReplaceFootprint {
        site: SiteId(1),
        footprint: f,
    }
    .apply(&mut b.project)
    .unwrap();
    b.side = Side::After;
    b.drag((100.0, 50.0), (130.0, 50.0), Mods::default());
    let f = &b.site().footprints[0];
    assert_eq!(
        f.after_outline.as_ref().unwrap().0[2],
        Point::new(130.0, 50.0)
    );
    assert_eq!(f.outline.0[2], Point::new(100.0, 50.0));
}

#[test]
fn escape_cancels_a_drag_then_clears_the_selection_then_passes_on() {
    let mut b = Bench::new(ToolKind::Select);
    b.click(50.0, 25.0);
    b.pointer(Pointer::DragStart(Point::new(50.0, 25.0)), Mods::default());
    b.pointer(Pointer::Drag(Point::new(80.0, 25.0)), Mods::default());
    assert!(b.key(ToolKey::Escape).consumed);
    assert!(!b.tool.busy());
    assert_eq!(b.site().footprints[0].outline.0[0], Point::new(0.0, 0.0));
    assert!(b.key(ToolKey::Escape).consumed);
    assert!(b.selection.is_empty());
    assert!(!b.key(ToolKey::Escape).consumed);
}

#[test]
fn a_corner_dragged_across_the_outline_is_refused() {
    let mut b = Bench::new(ToolKind::Select);
    // Drag (100, 0) past the bottom edge: the outline would cross itself.
    b.drag((100.0, 0.0), (50.0, 100.0), Mods::default());
    assert!(
        b.messages.last().unwrap().contains("cross itself"),
        "{:?}",
        b.messages
    );
    assert_eq!(b.site().footprints[0].outline.0[1], Point::new(100.0, 0.0));
}
