//! Frame times and load milestones of the real window, for measuring responsiveness and open
//! speed while images load. Enabled by the environment variable `SITEDIFF_FRAME_STATS=1`;
//! unset, nothing is measured or printed (one `Option` check per frame).
//!
//! Two frame times are kept, because eframe's own figure leaves out where a software renderer
//! spends most of its time:
//! - *build + paint*: eframe's `cpu_usage` (`IntegrationInfo::cpu_usage`, measured in
//!   `eframe::native::glow_integration::run_ui_and_paint`): running the UI, tessellating and
//!   issuing the GL draw calls and texture uploads. The timer is paused around
//!   `swap_buffers`, where Mesa llvmpipe actually rasterizes, so it is a lower bound.
//! - *whole frame*: the wall time from the start of one frame's UI to the start of the next,
//!   counted only when the next frame was bound to follow straight after the swap, so that no
//!   idle wait is included: when something asked for an immediate repaint while the frame's UI
//!   ran, or while the frame before's ran (egui repaints twice per request). A request that
//!   comes after the UI (a loader's news while the window idles) starts a frame after a wait,
//!   which is not frame time: egui's own "repaint requested last pass" counts such requests
//!   too, and took a two-second idle wait during a background decode for a frame. This is
//!   build + paint + swap, plus the event loop's own bookkeeping between frames.
//!
//! Each frame is counted in one phase, as it was when the frame was drawn: *opening or loading*
//! (not every pane sharp yet, or some image still loading), *view moving* (after that, the
//! shared view panned or zoomed in that frame: what an analyst feels while looking around) or
//! *still*.
//!
//! Milestones are printed to stderr as they happen, in seconds since the window's process
//! started: the window's first frame, when each pane first draws imagery (any level,
//! approximate ones included), when every visible pane is complete at the level its view wants
//! ("sharp"), and when no image is loading any more ("all loaded"), each with the peak resident
//! memory so far. `examples/bench_window.rs` reads them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The environment variable that turns frame statistics and milestones on.
pub const ENV_VARIABLE: &str = "SITEDIFF_FRAME_STATS";

/// The prefix of every milestone line on stderr, for tools that read them.
pub const MILESTONE_PREFIX: &str = "sitediff milestone:";

/// When the window's process started to open (the clock milestones are measured on).
static CLOCK_START: OnceLock<Instant> = OnceLock::new();

/// Starts the milestone clock; call it first thing when the window is to open. Later calls
/// change nothing.
pub fn start_clock() {
    CLOCK_START.get_or_init(Instant::now);
}

/// Seconds since [`start_clock`] (since the first call of this, if the clock was never
/// started).
fn seconds_since_start() -> f64 {
    CLOCK_START
        .get_or_init(Instant::now)
        .elapsed()
        .as_secs_f64()
}

/// The peak resident memory of this process in MiB (Linux's `VmHWM`); `None` elsewhere.
pub fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// What the window was doing in a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The window was opening (not every pane sharp yet) or some image was still loading.
    Loading,
    /// Nothing was loading and the view panned or zoomed.
    ViewMoving,
    /// Nothing was loading and the view stayed put.
    Still,
}

impl Phase {
    /// The phase of a frame that ended with images `loading` (or not) and whose view `moved`.
    pub fn of(loading: bool, moved: bool) -> Self {
        match (loading, moved) {
            (true, _) => Phase::Loading,
            (false, true) => Phase::ViewMoving,
            (false, false) => Phase::Still,
        }
    }
}

/// One frame as recorded.
#[derive(Clone, Copy, Debug)]
struct Sample {
    /// eframe's build + paint time of the frame, swap left out.
    build_paint: f32,
    /// The frame's start to the next one's, swap included, when it was followed at once.
    whole: Option<f32>,
    /// What the window was doing in that frame.
    phase: Phase,
}

/// What the panes showed in one frame, for the milestones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaneDraw {
    /// A name for the pane in the milestone line ("before", "after").
    pub name: &'static str,
    /// Tiles of any level drawn in it.
    pub drawn_tiles: usize,
    /// Every visible tile of the level its view wants was drawn, exact.
    pub complete: bool,
}

