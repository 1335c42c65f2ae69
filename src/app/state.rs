//! Transient window state: what is selected and how the compare view is set up. Never saved in
//! the project.

use super::view::ViewTransform;
pub use crate::editing::Side;
use crate::model::{ImageId, Project, Site, SiteId};

/// How the two dates are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareMode {
    /// Two panes, before left and after right, linked.
    SideBySide,
    /// One pane; a divider reveals the before image left of it and the after image right.
    Swipe,
    /// One pane flipping between the dates, by key or on a timer.
    Blink,
    /// One pane: the after image over the before image with adjustable opacity.
    Overlay,
}

impl CompareMode {
    pub const ALL: [CompareMode; 4] = [
        CompareMode::SideBySide,
        CompareMode::Swipe,
        CompareMode::Blink,
        CompareMode::Overlay,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CompareMode::SideBySide => "Side by side",
            CompareMode::Swipe => "Swipe",
            CompareMode::Blink => "Blink",
            CompareMode::Overlay => "Overlay",
        }
    }

    /// The key that selects the mode.
    pub fn key_label(self) -> &'static str {
        match self {
            CompareMode::SideBySide => "1",
            CompareMode::Swipe => "2",
            CompareMode::Blink => "3",
            CompareMode::Overlay => "4",
        }
    }
}

/// The current site and the two images compared. Lives once, here; every panel reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pair {
    pub site: Option<SiteId>,
    pub before: Option<ImageId>,
    pub after: Option<ImageId>,
}

impl Pair {
    /// Picks the first site with its oldest and newest images, the pair an analyst usually
    /// starts with.
    pub fn initial(project: &Project) -> Self {
        match project.sites.first() {
            Some(site) => Self::for_site(site),
            None => Self::default(),
        }
    }

    pub fn for_site(site: &Site) -> Self {
        let by_date = site.images_by_date();
        let before = by_date.first().map(|i| i.id);
        let after = by_date.last().map(|i| i.id).filter(|a| Some(*a) != before);
        Pair {
            site: Some(site.id),
            before,
            after: after.or(before),
        }
    }

    pub fn image(&self, side: Side) -> Option<ImageId> {
        match side {
            Side::Before => self.before,
            Side::After => self.after,
        }
    }

    /// Drops ids that no longer exist in the project (after an open or an undo).
    pub fn repair(&mut self, project: &Project) {
        let Some(site) = self.site.and_then(|id| project.site(id)) else {
            *self = Self::initial(project);
            return;
        };
        let exists = |id: Option<ImageId>| id.filter(|i| site.image(*i).is_some());
        let (b, a) = (exists(self.before), exists(self.after));
        if b.is_none() || a.is_none() {
            let fresh = Self::for_site(site);
            self.before = b.or(fresh.before);
            self.after = a.or(fresh.after);
        }
    }

    /// Moves one side of the pair `steps` places along the site's timeline.
    pub fn step(&mut self, project: &Project, side: Side, steps: i32) {
        let Some(site) = self.site.and_then(|id| project.site(id)) else {
            return;
        };
        let timeline = site.images_by_date();
        if timeline.is_empty() {
            return;
        }
        let current = self.image(side);
        let other = self.image(side.other());
        let last = timeline.len() as i64 - 1;
        let pos = timeline
            .iter()
            .position(|i| Some(i.id) == current)
            .unwrap_or(0) as i64;
        let mut next = (pos + steps as i64).clamp(0, last);
        // Never land on the image the other side shows: step over it, or stay.
        if Some(timeline[next as usize].id) == other && timeline.len() > 1 {
            let beyond = next + steps.signum() as i64;
            next = if steps != 0 && (0..=last).contains(&beyond) {
                beyond
            } else {
                pos
            };
        }
        let id = Some(timeline[next as usize].id);
        match side {
            Side::Before => self.before = id,
            Side::After => self.after = id,
        }
    }
}

/// Blink mode's clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Blink {
    pub showing: Side,
    /// Flip automatically every `interval` seconds.
    pub running: bool,
    pub interval: f32,
    pub last_flip: f64,
}

impl Default for Blink {
    fn default() -> Self {
        Self {
            showing: Side::Before,
            running: true,
            interval: 0.8,
            last_flip: 0.0,
        }
    }
}

impl Blink {
    pub fn flip(&mut self, now: f64) {
        self.showing = match self.showing {
            Side::Before => Side::After,
            Side::After => Side::Before,
        };
        self.last_flip = now;
    }

