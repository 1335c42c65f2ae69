//! Keyboard shortcuts, read in one place while no text field has focus. The help sheet
//! ([`super::help::SHORTCUTS`]) lists the same keys.

use super::actions::{Action, PathPurpose};
use super::state::{CompareMode, Side};
use egui::{Key, Modifiers};

/// The actions asked for by this frame's key presses.
pub fn read(ctx: &egui::Context, mode: CompareMode) -> Vec<Action> {
    let mut actions = Vec::new();
    ctx.input_mut(|i| {
        let ctrl = Modifiers::COMMAND;
        let ctrl_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let mut take = |mods: Modifiers, key: Key, action: Action| {
            if i.consume_key(mods, key) {
                actions.push(action);
            }
        };
        // Files and history; the longer chords first so Ctrl+Shift+S is not read as Ctrl+S.
        take(
            ctrl_shift,
            Key::S,
            Action::ShowPathDialog(PathPurpose::SaveProjectAs),
        );
        take(ctrl, Key::S, Action::Save);
        take(
            ctrl,
            Key::O,
            Action::ShowPathDialog(PathPurpose::OpenProject),
        );
        take(ctrl, Key::N, Action::ShowNewProjectDialog);
        take(ctrl, Key::Q, Action::Quit);
        take(ctrl_shift, Key::Z, Action::Redo);
        take(ctrl, Key::Z, Action::Undo);
        take(ctrl, Key::Y, Action::Redo);
        take(Modifiers::NONE, Key::F1, Action::ShowHelp);
        take(Modifiers::SHIFT, Key::Questionmark, Action::ShowHelp);
        take(Modifiers::NONE, Key::Questionmark, Action::ShowHelp);
        // Modes.
        take(
            Modifiers::NONE,
            Key::Num1,
            Action::SetMode(CompareMode::SideBySide),
        );
        take(
            Modifiers::NONE,
            Key::Num2,
            Action::SetMode(CompareMode::Swipe),
        );
        take(
            Modifiers::NONE,
            Key::Num3,
            Action::SetMode(CompareMode::Blink),
        );
        take(
            Modifiers::NONE,
            Key::Num4,
            Action::SetMode(CompareMode::Overlay),
        );
        // Timeline.
        take(
            Modifiers::SHIFT,
            Key::OpenBracket,
            Action::StepImage(Side::Before, -1),
        );
        take(
            Modifiers::SHIFT,
            Key::CloseBracket,
            Action::StepImage(Side::Before, 1),
        );
        take(
            Modifiers::SHIFT,
            Key::OpenCurlyBracket,
            Action::StepImage(Side::Before, -1),
        );
        take(
            Modifiers::SHIFT,
            Key::CloseCurlyBracket,
            Action::StepImage(Side::Before, 1),
        );
        take(
            Modifiers::NONE,
            Key::OpenCurlyBracket,
            Action::StepImage(Side::Before, -1),
        );
        take(
            Modifiers::NONE,
            Key::CloseCurlyBracket,
            Action::StepImage(Side::Before, 1),
        );
        take(
            Modifiers::NONE,
            Key::OpenBracket,
            Action::StepImage(Side::After, -1),
        );
        take(
            Modifiers::NONE,
            Key::CloseBracket,
            Action::StepImage(Side::After, 1),
        );
        take(
            Modifiers::SHIFT,
            Key::PageUp,
            Action::StepImage(Side::Before, -1),
        );
        take(
            Modifiers::SHIFT,
            Key::PageDown,
            Action::StepImage(Side::Before, 1),
        );
        take(
            Modifiers::NONE,
            Key::PageUp,
            Action::StepImage(Side::After, -1),
        );
        take(
            Modifiers::NONE,
            Key::PageDown,
            Action::StepImage(Side::After, 1),
        );
        take(Modifiers::NONE, Key::X, Action::SwapPair);
        // View.
        take(Modifiers::NONE, Key::F, Action::ZoomFit);
        take(Modifiers::NONE, Key::Num0, Action::ZoomActual);
        take(Modifiers::NONE, Key::Plus, Action::ZoomBy(1.25));
        take(Modifiers::SHIFT, Key::Plus, Action::ZoomBy(1.25));
        take(Modifiers::NONE, Key::Equals, Action::ZoomBy(1.25));
        take(Modifiers::SHIFT, Key::Equals, Action::ZoomBy(1.25));
        take(Modifiers::NONE, Key::Minus, Action::ZoomBy(1.0 / 1.25));
        take(Modifiers::NONE, Key::L, Action::ToggleFootprints);
        take(Modifiers::NONE, Key::B, Action::FlipBlink);
        take(Modifiers::NONE, Key::P, Action::ToggleBlinkTimer);
        let step = if mode == CompareMode::Swipe {
            0.05
        } else {
            0.1
        };
        take(
            Modifiers::SHIFT,
            Key::ArrowLeft,
            Action::NudgeModeSlider(-step),
        );
        take(
            Modifiers::SHIFT,
            Key::ArrowRight,
            Action::NudgeModeSlider(step),
        );
        take(Modifiers::NONE, Key::ArrowLeft, Action::PanBy(-0.1, 0.0));
        take(Modifiers::NONE, Key::ArrowRight, Action::PanBy(0.1, 0.0));
        take(Modifiers::NONE, Key::ArrowUp, Action::PanBy(0.0, -0.1));
        take(Modifiers::NONE, Key::ArrowDown, Action::PanBy(0.0, 0.1));
    });
    actions
}