/// Frame times and milestones collected so far.
pub struct FrameStats {
    samples: Vec<Sample>,
    /// When the previous frame's UI started.
    previous_start: Option<Instant>,
    /// The phase the previous frame ended in.
    previous_phase: Phase,
    /// Some frame had an image loading, so the end of loading can be reported.
    loading_seen: bool,
    all_loaded_reported: bool,
    /// "sharp" was reported in the frame being built: that frame still counts as opening.
    sharp_this_frame: bool,
    /// Panes already reported as showing imagery.
    imagery_shown: Vec<&'static str>,
    sharp_reported: bool,
    /// Immediate repaint requests so far, counted by egui's repaint observer (see
    /// [`FrameStats::watch_repaints`]), from any thread.
    requests: Arc<AtomicU64>,
    /// [`FrameStats::requests`] when the current frame's UI started.
    requests_at_start: u64,
    /// Whether immediate repaints were requested during the previous frame's UI, and the one
    /// before's.
    asked_previous: bool,
    asked_before_previous: bool,
}

impl FrameStats {
    /// `Some` when the environment asks for frame statistics.
    pub fn from_env() -> Option<Self> {
        std::env::var_os(ENV_VARIABLE).map(|_| Self::empty())
    }

    fn empty() -> Self {
        Self {
            samples: Vec::new(),
            previous_start: None,
            previous_phase: Phase::Still,
            loading_seen: false,
            all_loaded_reported: false,
            sharp_this_frame: false,
            imagery_shown: Vec::new(),
            sharp_reported: false,
            requests: Arc::new(AtomicU64::new(0)),
            requests_at_start: 0,
            asked_previous: false,
            asked_before_previous: false,
        }
    }

    /// Counts `ctx`'s immediate repaint requests from now on, to tell which frames followed
    /// their predecessor at once. Call it once, when the window is created (egui keeps one
    /// observer: a later call replaces it).
    pub fn watch_repaints(&self, ctx: &egui::Context) {
        let requests = self.requests.clone();
        ctx.set_repaint_observer(move |info| {
            if info.delay.is_zero() {
                requests.fetch_add(1, Ordering::Relaxed);
            }
        });
    }

    /// Call at the start of each frame's UI. `build_paint` is eframe's time for the previous
    /// frame (swap left out); `tiles` how many tiles it uploaded; `causes` what asked for this
    /// frame (egui's repaint causes). The previous frame's whole time (see the module docs)
    /// counts only when an immediate repaint was asked while its UI, or the one before's, ran.
    /// The previous frame's phase is what [`FrameStats::end_frame`] was told. Slow frames are
    /// reported as they happen, with what asked for them, to find out what made them slow.
    pub fn record(&mut self, build_paint: Option<f32>, tiles: usize, causes: &dyn Fn() -> String) {
        let followed_at_once = self.asked_previous || self.asked_before_previous;
        self.requests_at_start = self.requests.load(Ordering::Relaxed);
        let phase = self.previous_phase;
        let now = Instant::now();
        if self.previous_start.is_none() {
            eprintln!("{}", milestone_line("first frame", "window"));
        }
        let whole = self
            .previous_start
            .filter(|_| followed_at_once)
            .map(|start| (now - start).as_secs_f32());
        self.previous_start = Some(now);
        let Some(build_paint) = build_paint else {
            return;
        };
        let slowest = whole.unwrap_or(0.0).max(build_paint);
        if slowest > 0.040 {
            let whole_text = whole.map_or("not measured".into(), |w| format!("{:.1} ms", w * 1e3));
            eprintln!(
                "slow frame {}: build + paint {:.1} ms, whole frame {whole_text}, {tiles} tiles uploaded, {phase:?}; this frame asked by {}",
                self.samples.len(),
                build_paint * 1e3,
                causes(),
            );
        }
        self.samples.push(Sample {
            build_paint,
            whole,
            phase,
        });
    }

    /// Call at the end of each frame's UI (after [`FrameStats::note_panes`]) with what the
    /// frame was doing. Until every pane has been sharp once, that frame included, the frame
    /// counts as loading, so that the first fit and the first picture are not taken for the
    /// analyst moving the view. Reports "all loaded" the first time nothing is loading after
    /// that.
    pub fn end_frame(&mut self, phase: Phase) {
        self.asked_before_previous = self.asked_previous;
        self.asked_previous = self.requests.load(Ordering::Relaxed) > self.requests_at_start;
        let phase = if self.sharp_reported && !self.sharp_this_frame {
            phase
        } else {
            Phase::Loading
        };
        self.sharp_this_frame = false;
        self.previous_phase = phase;
        if phase == Phase::Loading {
            self.loading_seen = true;
        } else if self.loading_seen && !self.all_loaded_reported {
            self.all_loaded_reported = true;
            eprintln!("{}", milestone_line("all loaded", "every image"));
        }
    }

