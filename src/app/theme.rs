//! Colours and line patterns used everywhere in the window. A leaf: imports nothing above it.
//!
//! Change kinds use three colours of the Okabe–Ito palette, chosen to stay distinct for the
//! common colour-vision deficiencies, and each kind also has its own line pattern and letter so
//! that nothing depends on colour alone.

use crate::editing::Side;
use crate::io::loader::LoadStage;
use crate::model::ChangeKind;
use egui::Color32;

pub const BEFORE_COLOR: Color32 = Color32::from_rgb(90, 160, 255);
pub const AFTER_COLOR: Color32 = Color32::from_rgb(255, 150, 60);

pub fn side_color(side: Side) -> Color32 {
    match side {
        Side::Before => BEFORE_COLOR,
        Side::After => AFTER_COLOR,
    }
}

/// The colour of each change kind (Okabe–Ito vermillion, sky blue, yellow).
pub fn kind_color(kind: ChangeKind) -> Color32 {
    match kind {
        ChangeKind::Demolished => Color32::from_rgb(213, 94, 0),
        ChangeKind::New => Color32::from_rgb(86, 180, 233),
        ChangeKind::Renovated => Color32::from_rgb(240, 228, 66),
    }
}

/// How a kind's outline is stroked, the cue that does not rely on colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LinePattern {
    Solid,
    /// Dash and gap lengths in screen points.
    Dashed(f32, f32),
}

pub fn kind_pattern(kind: ChangeKind) -> LinePattern {
    match kind {
        // New buildings: a solid wall.
        ChangeKind::New => LinePattern::Solid,
        // Demolished: long dashes, a building that is no longer whole.
        ChangeKind::Demolished => LinePattern::Dashed(9.0, 5.0),
        // Renovated: short dashes.
        ChangeKind::Renovated => LinePattern::Dashed(3.0, 3.0),
    }
}

/// The letter drawn inside large enough footprints and in lists.
pub fn kind_letter(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Demolished => "D",
        ChangeKind::New => "N",
        ChangeKind::Renovated => "R",
    }
}

/// The outline of selected footprints.
pub const SELECTED_COLOR: Color32 = Color32::WHITE;
/// Drawing previews and handles.
pub const DRAWING_COLOR: Color32 = Color32::from_rgb(255, 255, 255);
/// A shape that cannot be a footprint.
pub const INVALID_COLOR: Color32 = Color32::from_rgb(255, 70, 70);
/// The snap marker.
pub const SNAP_COLOR: Color32 = Color32::from_rgb(255, 0, 255);
/// Warnings in lists and the inspector.
pub const WARNING_COLOR: Color32 = Color32::from_rgb(255, 190, 90);
/// Footprints a git merge kept in two versions, and the other version's dashed outline.
pub const CONFLICT_COLOR: Color32 = Color32::from_rgb(230, 80, 200);
/// Errors in dialogs.
pub const ERROR_COLOR: Color32 = Color32::from_rgb(255, 120, 100);

/// Words for a loading stage in the status bar and the pane.
pub fn stage_label(stage: LoadStage) -> &'static str {
    match stage {
        LoadStage::Queued => "waiting",
        LoadStage::Reading => "reading",
        LoadStage::Decoding => "decoding",
        LoadStage::BuildingLevels => "building levels",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::kind_style;

    /// The HTML report cannot name egui's colours, so it keeps its own table; this keeps the
    /// two from drifting apart.
    #[test]
    fn the_report_draws_each_kind_in_the_window_s_colour_pattern_and_letter() {
        for kind in ChangeKind::ALL {
            let style = kind_style(kind);
            let c = kind_color(kind);
            assert_eq!(style.rgb, [c.r(), c.g(), c.b()], "{kind} colour");
            let pattern = match style.dash {
                None => LinePattern::Solid,
                Some((on, off)) => LinePattern::Dashed(on as f32, off as f32),
            };
            assert_eq!(pattern, kind_pattern(kind), "{kind} pattern");
            assert_eq!(style.letter, kind_letter(kind), "{kind} letter");
        }
    }
}
