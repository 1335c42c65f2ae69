//! Turning egui responses into what the canvas does: panning and zooming, the swipe divider,
//! tool actions, the cursor, the right-click menu.

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::state::CompareState;
use crate::editing::hit::{Hit, HitPart};
use crate::editing::selection::Selection;
use crate::editing::tools::{Tool, ToolKind, ToolOutput};
use egui::{CursorIcon, PointerButton, Pos2, Rect, Sense, Ui};

/// A tool's answer as actions for the app.
pub fn tool_actions(result: ToolOutput) -> Vec<Action> {
    let mut v = Vec::new();
    if let Some(op) = result.op {
        v.push(Action::Apply(op));
    }
    if let Some(change) = result.select {
        v.push(Action::Select(change));
    }
    if let Some(m) = result.message {
        v.push(Action::Notify(m));
    }
    v
}

pub(super) fn cursor_for(tool: &Tool, hover: Option<&Hit>, dragging: bool) -> CursorIcon {
    match tool.kind() {
        ToolKind::Building | ToolKind::Polygon => CursorIcon::Crosshair,
        ToolKind::Select if dragging => CursorIcon::Grabbing,
        ToolKind::Select => match hover.map(|h| h.part) {
            Some(HitPart::Vertex(_)) | Some(HitPart::Midpoint(_)) => CursorIcon::Crosshair,
            Some(_) => CursorIcon::PointingHand,
            None => CursorIcon::Default,
        },
    }
}

/// The right-click menu over a footprint: the footprint commands of the table.
pub(super) fn context_menu_ui(
    ui: &mut Ui,
    selection: &Selection,
    status: &dyn Fn(Command) -> Result<(), String>,
    actions: &mut Vec<Action>,
) {
    if selection.is_empty() {
        ui.label("No footprint here");
        return;
    }
    ui.label(egui::RichText::new(crate::editing::ops::names(&selection.to_vec())).strong());
    for cmd in [
        Command::LabelDemolished,
        Command::LabelNew,
        Command::LabelRenovated,
        Command::Square,
        Command::CopyOutlineToAfter,
        Command::RemoveAfterOutline,
        Command::ZoomToSelection,
        Command::Delete,
    ] {
        let state = status(cmd);
        let button = egui::Button::new(cmd.spec().label).shortcut_text(cmd.shortcut_text());
        let r = ui.add_enabled(state.is_ok(), button);
        let r = match &state {
            Err(why) => r.on_disabled_hover_text(why),
            Ok(()) => r.on_hover_text(cmd.spec().help),
        };
        if r.clicked() {
            actions.push(cmd.action());
            ui.close();
        }
    }
}

/// Wheel zooms at the cursor; middle or right drag (or left drag with Space held) pans. Left
/// drag alone is left for the tools. Returns whether this pane is panning.
pub(super) fn pan_input(
    ui: &Ui,
    response: &egui::Response,
    pane: Rect,
    state: &mut CompareState,
    space_pan: bool,
) -> bool {
    if let Some(pos) = response.hover_pos() {
        let (wheel, pinch) = ui.input(|i| {
            let mut notches = 0.0f64;
            for e in &i.events {
                if let egui::Event::MouseWheel { unit, delta, .. } = e {
                    notches += match unit {
                        egui::MouseWheelUnit::Line => delta.y as f64,
                        egui::MouseWheelUnit::Page => delta.y as f64 * 10.0,
                        egui::MouseWheelUnit::Point => delta.y as f64 / 50.0,
                    };
                }
            }
            (notches, i.zoom_delta() as f64)
        });
        if wheel != 0.0 {
            state.view.zoom_at(pane, pos, 1.25f64.powf(wheel));
        }
        if (pinch - 1.0).abs() > 1e-6 {
            state.view.zoom_at(pane, pos, pinch);
        }
    }
    let pan_drag = response.dragged_by(PointerButton::Middle)
        || response.dragged_by(PointerButton::Secondary)
        || (space_pan && response.dragged_by(PointerButton::Primary) && !state.tool_drag);
    if pan_drag {
        state.view.pan_by_screen(response.drag_delta());
        ui.ctx().set_cursor_icon(CursorIcon::Grabbing);
    } else if space_pan && response.hovered() {
        ui.ctx().set_cursor_icon(CursorIcon::Grab);
    }
    pan_drag
}

pub(super) fn swipe_divider_input(ui: &Ui, pane: Rect, state: &mut CompareState) {
    let x = pane.left() + state.swipe * pane.width();
    let handle = Rect::from_min_max(
        Pos2::new(x - 7.0, pane.top()),
        Pos2::new(x + 7.0, pane.bottom()),
    );
    let response = ui
        .interact(handle, ui.scope_id().with("swipe-divider"), Sense::drag())
        .on_hover_cursor(CursorIcon::ResizeHorizontal)
        .on_hover_text("Drag to reveal more of the before or the after image (Shift+Left/Right)");
    if response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        state.swipe = ((p.x - pane.left()) / pane.width()).clamp(0.0, 1.0);
    }
}