    /// Prints the milestones this frame reached: a pane's first imagery, and once every pane
    /// of `panes` (all that should be visible) is complete, "sharp".
    pub fn note_panes(&mut self, panes: &[PaneDraw]) {
        for pane in panes {
            if pane.drawn_tiles > 0 && !self.imagery_shown.contains(&pane.name) {
                self.imagery_shown.push(pane.name);
                eprintln!("{}", milestone_line("first imagery", pane.name));
            }
        }
        let all_sharp = !panes.is_empty() && panes.iter().all(|p| p.complete && p.drawn_tiles > 0);
        if all_sharp && !self.sharp_reported {
            self.sharp_reported = true;
            self.sharp_this_frame = true;
            eprintln!("{}", milestone_line("sharp", "all panes"));
        }
    }

    /// One line per group and frame time: every frame after the first, frames while opening or
    /// loading, frames while the view moved after that.
    pub fn summary(&self) -> String {
        // The first frame sets up the window (GL context, shaders, font atlas); it is reported
        // on its own so it does not hide what loading costs.
        let first = self.samples.first().map_or(0.0, |s| s.build_paint * 1e3);
        let rest = self.samples.get(1..).unwrap_or(&[]);
        let groups: [(&str, Option<Phase>); 3] = [
            ("all frames", None),
            ("opening or loading", Some(Phase::Loading)),
            ("view moving, loaded", Some(Phase::ViewMoving)),
        ];
        let mut text = format!("sitediff frame stats (first frame, window setup: {first:.1} ms)");
        for (time, whole) in [
            ("build + paint, swap left out", false),
            ("whole frame, swap included", true),
        ] {
            for (group, phase) in groups {
                let times = rest
                    .iter()
                    .filter(|s| phase.is_none_or(|p| s.phase == p))
                    .filter_map(|s| if whole { s.whole } else { Some(s.build_paint) })
                    .collect();
                text.push_str("\n  ");
                text.push_str(&summary_line(&format!("{time}: {group}"), times));
            }
        }
        text
    }
}

/// `"{MILESTONE_PREFIX} {what} {pane} at {s} s, peak memory {m} MiB"`.
fn milestone_line(what: &str, pane: &str) -> String {
    let memory = peak_resident_mib().map_or("unknown".into(), |m| format!("{m:.0} MiB"));
    format!(
        "{MILESTONE_PREFIX} {what} {pane} at {:.3} s, peak memory {memory}",
        seconds_since_start()
    )
}

/// Count, median, 99th percentile, longest and frames over 50 ms of `times` (seconds).
fn summary_line(name: &str, mut times: Vec<f32>) -> String {
    if times.is_empty() {
        return format!("{name}: no frames");
    }
    times.sort_by(f32::total_cmp);
    let over = times.iter().filter(|&&t| t > 0.050).count();
    let n = times.len();
    format!(
        "{name}: {n} frames, median {:.1} ms, 99th percentile {:.1} ms, longest {:.1} ms, {over} over 50 ms",
        times[n / 2] * 1e3,
        times[(n * 99 / 100).min(n - 1)] * 1e3,
        times[n - 1] * 1e3,
    )
}

