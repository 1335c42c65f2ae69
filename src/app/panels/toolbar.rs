//! The toolbar: tools, compare modes, zoom, and the controls of the current mode.

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::state::{CompareMode, CompareState};
use crate::app::theme::{kind_color, kind_letter};
use crate::editing::tools::ToolKind;
use crate::model::ChangeKind;
use egui::{RichText, Ui};

/// The toolbar's view of the editing state.
pub struct ToolbarInput {
    pub tool: ToolKind,
    /// What the next drawn footprint is labelled.
    pub draw_kind: ChangeKind,
    /// Whether footprints can be drawn now, and if not why.
    pub can_draw: Result<(), String>,
    /// Review mode is on.
    pub reviewing: bool,
}

/// Tool buttons (the active one always shown), the kind new footprints get, mode buttons,
/// zoom buttons and the controls of the current mode.
pub fn toolbar_ui(ui: &mut Ui, state: &mut CompareState, input: &ToolbarInput) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for tool in ToolKind::ALL {
            let cmd = Command::for_tool(tool);
            let active = input.tool == tool;
            let text = RichText::new(format!("{} ({})", tool.label(), cmd.shortcut_text()));
            let text = if active { text.strong() } else { text };
            let enabled = tool == ToolKind::Select || input.can_draw.is_ok();
            let r = ui
                .add_enabled(enabled, egui::Button::selectable(active, text))
                .on_hover_text(tool.help());
            let r = match &input.can_draw {
                Err(why) => r.on_disabled_hover_text(why),
                Ok(()) => r,
            };
            if r.clicked() {
                actions.push(Action::SetTool(tool));
            }
        }
        ui.separator();
        let cmd = Command::ReviewMode;
        let text = RichText::new(format!("Review ({})", cmd.shortcut_text()));
        let text = if input.reviewing { text.strong() } else { text };
        if ui
            .add(egui::Button::selectable(input.reviewing, text))
            .on_hover_text(cmd.spec().help)
            .clicked()
        {
            actions.push(Action::ToggleReviewMode);
        }
        ui.separator();
        ui.label("New footprints:").on_hover_text(
            "The change kind a drawn footprint gets; D, N or R relabel the selection and become the new default",
        );
        for kind in ChangeKind::ALL {
            let cmd = Command::for_kind(kind);
            let text = RichText::new(format!("{} {}", kind_letter(kind), kind.label()))
                .color(kind_color(kind));
            let r = ui
                .selectable_label(input.draw_kind == kind, text)
                .on_hover_text(format!(
                    "{}: {} ({})",
                    cmd.spec().label,
                    cmd.spec().help,
                    cmd.shortcut_text()
                ));
            if r.clicked() {
                actions.push(Action::Label(kind));
            }
        }
        ui.separator();
        for mode in CompareMode::ALL {
            let cmd = Command::for_mode(mode);
            let r = ui
                .selectable_label(state.mode == mode, mode.label())
                .on_hover_text(format!("{} ({})", cmd.spec().help, cmd.shortcut_text()));
            if r.clicked() {
                actions.push(Action::SetMode(mode));
            }
        }
        ui.separator();
        if ui
            .button("Fit")
            .on_hover_text("Fit the image to the view (F)")
            .clicked()
        {
            actions.push(Action::ZoomFit);
        }
        if ui
            .button("1:1")
            .on_hover_text("Zoom to 100 %: one image pixel per screen pixel (0). The zoom is shown in the status bar.")
            .clicked()
        {
            actions.push(Action::ZoomActual);
        }
        if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
            actions.push(Action::ZoomBy(1.0 / 1.25));
        }
        if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
            actions.push(Action::ZoomBy(1.25));
        }
        ui.separator();
        ui.checkbox(&mut state.show_footprints, "Footprints")
            .on_hover_text("Show footprints over the images (L)");
        ui.checkbox(&mut state.linked_cursor, "Linked cursor")
            .on_hover_text("Mark the point under the pointer in the other pane");
        // The current mode's own controls on a row of their own, so they are never cut off.
        if state.mode != CompareMode::SideBySide {
            ui.end_row();
            ui.label(egui::RichText::new(format!("{}:", state.mode.label())).weak());
        }
        match state.mode {
            CompareMode::Swipe => {
                ui.separator();
                ui.add(
                    egui::Slider::new(&mut state.swipe, 0.0..=1.0)
                        .show_value(false)
                        .text("divider"),
                )
                .on_hover_text("Where the divider is (Shift+Left/Right)");
            }
            CompareMode::Blink => {
                ui.separator();
                if ui
                    .button("Flip")
                    .on_hover_text("Show the other date now (T)")
                    .clicked()
                {
                    actions.push(Action::FlipBlink);
                }
                let label = if state.blink.running { "Pause" } else { "Play" };
                if ui
                    .button(label)
                    .on_hover_text("Flip automatically (P)")
                    .clicked()
                {
                    actions.push(Action::ToggleBlinkTimer);
                }
                ui.add(
                    egui::Slider::new(&mut state.blink.interval, 0.2..=3.0)
                        .suffix(" s")
                        .text("interval"),
                );
            }
            CompareMode::Overlay => {
                ui.separator();
                ui.add(
                    egui::Slider::new(&mut state.overlay_opacity, 0.0..=1.0).text("after opacity"),
                )
                .on_hover_text(
                    "Opacity of the after image over the before image (Shift+Left/Right)",
                );
            }
            CompareMode::SideBySide => {}
        }
    });
    actions
}
