//! How the compare view is split into panes, and which date each point of a pane shows.

use crate::app::state::{CompareMode, CompareState, Side};
use egui::{Pos2, Rect, Vec2};

/// Height of the date header above each pane.
pub const HEADER_HEIGHT: f32 = 46.0;

/// One pane of the current layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pane {
    /// The image area (below the header).
    pub rect: Rect,
    /// `Some` for the side-by-side panes; `None` for the single pane of the other modes.
    pub side: Option<Side>,
}

/// Splits the view area into panes (with room for their headers).
pub fn layout(area: Rect, mode: CompareMode) -> Vec<Pane> {
    let body = |r: Rect| Rect::from_min_max(Pos2::new(r.left(), r.top() + HEADER_HEIGHT), r.max);
    match mode {
        CompareMode::SideBySide => {
            let gap = 6.0;
            let w = ((area.width() - gap) / 2.0).max(1.0);
            let left = Rect::from_min_size(area.min, Vec2::new(w, area.height()));
            let right = Rect::from_min_size(
                Pos2::new(area.left() + w + gap, area.top()),
                Vec2::new(w, area.height()),
            );
            vec![
                Pane {
                    rect: body(left),
                    side: Some(Side::Before),
                },
                Pane {
                    rect: body(right),
                    side: Some(Side::After),
                },
            ]
        }
        _ => vec![Pane {
            rect: body(area),
            side: None,
        }],
    }
}

/// Which date a pane shows at `pos`: its own side; in swipe mode the side of the divider; in
/// blink mode the date showing; in overlay mode the after image once it is at least half
/// opaque. Drawing and editing there work on that date's outline.
pub fn side_at(pane: &Pane, pos: Pos2, state: &CompareState) -> Side {
    if let Some(side) = pane.side {
        return side;
    }
    match state.mode {
        CompareMode::Swipe => {
            let x = pane.rect.left() + state.swipe * pane.rect.width();
            if pos.x < x { Side::Before } else { Side::After }
        }
        CompareMode::Blink => state.blink.showing,
        CompareMode::Overlay if state.overlay_opacity >= 0.5 => Side::After,
        _ => Side::Before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swipe_pane_is_before_left_of_the_divider_and_after_right_of_it() {
        let area = Rect::from_min_size(Pos2::ZERO, Vec2::new(1000.0, 746.0));
        let pane = layout(area, CompareMode::Swipe)[0];
        let mut state = CompareState {
            mode: CompareMode::Swipe,
            swipe: 0.3,
            ..CompareState::default()
        };
        assert_eq!(
            side_at(&pane, Pos2::new(250.0, 300.0), &state),
            Side::Before
        );
        assert_eq!(side_at(&pane, Pos2::new(350.0, 300.0), &state), Side::After);
        state.mode = CompareMode::Overlay;
        state.overlay_opacity = 0.2;
        assert_eq!(
            side_at(&pane, Pos2::new(350.0, 300.0), &state),
            Side::Before
        );
        state.mode = CompareMode::Blink;
        state.blink.showing = Side::After;
        assert_eq!(side_at(&pane, Pos2::new(10.0, 300.0), &state), Side::After);
    }

    #[test]
    fn side_by_side_has_two_panes_below_their_headers() {
        let area = Rect::from_min_size(Pos2::ZERO, Vec2::new(1006.0, 746.0));
        let panes = layout(area, CompareMode::SideBySide);
        assert_eq!(panes.len(), 2);
        assert_eq!(panes[0].side, Some(Side::Before));
        assert_eq!(panes[1].rect.top(), HEADER_HEIGHT);
        assert!(panes[0].rect.right() < panes[1].rect.left());
    }
}
