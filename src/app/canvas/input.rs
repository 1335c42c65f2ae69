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
    if let Some(shape) = result.marker {
        v.push(Action::ShowMarkerDialog(shape));
    }
    v
}

pub(super) fn cursor_for(tool: &Tool, hover: Option<&Hit>, dragging: bool) -> CursorIcon {
    match tool.kind() {
        ToolKind::Building | ToolKind::Polygon | ToolKind::Marker | ToolKind::Registration => {
            CursorIcon::Crosshair
        }
        ToolKind::Select if dragging => CursorIcon::Grabbing,
        ToolKind::Select => match hover.map(|h| h.part) {
            Some(HitPart::Vertex(_)) | Some(HitPart::Midpoint(_)) => CursorIcon::Crosshair,
            Some(_) => CursorIcon::PointingHand,
            None => CursorIcon::Default,
        },
    }
}

/// The right-click menu over a footprint: the footprint commands of the table, with their
/// keys and why a disabled one does not apply. Our own small popup rather than egui's context
/// menu, which belongs to the pane's response and closes as the pointer moves off it. Returns
/// whether it stays open, and what was chosen.
pub(super) fn context_menu_ui(
    ctx: &egui::Context,
    at: Pos2,
    selection: &Selection,
    status: &dyn Fn(Command) -> Result<(), String>,
) -> (bool, Vec<Action>) {
    let mut actions = Vec::new();
    let mut keep = true;
    let area = egui::Area::new(egui::Id::unique("footprint-menu"))
        .order(egui::Order::Foreground)
        .fixed_pos(at)
        .constrain(true)
        .show(ctx, |ui| {
            egui::Frame::menu(ui.style()).show(ui, |ui| {
                ui.set_min_width(240.0);
                if selection.is_empty() {
                    ui.label("No footprint here");
                    return;
                }
                ui.label(
                    egui::RichText::new(crate::editing::ops::names(&selection.to_vec())).strong(),
                );
                ui.separator();
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
                    let button = egui::Button::new(cmd.spec().label)
                        .shortcut_text(cmd.shortcut_text())
                        .min_size(egui::vec2(ui.available_width(), 0.0));
                    let r = ui.add_enabled(state.is_ok(), button);
                    let r = match &state {
                        Err(why) => r.on_disabled_hover_text(why),
                        Ok(()) => r.on_hover_text(cmd.spec().help),
                    };
                    if r.clicked() {
                        actions.push(cmd.action());
                        keep = false;
                    }
                }
            });
        });
    // A click anywhere else closes it (and does what it does there).
    let outside = ctx.input(|i| {
        i.pointer.any_pressed()
            && i.pointer
                .interact_pos()
                .is_some_and(|p| !area.response.rect.contains(p))
    });
    if outside {
        keep = false;
    }
    (keep, actions)
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
