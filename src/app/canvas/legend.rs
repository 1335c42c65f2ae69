//! The legend on the view: each change kind's colour, line pattern and letter, with how many
//! footprints of that kind the site has.

use crate::app::theme::{LinePattern, kind_color, kind_letter, kind_pattern};
use crate::model::{ChangeKind, Site};
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2};

pub fn paint_legend(painter: &egui::Painter, pane: Rect, site: &Site) {
    let row_h = 18.0;
    let width = 178.0;
    let height = row_h * 3.0 + 10.0;
    let rect = Rect::from_min_size(
        Pos2::new(pane.left() + 8.0, pane.bottom() - height - 8.0),
        Vec2::new(width, height),
    );
    if rect.top() < pane.top() + 40.0 {
        return; // No room in a tiny pane.
    }
    painter.rect_filled(rect, 4.0, Color32::from_black_alpha(170));
    for (i, kind) in ChangeKind::ALL.into_iter().enumerate() {
        let y = rect.top() + 5.0 + row_h * (i as f32 + 0.5);
        let color = kind_color(kind);
        let a = Pos2::new(rect.left() + 8.0, y);
        let b = Pos2::new(rect.left() + 40.0, y);
        let stroke = Stroke::new(2.5, color);
        match kind_pattern(kind) {
            LinePattern::Solid => {
                painter.line_segment([a, b], stroke);
            }
            LinePattern::Dashed(dash, gap) => {
                painter.extend(Shape::dashed_line(&[a, b], stroke, dash, gap));
            }
        }
        let count = site.footprints.iter().filter(|f| f.kind == kind).count();
        painter.text(
            Pos2::new(rect.left() + 48.0, y),
            Align2::LEFT_CENTER,
            format!("{}  {}", kind_letter(kind), kind.label()),
            FontId::proportional(13.0),
            color,
        );
        painter.text(
            Pos2::new(rect.right() - 8.0, y),
            Align2::RIGHT_CENTER,
            count.to_string(),
            FontId::monospace(12.0),
            Color32::LIGHT_GRAY,
        );
    }
}