    /// Flips when the interval has passed; returns seconds until the next flip.
    pub fn tick(&mut self, now: f64) -> Option<f32> {
        if !self.running {
            return None;
        }
        let due = self.last_flip + self.interval as f64;
        if now >= due {
            self.flip(now);
            return Some(self.interval);
        }
        Some((due - now) as f32)
    }
}

/// How the compare view is set up.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareState {
    pub mode: CompareMode,
    pub view: ViewTransform,
    /// Fit the view to the reference image on the next frame (pane sizes are known then).
    pub fit_pending: bool,
    /// Swipe divider, 0 (left edge) ..= 1 (right edge) of the pane.
    pub swipe: f32,
    pub blink: Blink,
    /// Opacity of the after image in overlay mode, 0..=1.
    pub overlay_opacity: f32,
    pub show_footprints: bool,
    /// Draw a crosshair at the same site point in the other pane.
    pub linked_cursor: bool,
    /// Centre (and zoom) the view on this site area on the next frame.
    pub focus: Option<crate::model::BoundingBox>,
    /// The next focus always zooms to the target with context around it (review), even when
    /// the current view already shows it.
    pub focus_close: bool,
    /// A left drag that started as a tool gesture (not a Space pan) is under way.
    pub tool_drag: bool,
    /// The footprint menu is open at this screen position (after a right click).
    pub context_menu: Option<egui::Pos2>,
    /// Show the legend of change kinds over the view.
    pub show_legend: bool,
}

impl Default for CompareState {
    fn default() -> Self {
        Self {
            mode: CompareMode::SideBySide,
            view: ViewTransform::default(),
            fit_pending: true,
            swipe: 0.5,
            blink: Blink::default(),
            overlay_opacity: 0.5,
            show_footprints: true,
            linked_cursor: true,
            focus: None,
            focus_close: false,
            tool_drag: false,
            context_menu: None,
            show_legend: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaptureDate, DatedImage};

    fn site() -> Project {
        let mut p = Project::new("p");
        let mut s = Site::new(SiteId(1), "s");
        for (id, date) in [(1, "2024-07-01"), (2, "2024-01-01"), (3, "2024-04-01")] {
            s.images.push(DatedImage::new(
                ImageId(id),
                format!("{id}.png"),
                date.parse::<CaptureDate>().unwrap(),
            ));
        }
        s.reference_image = Some(ImageId(2));
        p.sites.push(s);
        p
    }

    #[test]
    fn the_initial_pair_is_the_oldest_and_newest_image() {
        let sel = Pair::initial(&site());
        assert_eq!(
            (sel.before, sel.after),
            (Some(ImageId(2)), Some(ImageId(1)))
        );
    }

    #[test]
    fn stepping_moves_along_the_timeline_and_stops_at_its_ends() {
        let p = site();
        let mut sel = Pair::initial(&p);
        sel.step(&p, Side::After, -1);
        assert_eq!(sel.after, Some(ImageId(3)));
        sel.step(&p, Side::Before, -5);
        assert_eq!(sel.before, Some(ImageId(2)));
        sel.step(&p, Side::After, 9);
        assert_eq!(sel.after, Some(ImageId(1)));
    }

    #[test]
    fn stepping_never_makes_before_and_after_the_same_image() {
        // Timeline: I2 (Jan), I3 (Apr), I1 (Jul).
        let p = site();
        let mut sel = Pair::initial(&p);
        sel.step(&p, Side::After, -1);
        assert_eq!(sel.after, Some(ImageId(3)));
        // Jan is the before image: stepping the after image onto it stays on April.
        sel.step(&p, Side::After, -1);
        assert_eq!(sel.after, Some(ImageId(3)));
        // The before image steps over April to July.
        sel.step(&p, Side::Before, 1);
        assert_eq!(sel.before, Some(ImageId(1)));
        assert_ne!(sel.before, sel.after);
    }

    #[test]
    fn blink_flips_on_its_interval() {
        let mut b = Blink::default();
        assert_eq!(b.showing, Side::Before);
        b.tick(0.5);
        assert_eq!(b.showing, Side::Before);
        b.tick(0.9);
        assert_eq!(b.showing, Side::After);
        b.running = false;
        assert_eq!(b.tick(10.0), None);
        assert_eq!(b.showing, Side::After);
    }
}