impl Drop for FrameStats {
    fn drop(&mut self) {
        eprintln!("{}", self.summary());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One frame: its UI starts, `requests` immediate repaints are asked (during it when
    /// `during`, after its UI otherwise), and it ends in `phase`.
    fn frame(stats: &mut FrameStats, requests: u64, during: bool, phase: Phase) {
        stats.record(Some(0.002), 0, &String::new);
        if during {
            stats.requests.fetch_add(requests, Ordering::Relaxed);
        }
        stats.end_frame(phase);
        if !during {
            stats.requests.fetch_add(requests, Ordering::Relaxed);
        }
    }

    #[test]
    fn whole_frames_are_counted_only_when_the_next_frame_followed_at_once() {
        let mut stats = FrameStats::empty();
        stats.record(None, 0, &String::new);
        stats.end_frame(Phase::Still);
        // 1: asks for a repaint while its UI runs: 2 follows at once, and 3 too (egui repaints
        // twice per request).
        frame(&mut stats, 1, true, Phase::Loading);
        frame(&mut stats, 0, true, Phase::Loading);
        // 3: nothing asked in 2 or 3: 4 came after an idle wait, whatever asked for it.
        frame(&mut stats, 0, true, Phase::Loading);
        // 4: a loader's news after its UI (while the window idles) wakes 5, after a wait.
        frame(&mut stats, 3, false, Phase::Loading);
        frame(&mut stats, 0, true, Phase::Loading);
        stats.record(Some(0.002), 0, &String::new);
        let wholes: Vec<bool> = stats.samples.iter().map(|s| s.whole.is_some()).collect();
        assert_eq!(wholes, [false, true, true, false, false, false]);
        let summary = stats.summary();
        assert!(
            summary.contains("whole frame, swap included: all frames: 2 frames"),
            "{summary}"
        );
        assert!(
            summary.contains("build + paint, swap left out: opening or loading: 5 frames"),
            "{summary}"
        );
    }

    #[test]
    fn each_frame_is_counted_in_the_phase_it_ended_in() {
        let mut stats = FrameStats::empty();
        stats.sharp_reported = true;
        let phases = [
            Phase::Loading,
            Phase::Loading,
            Phase::ViewMoving,
            Phase::Still,
            Phase::ViewMoving,
            Phase::ViewMoving,
        ];
        stats.record(None, 0, &String::new);
        for phase in phases {
            stats.requests.fetch_add(1, Ordering::Relaxed);
            stats.end_frame(phase);
            stats.record(Some(0.001), 0, &String::new);
        }
        let recorded: Vec<Phase> = stats.samples.iter().map(|s| s.phase).collect();
        assert_eq!(recorded, phases);
        assert!(stats.all_loaded_reported);
        let summary = stats.summary();
        // The first sample is the window's setup frame and is left out of the groups.
        for expected in [
            "build + paint, swap left out: all frames: 5 frames",
            "build + paint, swap left out: opening or loading: 1 frames",
            "build + paint, swap left out: view moving, loaded: 3 frames",
            "whole frame, swap included: view moving, loaded: 3 frames",
        ] {
            assert!(summary.contains(expected), "{expected} in {summary}");
        }
        assert_eq!(Phase::of(true, true), Phase::Loading);
        assert_eq!(Phase::of(false, true), Phase::ViewMoving);
        assert_eq!(Phase::of(false, false), Phase::Still);
    }

    #[test]
    fn frames_before_every_pane_is_sharp_count_as_loading() {
        let mut stats = FrameStats::empty();
        let pane = |complete| PaneDraw {
            name: "before",
            drawn_tiles: 1,
            complete,
        };
        // A tiled image loads nothing in the background, and the first fit moves the view.
        stats.note_panes(&[pane(false)]);
        stats.end_frame(Phase::ViewMoving);
        assert_eq!(stats.previous_phase, Phase::Loading);
        assert!(!stats.all_loaded_reported);
        // The frame that becomes sharp (the first picture's upload) still counts as opening.
        stats.note_panes(&[pane(true)]);
        stats.end_frame(Phase::ViewMoving);
        assert_eq!(stats.previous_phase, Phase::Loading);
        stats.note_panes(&[pane(true)]);
        stats.end_frame(Phase::ViewMoving);
        assert_eq!(stats.previous_phase, Phase::ViewMoving);
        assert!(stats.all_loaded_reported);
    }

    #[test]
    fn all_loaded_is_reported_only_after_something_loaded() {
        let mut stats = FrameStats::empty();
        stats.sharp_reported = true;
        stats.end_frame(Phase::Still);
        assert!(!stats.all_loaded_reported);
        stats.end_frame(Phase::Loading);
        assert!(!stats.all_loaded_reported);
        stats.end_frame(Phase::ViewMoving);
        assert!(stats.all_loaded_reported);
    }

    #[test]
    fn sharp_is_reported_once_every_pane_is_complete_and_drawn() {
        let mut stats = FrameStats::empty();
        let pane = |name, drawn_tiles, complete| PaneDraw {
            name,
            drawn_tiles,
            complete,
        };
        stats.note_panes(&[pane("before", 4, true), pane("after", 0, false)]);
        assert_eq!(stats.imagery_shown, ["before"]);
        assert!(!stats.sharp_reported);
        stats.note_panes(&[pane("before", 4, true), pane("after", 2, false)]);
        assert_eq!(stats.imagery_shown, ["before", "after"]);
        assert!(!stats.sharp_reported);
        stats.note_panes(&[pane("before", 4, true), pane("after", 2, true)]);
        assert!(stats.sharp_reported);
        assert!(milestone_line("sharp", "all panes").starts_with(MILESTONE_PREFIX));
    }
}
