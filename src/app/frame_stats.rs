//! Frame times of the real window, for measuring responsiveness while images load. Enabled by
//! the environment variable `SITEDIFF_FRAME_STATS=1`; the summary is printed to stderr when the
//! window closes. The time per frame is eframe's: building the UI, tessellating, painting
//! (texture uploads included) and swapping buffers.

/// Frame times collected so far.
pub struct FrameStats {
    /// (seconds the frame took, whether an image was loading meanwhile).
    samples: Vec<(f32, bool)>,
}

impl FrameStats {
    /// `Some` when the environment asks for frame statistics.
    pub fn from_env() -> Option<Self> {
        std::env::var_os("SITEDIFF_FRAME_STATS").map(|_| Self {
            samples: Vec::new(),
        })
    }

    /// Records the previous frame's time; `tiles` is how many tiles that frame uploaded. Slow
    /// frames are reported as they happen, to find out what made them slow.
    pub fn record(&mut self, seconds: f32, loading: bool, tiles: usize) {
        if seconds > 0.040 {
            eprintln!(
                "slow frame {}: {:.1} ms, {tiles} tiles uploaded, loading: {loading}",
                self.samples.len(),
                seconds * 1e3
            );
        }
        self.samples.push((seconds, loading));
    }

    /// One line per group: all frames, and frames while loading.
    pub fn summary(&self) -> String {
        let line = |name: &str, mut v: Vec<f32>| {
            if v.is_empty() {
                return format!("{name}: no frames");
            }
            v.sort_by(f32::total_cmp);
            let over = v.iter().filter(|&&t| t > 0.050).count();
            format!(
                "{name}: {} frames, median {:.1} ms, 99th percentile {:.1} ms, longest {:.1} ms, {} over 50 ms",
                v.len(),
                v[v.len() / 2] * 1e3,
                v[(v.len() * 99 / 100).min(v.len() - 1)] * 1e3,
                v[v.len() - 1] * 1e3,
                over
            )
        };
        // The first frame sets up the window (GL context, shaders, font atlas); it is reported
        // on its own so it does not hide what loading costs.
        let first = self.samples.first().map(|s| s.0 * 1e3).unwrap_or(0.0);
        let rest = self.samples.get(1..).unwrap_or(&[]);
        let all: Vec<f32> = rest.iter().map(|s| s.0).collect();
        let loading = rest.iter().filter(|s| s.1).map(|s| s.0).collect();
        format!(
            "sitediff frame stats (first frame, window setup: {first:.1} ms)\n  {}\n  {}",
            line("later frames", all),
            line("while loading", loading)
        )
    }
}

impl Drop for FrameStats {
    fn drop(&mut self) {
        eprintln!("{}", self.summary());
    }
}
