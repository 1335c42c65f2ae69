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
//!   counted only when the earlier frame asked for an immediate repaint, so that the next one
//!   followed straight after its swap and no idle wait is included. This is build + paint +
//!   swap, plus the event loop's own bookkeeping between frames.
//!
//! Milestones are printed to stderr as they happen, in seconds since the window's process
//! started: the window's first frame, when each pane first draws imagery (any level, approximate ones included), when
//! every visible pane is complete at the level its view wants ("sharp"), each with the peak
//! resident memory so far. `examples/bench_window.rs` reads them.

use std::sync::OnceLock;
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

/// One frame as recorded.
#[derive(Clone, Copy, Debug)]
struct Sample {
    /// eframe's build + paint time of the previous frame, swap left out.
    build_paint: f32,
    /// The previous frame start to start, swap included, when it was followed at once.
    whole: Option<f32>,
    /// Whether an image was loading during that frame.
    loading: bool,
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
    /// Panes already reported as showing imagery.
    imagery_shown: Vec<&'static str>,
    sharp_reported: bool,
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
            imagery_shown: Vec::new(),
            sharp_reported: false,
        }
    }

    /// Call at the start of each frame's UI. `build_paint` is eframe's time for the previous
    /// frame (swap left out); `followed_at_once` whether that frame asked for an immediate
    /// repaint (then the time since its start is its whole duration); `tiles` how many tiles
    /// it uploaded. Slow frames are reported as they happen, to find out what made them slow.
    pub fn record(
        &mut self,
        build_paint: Option<f32>,
        followed_at_once: bool,
        loading: bool,
        tiles: usize,
    ) {
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
                "slow frame {}: build + paint {:.1} ms, whole frame {whole_text}, {tiles} tiles uploaded, loading: {loading}",
                self.samples.len(),
                build_paint * 1e3,
            );
        }
        self.samples.push(Sample {
            build_paint,
            whole,
            loading,
        });
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
            eprintln!("{}", milestone_line("sharp", "all panes"));
        }
    }

    /// One line per group: all frames, and frames while loading, for both frame times.
    pub fn summary(&self) -> String {
        // The first frame sets up the window (GL context, shaders, font atlas); it is reported
        // on its own so it does not hide what loading costs.
        let first = self.samples.first().map_or(0.0, |s| s.build_paint * 1e3);
        let rest = self.samples.get(1..).unwrap_or(&[]);
        let build = |loading_only: bool| -> Vec<f32> {
            rest.iter()
                .filter(|s| s.loading || !loading_only)
                .map(|s| s.build_paint)
                .collect()
        };
        let whole = |loading_only: bool| -> Vec<f32> {
            rest.iter()
                .filter(|s| s.loading || !loading_only)
                .filter_map(|s| s.whole)
                .collect()
        };
        format!(
            "sitediff frame stats (first frame, window setup: {first:.1} ms)\n  {}\n  {}\n  {}\n  {}",
            summary_line("build + paint, swap left out: later frames", build(false)),
            summary_line("build + paint, swap left out: while loading", build(true)),
            summary_line("whole frame, swap included: later frames", whole(false)),
            summary_line("whole frame, swap included: while loading", whole(true)),
        )
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

    #[test]
    fn whole_frames_are_counted_only_when_the_next_frame_followed_at_once() {
        let mut stats = FrameStats::empty();
        stats.record(None, false, false, 0);
        stats.record(Some(0.002), true, false, 0);
        stats.record(Some(0.002), false, true, 0);
        stats.record(Some(0.002), true, true, 0);
        let wholes: Vec<bool> = stats.samples.iter().map(|s| s.whole.is_some()).collect();
        assert_eq!(wholes, [true, false, true]);
        let summary = stats.summary();
        assert!(
            summary.contains("whole frame, swap included: later frames: 1 frames"),
            "{summary}"
        );
        assert!(
            summary.contains("build + paint, swap left out: while loading: 2 frames"),
            "{summary}"
        );
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
