//! Loading an image in the background, egui-free: decode, convert to display pixels, build the
//! pyramid, and report each step as it happens.
//!
//! The window must never wait for a decode (about a second for a 10 000 px JPEG) or a pyramid.
//! [`ImageLoad::start`] spawns the work and returns at once; the GUI calls [`ImageLoad::poll`]
//! every frame and draws whatever is there. Work is ordered for the first picture: right after
//! the decode, level 0 together with a quick approximate overview (longest side at most
//! [`OVERVIEW_MAX_SIDE`], a few tens of milliseconds) so a fit-to-window view can be drawn, then
//! the exact levels one by one, each replacing the approximation where it overlaps.
//!
//! Before all that, a reduced decode ([`decode_preview`]: a JPEG's DC coefficients, a TIFF's
//! internal overview) gives a coarse approximate level in a fraction of the decode's time, so
//! the scene shows long before the full decode ends. When several images load at once, every
//! preview runs before any full decode (see [`DecodeSlot`]): the analyst sees both panes early
//! rather than one pane sharp and the other blank.

use super::image_decode::{ImageInfo, decode_image_with_progress};
use super::overview_cache::{CacheKey, CachedOverview, OverviewCache, first_cached_level};
use super::preview::decode_preview;
use super::pyramid::{
    SourceInfo, TILE_SIZE, downsample_2x_on, level_count, level_size, luminance_histogram,
    quick_overview, to_display_rgb8,
};
use super::tile_cache::TileCache;
use super::tile_reader::{BuildProgress, TileReader, TileReaderOptions, open_tile_reader_with};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The longest side of the quick overview made right after decoding: about a window's worth of
/// pixels, so the first fit-to-window view needs only a few tiles.
pub const OVERVIEW_MAX_SIDE: u32 = 1024;

/// How many images may be decoding at once across the process. Each decode uses one core and
/// holds a full-size image in memory, so more would only fight over cores and RAM.
pub const MAX_CONCURRENT_DECODES: usize = 2;

/// The step a load is at, for the progress bar's label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadStage {
    /// Waiting for a decode slot (see [`MAX_CONCURRENT_DECODES`]).
    Queued,
    /// Reading the file's header: format, size, pixel type.
    Reading,
    /// Decoding the pixels; no reliable fraction is known.
    Decoding,
    /// Building the downsampled levels; the fraction is the share of the work done.
    BuildingLevels,
}

/// Where a load stands, for the GUI.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadState {
    /// Still working. `fraction` is in 0..=1 when the stage can measure its progress, `None`
    /// when it cannot (show an indeterminate bar rather than invented numbers).
    Loading {
        stage: LoadStage,
        fraction: Option<f32>,
    },
    /// Every level is built.
    Ready,
    /// The image could not be loaded; the message names the file and the reason.
    Failed(String),
}

/// How long each milestone took, measured from [`ImageLoad::start`] (time in the queue
/// included). For the benchmark and for a "loaded in ..." note.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LoadTimings {
    /// Time spent waiting for a decode slot.
    pub queued: Option<Duration>,
    /// Until the first drawable picture of any kind: the reduced-decode preview where the
    /// format has one, else the quick overview sent with level 0.
    pub preview: Option<Duration>,
    /// Until level 0 (the full-resolution display pixels) was available.
    pub decoded: Option<Duration>,
    /// Until a level with its longest side at most [`OVERVIEW_MAX_SIDE`] was available, i.e.
    /// until a fit-to-window view can be drawn.
    pub first_overview: Option<Duration>,
    /// Until every exact level was built.
    pub all_levels: Option<Duration>,
}

/// What the worker thread tells the [`ImageLoad`].
enum LoadEvent {
    Stage(LoadStage, Option<f32>),
    Dequeued {
        at: Duration,
    },
    Probed {
        width: u32,
        height: u32,
        /// The file size when the decoder reads as it decodes (progress can be measured).
        streaming_size: Option<u64>,
    },
    /// Level 0 and, for images larger than [`OVERVIEW_MAX_SIDE`], the quick overview with its
    /// level index.
    Decoded {
        image: Arc<RgbImage>,
        overview: Option<(usize, Arc<RgbImage>)>,
        info: SourceInfo,
        histogram: Box<[u64; 256]>,
        at: Duration,
    },
    Level {
        index: usize,
        image: Arc<RgbImage>,
        at: Duration,
    },
    /// The reduced-decode preview: approximate levels (the preview's own and coarser ones made
    /// from it, down to one that fits [`OVERVIEW_MAX_SIDE`]) with the image's size and the
    /// preview's histogram.
    Preview {
        width: u32,
        height: u32,
        levels: Vec<(usize, Arc<RgbImage>)>,
        histogram: Box<[u64; 256]>,
        at: Duration,
    },
    /// The exact coarse levels, histogram and source info read from the overview cache, before
    /// the decode.
    Cached {
        overview: Box<CachedOverview>,
        at: Duration,
    },
    /// The file is read tile by tile: its reader, with its coarsest level read whole (the base
    /// layer and the source of the histogram).
    Tiled {
        reader: Arc<dyn TileReader>,
        coarsest: Arc<RgbImage>,
        histogram: Box<[u64; 256]>,
        at: Duration,
    },
    Finished {
        at: Duration,
    },
    Failed(String),
}

/// One image being loaded, or loaded: its state, its pyramid levels as they arrive, and what
/// the file held. Dropping it cancels the work and frees the memory the worker holds.
pub struct ImageLoad {
    path: PathBuf,
    events: Option<Receiver<LoadEvent>>,
    cancel: Arc<AtomicBool>,
    state: LoadState,
    size: Option<(u32, u32)>,
    levels: Vec<Option<Arc<RgbImage>>>,
    exact: Vec<bool>,
    revision: u64,
    source_info: Option<SourceInfo>,
    histogram: Option<Box<[u64; 256]>>,
    timings: LoadTimings,
    /// How far the decoder has read into the file, written by the worker.
    bytes_read: Arc<AtomicU64>,
    /// File size, once probed, when the format decodes as it reads (not JPEG).
    streaming_size: Option<u64>,
    /// For a file read tile by tile (a large tiled or striped TIFF): its tiles.
    tiled: Option<TileCache>,
    /// Wakes the GUI; the tile cache's threads call it too.
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl ImageLoad {
    /// Starts loading `path` on a background thread and returns at once. `wake` is called from
    /// that thread whenever there is something new to [`poll`](Self::poll); the GUI passes a
    /// closure that requests a repaint. The analyst's overview cache
    /// ([`OverviewCache::for_user`]) is read first and filled afterwards.
    pub fn start(path: PathBuf, wake: Arc<dyn Fn() + Send + Sync>) -> ImageLoad {
        Self::start_with_cache(path, wake, OverviewCache::for_user())
    }

    /// [`start`](Self::start) with a given overview cache, or none: for tests and benchmarks
    /// that must not share the analyst's.
    pub fn start_with_cache(
        path: PathBuf,
        wake: Arc<dyn Fn() + Send + Sync>,
        cache: Option<OverviewCache>,
    ) -> ImageLoad {
        Self::start_with(path, wake, cache, TileReaderOptions::default())
    }

    /// [`start_with_cache`](Self::start_with_cache) with the options deciding which TIFFs are
    /// read tile by tile and where their built levels are cached (tests).
    pub fn start_with(
        path: PathBuf,
        wake: Arc<dyn Fn() + Send + Sync>,
        cache: Option<OverviewCache>,
        tiles: TileReaderOptions,
    ) -> ImageLoad {
        let (sender, events) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let mut load = ImageLoad {
            path: path.clone(),
            events: Some(events),
            cancel: cancel.clone(),
            state: LoadState::Loading {
                stage: LoadStage::Queued,
                fraction: None,
            },
            size: None,
            levels: Vec::new(),
            exact: Vec::new(),
            revision: 0,
            source_info: None,
            histogram: None,
            timings: LoadTimings::default(),
            bytes_read: Arc::new(AtomicU64::new(0)),
            streaming_size: None,
            tiled: None,
            wake: wake.clone(),
        };
        let worker = Worker {
            path,
            sender,
            cancel,
            bytes_read: load.bytes_read.clone(),
            wake,
            started: Instant::now(),
            cache,
            tiles,
        };
        let spawned = std::thread::Builder::new()
            .name("sitediff-load".into())
            .spawn(move || worker.run());
        if let Err(error) = spawned {
            load.events = None;
            load.state = LoadState::Failed(format!(
                "{}: cannot start a loading thread: {error}",
                load.path.display()
            ));
        }
        load
    }

    /// Takes in everything the worker has reported since the last call. Cheap when nothing is
    /// new; call it every frame.
    pub fn poll(&mut self) {
        let Some(events) = &self.events else {
            return;
        };
        let mut received = Vec::new();
        let disconnected = loop {
            match events.try_recv() {
                Ok(event) => received.push(event),
                Err(TryRecvError::Empty) => break false,
                Err(TryRecvError::Disconnected) => break true,
            }
        };
        for event in received {
            self.apply(event);
        }
        if let (
            LoadState::Loading {
                stage: LoadStage::Decoding,
                fraction,
            },
            Some(size),
        ) = (&mut self.state, self.streaming_size)
            && size > 0
        {
            let read = self.bytes_read.load(Ordering::Relaxed);
            *fraction = Some((read as f64 / size as f64).clamp(0.0, 1.0) as f32);
        }
        if disconnected {
            self.events = None;
            // The worker ended without saying why: only a bug (a panic) does that.
            if matches!(self.state, LoadState::Loading { .. }) {
                self.state = LoadState::Failed(format!(
                    "{}: loading stopped unexpectedly",
                    self.path.display()
                ));
            }
        }
    }

    fn apply(&mut self, event: LoadEvent) {
        match event {
            LoadEvent::Stage(stage, fraction) => {
                if matches!(self.state, LoadState::Loading { .. }) {
                    self.state = LoadState::Loading { stage, fraction };
                }
            }
            LoadEvent::Dequeued { at } => self.timings.queued = Some(at),
            LoadEvent::Probed {
                width,
                height,
                streaming_size,
            } => {
                self.set_size(width, height);
                self.streaming_size = streaming_size;
            }
            LoadEvent::Decoded {
                image,
                overview,
                info,
                histogram,
                at,
            } => {
                let (width, height) = image.dimensions();
                self.set_size(width, height);
                self.source_info = Some(info);
                self.histogram = Some(histogram);
                self.timings.decoded = Some(at);
                self.put_level(0, image, true, at);
                if let Some((index, overview)) = overview {
                    self.put_level(index, overview, false, at);
                }
            }
            LoadEvent::Level { index, image, at } => self.put_level(index, image, true, at),
            LoadEvent::Preview {
                width,
                height,
                levels,
                histogram,
                at,
            } => {
                self.set_size(width, height);
                if self.histogram.is_none() {
                    self.histogram = Some(histogram);
                }
                for (index, image) in levels {
                    // Never replace what the full decode already sent.
                    if self.levels.get(index).is_some_and(Option::is_none) {
                        self.put_level(index, image, false, at);
                    }
                }
            }
            LoadEvent::Cached { overview, at } => {
                self.set_size(overview.width, overview.height);
                self.source_info = Some(overview.info);
                self.histogram = Some(overview.histogram);
                for (index, image) in overview.levels {
                    self.put_level(index, image, true, at);
                }
            }
            LoadEvent::Tiled {
                reader,
                coarsest,
                histogram,
                at,
            } => {
                let (width, height) = reader.size();
                self.set_size(width, height);
                self.source_info = Some(reader.source_info());
                self.histogram = Some(histogram);
                self.timings.decoded = Some(at);
                let top = self.levels.len().saturating_sub(1);
                self.put_level(top, coarsest, true, at);
                self.tiled = Some(TileCache::new(reader, self.wake.clone()));
            }
            LoadEvent::Finished { at } => {
                self.timings.all_levels = Some(at);
                self.state = LoadState::Ready;
            }
            LoadEvent::Failed(message) => {
                self.levels.clear();
                self.exact.clear();
                self.revision += 1;
                self.state = LoadState::Failed(message);
            }
        }
    }

    fn set_size(&mut self, width: u32, height: u32) {
        self.size = Some((width, height));
        let count = level_count(width, height, TILE_SIZE);
        if self.levels.len() != count {
            self.levels.resize(count, None);
            self.exact.resize(count, false);
        }
    }

    fn put_level(&mut self, index: usize, image: Arc<RgbImage>, exact: bool, at: Duration) {
        let fits_window = image.width().max(image.height()) <= OVERVIEW_MAX_SIDE;
        if let (Some(slot), Some(is_exact)) =
            (self.levels.get_mut(index), self.exact.get_mut(index))
        {
            // The quick overview never replaces exact pixels (read from the overview cache).
            if *is_exact && !exact {
                return;
            }
            *slot = Some(image);
            *is_exact = exact;
            self.revision += 1;
            if self.timings.preview.is_none() {
                self.timings.preview = Some(at);
            }
            if fits_window && self.timings.first_overview.is_none() {
                self.timings.first_overview = Some(at);
            }
        }
    }

    /// The file being loaded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the load stands.
    pub fn state(&self) -> &LoadState {
        &self.state
    }

    /// Width and height in pixels, known once the header has been read.
    pub fn size(&self) -> Option<(u32, u32)> {
        self.size
    }

    /// The pyramid: index k holds the image downsampled by 2^k, `None` until built. Empty
    /// until the size is known. Level 0 is the decoded image itself; a coarse level may first
    /// hold a quick approximation (see [`level_is_exact`](Self::level_is_exact)).
    pub fn levels(&self) -> &[Option<Arc<RgbImage>>] {
        &self.levels
    }

    /// Whether level `k` holds its exact pixels rather than the quick overview. Tiles drawn from
    /// an approximate level should be uploaded again once it turns exact.
    pub fn level_is_exact(&self, k: usize) -> bool {
        self.exact.get(k).copied().unwrap_or(false)
    }

    /// A number that changes whenever a level is added or replaced, so that the GUI knows when
    /// its cached textures are stale.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The level to draw when level `k` is wanted: `k` itself if available, else the nearest
    /// coarser one (blurry but cheap to upload), else the nearest finer one.
    pub fn nearest_level(&self, k: usize) -> Option<(usize, &Arc<RgbImage>)> {
        let k = k.min(self.levels.len().checked_sub(1)?);
        let available = |i: usize| self.levels[i].as_ref().map(|image| (i, image));
        (k..self.levels.len())
            .find_map(available)
            .or_else(|| (0..k).rev().find_map(available))
    }

    /// What the file held (bit depth, bands, the stretch applied), once decoded.
    pub fn source_info(&self) -> Option<&SourceInfo> {
        self.source_info.as_ref()
    }

    /// The luminance histogram of the display pixels (estimated from the overview), for the
    /// display stretch. Available together with level 0.
    pub fn luminance_histogram(&self) -> Option<&[u64; 256]> {
        self.histogram.as_deref()
    }

    /// How long the milestones took so far.
    pub fn timings(&self) -> &LoadTimings {
        &self.timings
    }

    /// For a file read tile by tile: its tiles, read as the view asks for them. Its
    /// [`levels`](Self::levels) then hold only the coarsest level.
    pub fn tiled(&self) -> Option<&TileCache> {
        self.tiled.as_ref()
    }
}

impl Drop for ImageLoad {
    /// Tells the worker to stop at its next check; its result, if any, is discarded.
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Why the worker stopped early.
enum Stop {
    /// The load was dropped: say nothing.
    Cancelled,
    /// The load failed: report the message.
    Failed(String),
}

/// The background half of an [`ImageLoad`].
/// Decoding keeps a core busy for seconds; with two decodes on a two-core machine the window's
/// thread would have to queue for the CPU and frames would stall. Loading threads therefore run
/// at a lower priority (nice 10) than the window, which stays responsive; threads they start
/// inherit it. Where this is not supported nothing changes.
pub(crate) fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: plain system calls with no pointers; on Linux the nice value belongs to a
        // thread, and `gettid` names this one. A failure (not permitted) leaves things as they
        // were, which is harmless.
        unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            libc::setpriority(libc::PRIO_PROCESS, tid, 10);
        }
    }
}

struct Worker {
    path: PathBuf,
    sender: Sender<LoadEvent>,
    cancel: Arc<AtomicBool>,
    bytes_read: Arc<AtomicU64>,
    wake: Arc<dyn Fn() + Send + Sync>,
    started: Instant,
    cache: Option<OverviewCache>,
    tiles: TileReaderOptions,
}

impl Worker {
    fn run(self) {
        if let Err(Stop::Failed(message)) = self.load() {
            // If the receiver is gone nobody is listening; nothing else to do.
            let _ = self.send(LoadEvent::Failed(message));
        }
    }

    /// Sends an event and wakes the GUI when the event changes what it draws (pixels, the end,
    /// a failure); fails (as a cancellation) once the load is dropped. A step of the label alone
    /// ("queued", "reading", a size) waits for the next frame: waking for each would cost a whole
    /// software-rendered frame apiece while the decoders wait for the cores.
    fn send(&self, event: LoadEvent) -> Result<(), Stop> {
        let draws = !matches!(
            event,
            LoadEvent::Stage(..) | LoadEvent::Dequeued { .. } | LoadEvent::Probed { .. }
        );
        self.sender.send(event).map_err(|_| Stop::Cancelled)?;
        if draws {
            (self.wake)();
        }
        Ok(())
    }

    /// The tile reader's options, with the build of a first view (a TIFF without overviews:
    /// one pass over the whole file) reported as progress and stopped when the load is dropped.
    /// The first report wakes the window, which then polls the bar (see `LOADING_REPAINT`).
    fn first_view_options(&self) -> TileReaderOptions {
        let (sender, wake, cancel) = (self.sender.clone(), self.wake.clone(), self.cancel.clone());
        let woken = AtomicBool::new(false);
        TileReaderOptions {
            first_view_progress: Some(BuildProgress(Arc::new(move |fraction| {
                let event = LoadEvent::Stage(LoadStage::BuildingLevels, Some(fraction));
                if cancel.load(Ordering::Relaxed) || sender.send(event).is_err() {
                    return false;
                }
                if !woken.swap(true, Ordering::Relaxed) {
                    wake();
                }
                true
            }))),
            ..self.tiles.clone()
        }
    }

    fn check_cancelled(&self) -> Result<(), Stop> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(Stop::Cancelled)
        } else {
            Ok(())
        }
    }

    fn load(&self) -> Result<(), Stop> {
        // A large tiled or striped TIFF is never decoded whole: only its header and coarsest
        // level are read here, before any queue (it costs little, unless the file has no
        // overviews: then its coarsest level is built first), and the rest on demand.
        self.send(LoadEvent::Stage(LoadStage::Reading, None))?;
        if let Some(reader) = open_tile_reader_with(&self.path, &self.first_view_options())
            .map_err(|e| Stop::Failed(e.to_string()))?
        {
            return self.load_tiled(reader);
        }
        self.send(LoadEvent::Stage(LoadStage::Queued, None))?;
        let pending = PreviewPending::register();
        // The cache lookup and the preview are short and give the first view: they run at the
        // window's priority, the full decode below at a lower one.
        let (hit, to_store) = self.send_cached_overview()?;
        if !hit {
            let _slot =
                DecodeSlot::acquire(&self.cancel, SlotUse::Preview).ok_or(Stop::Cancelled)?;
            self.send(LoadEvent::Stage(LoadStage::Reading, None))?;
            self.preview()?;
        }
        drop(pending);
        lower_this_threads_priority();
        let slot = DecodeSlot::acquire(&self.cancel, SlotUse::FullDecode).ok_or(Stop::Cancelled)?;
        self.send(LoadEvent::Dequeued {
            at: self.started.elapsed(),
        })?;

        self.send(LoadEvent::Stage(LoadStage::Reading, None))?;
        // One open of the file: the header is reported as soon as it is read, then decoding
        // goes on. A send that fails means the load was dropped; the check below ends it.
        let mut on_header = |header: &ImageInfo| {
            let _ = self.send(LoadEvent::Probed {
                width: header.width,
                height: header.height,
                // The JPEG decoder reads the whole file first, so bytes read say nothing there.
                streaming_size: (header.format != "JPEG").then_some(header.file_size),
            });
            let _ = self.send(LoadEvent::Stage(LoadStage::Decoding, None));
        };
        let decoded =
            decode_image_with_progress(&self.path, self.bytes_read.clone(), &mut on_header)
                .map_err(|e| Stop::Failed(e.to_string()))?;
        // A load dropped during the decode ends here, freeing the pixels.
        self.check_cancelled()?;
        let (level0, info) = to_display_rgb8(decoded);
        drop(slot);
        let level0 = Arc::new(level0);
        let (width, height) = level0.dimensions();

        // The quick overview and the histogram take a few tens of milliseconds; they go out
        // together with level 0, so the GUI never sees level 0 alone (too many pixels for a
        // fit-to-window view) and never computes a histogram of its own.
        let overview = (width.max(height) > OVERVIEW_MAX_SIDE).then(|| {
            let (image, scale) = quick_overview(&level0, OVERVIEW_MAX_SIDE);
            (scale.trailing_zeros() as usize, Arc::new(image))
        });
        let histogram = match &overview {
            Some((_, image)) => luminance_histogram(image),
            None => luminance_histogram(&level0),
        };
        let histogram = Box::new(histogram);
        self.send(LoadEvent::Decoded {
            image: level0.clone(),
            overview,
            info,
            histogram: histogram.clone(),
            at: self.started.elapsed(),
        })?;
        self.send(LoadEvent::Stage(LoadStage::BuildingLevels, Some(0.0)))?;

        // Level k costs about as much as the pixels of level k - 1 it reads.
        let count = level_count(width, height, TILE_SIZE);
        let pixels = |k: usize| {
            let (w, h) = level_size(width, height, k);
            u64::from(w) * u64::from(h)
        };
        let total_work: u64 = (0..count.saturating_sub(1)).map(pixels).sum();
        let mut work_done = 0;
        let mut previous = level0;
        let first_kept = first_cached_level(width, height).unwrap_or(usize::MAX);
        let mut kept = Vec::new();
        for k in 1..count {
            self.check_cancelled()?;
            // While another image decodes, leave it a core: its first view matters more than
            // this image's exact levels (the quick overview is already there).
            let threads = if DecodeSlot::running() > 0 {
                1
            } else {
                usize::MAX
            };
            let level = Arc::new(downsample_2x_on(&previous, threads));
            work_done += pixels(k - 1);
            if k >= first_kept {
                kept.push((k, level.clone()));
            }
            self.send(LoadEvent::Level {
                index: k,
                image: level.clone(),
                at: self.started.elapsed(),
            })?;
            self.send(LoadEvent::Stage(
                LoadStage::BuildingLevels,
                Some(work_done as f32 / total_work.max(1) as f32),
            ))?;
            previous = level;
        }
        if let Some(key) = to_store {
            self.store_overview(&key, (width, height), info, histogram, kept);
        }
        self.send(LoadEvent::Finished {
            at: self.started.elapsed(),
        })
    }

    /// Sends the reduced-decode preview, if the file has one. A failure here is not reported:
    /// the full decode that follows says what is wrong with the file.
    fn preview(&self) -> Result<(), Stop> {
        let Ok(Some(preview)) = decode_preview(&self.path) else {
            return Ok(());
        };
        self.check_cancelled()?;
        let (width, height) = (preview.width, preview.height);
        let mut image = Arc::new(preview.image);
        let histogram = Box::new(luminance_histogram(&image));
        let mut levels = vec![(preview.level, image.clone())];
        // Coarser levels down to the coarsest, one tile: the first picture of a pane is one
        // tile upload, and a fit-to-window view needs few more.
        let count = level_count(width, height, TILE_SIZE);
        let mut index = preview.level;
        while index + 1 < count {
            image = Arc::new(downsample_2x_on(&image, 1));
            index += 1;
            levels.push((index, image.clone()));
        }
        self.send(LoadEvent::Preview {
            width,
            height,
            levels,
            histogram,
            at: self.started.elapsed(),
        })
    }
}

impl Worker {
    /// Looks the file up in the overview cache and, on a hit, sends its levels at once (the
    /// first view is then sharp at fit while the full decode goes on for zooming in). Returns
    /// whether it was a hit (no preview is needed then), and the key to store the levels under
    /// once built: on a miss of a file large enough to cache.
    fn send_cached_overview(&self) -> Result<(bool, Option<CacheKey>), Stop> {
        let Some(cache) = &self.cache else {
            return Ok((false, None));
        };
        let Some(key) = CacheKey::of_file(&self.path) else {
            return Ok((false, None));
        };
        match cache.load(&key) {
            Some(overview) => {
                self.send(LoadEvent::Cached {
                    overview: Box::new(overview),
                    at: self.started.elapsed(),
                })?;
                Ok((true, None))
            }
            None => Ok((false, Some(key))),
        }
    }

    /// Stores the exact coarse levels for the next time this file is opened.
    fn store_overview(
        &self,
        key: &CacheKey,
        (width, height): (u32, u32),
        info: SourceInfo,
        histogram: Box<[u64; 256]>,
        levels: Vec<(usize, Arc<RgbImage>)>,
    ) {
        let Some(cache) = &self.cache else { return };
        if levels.is_empty() {
            return;
        }
        let overview = CachedOverview {
            width,
            height,
            info,
            histogram,
            levels,
        };
        // Best effort on purpose: a full disk or a read-only cache folder only means the next
        // open decodes first, as without the cache; the analyst has nothing to act on.
        let _ = cache.store(key, &overview);
    }

    /// Reads the coarsest level of an image read tile by tile, hands over the reader, then
    /// reports the building of missing levels (if the reader builds any) until it ends.
    fn load_tiled(&self, reader: Arc<dyn TileReader>) -> Result<(), Stop> {
        let (width, height) = reader.size();
        self.send(LoadEvent::Probed {
            width,
            height,
            streaming_size: None,
        })?;
        self.send(LoadEvent::Stage(LoadStage::Reading, None))?;
        // The coarsest level fits in one tile.
        let top = level_count(width, height, TILE_SIZE) - 1;
        let coarsest = reader.read_tile(top, 0, 0).map_err(Stop::Failed)?;
        if coarsest.dimensions() != level_size(width, height, top) {
            return Err(Stop::Failed(format!(
                "{}: its coarsest level is {}x{} pixels, not the {}x{} its size implies",
                self.path.display(),
                coarsest.width(),
                coarsest.height(),
                level_size(width, height, top).0,
                level_size(width, height, top).1,
            )));
        }
        let histogram = Box::new(luminance_histogram(&coarsest));
        self.send(LoadEvent::Tiled {
            reader: reader.clone(),
            coarsest: Arc::new(coarsest),
            histogram,
            at: self.started.elapsed(),
        })?;
        while let Some(fraction) = reader.build_progress() {
            self.check_cancelled()?;
            self.send(LoadEvent::Stage(LoadStage::BuildingLevels, Some(fraction)))?;
            std::thread::sleep(Duration::from_millis(250));
        }
        self.send(LoadEvent::Finished {
            at: self.started.elapsed(),
        })
    }
}

/// The process-wide decode bookkeeping.
struct Slots {
    /// Decodes (previews or full) in progress, capped at [`MAX_CONCURRENT_DECODES`].
    running: usize,
    /// Loads that have not finished (or given up) their preview yet.
    previews_pending: usize,
}

static SLOTS: Mutex<Slots> = Mutex::new(Slots {
    running: 0,
    previews_pending: 0,
});
/// Signalled whenever a decode slot is freed or a preview is done.
static SLOTS_CHANGED: Condvar = Condvar::new();

fn lock_slots() -> std::sync::MutexGuard<'static, Slots> {
    SLOTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a decode slot is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SlotUse {
    /// A reduced decode: a fraction of a second, taken as soon as a slot is free.
    Preview,
    /// The full decode: waits until no load has its preview still to do, so that when several
    /// images load at once each shows its preview before any of them is decoded in full (two
    /// full decodes would otherwise hold both cores for seconds while the other panes stay
    /// blank).
    FullDecode,
}

/// Permission to decode; the slot is given back when this is dropped (also on a panic).
/// At most [`MAX_CONCURRENT_DECODES`] are held at once, previews and full decodes together.
struct DecodeSlot;

impl DecodeSlot {
    /// Waits for a free slot for `purpose`; `None` if the load is cancelled while waiting.
    fn acquire(cancel: &AtomicBool, purpose: SlotUse) -> Option<DecodeSlot> {
        let mut slots = lock_slots();
        loop {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let previews_first = purpose == SlotUse::FullDecode && slots.previews_pending > 0;
            if slots.running < MAX_CONCURRENT_DECODES && !previews_first {
                slots.running += 1;
                return Some(DecodeSlot);
            }
            // Wake now and then to notice a cancellation while queued.
            slots = SLOTS_CHANGED
                .wait_timeout(slots, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// How many decodes are in progress right now.
    fn running() -> usize {
        lock_slots().running
    }
}

impl Drop for DecodeSlot {
    fn drop(&mut self) {
        let mut slots = lock_slots();
        slots.running = slots.running.saturating_sub(1);
        SLOTS_CHANGED.notify_all();
    }
}

/// A load whose preview is still to come; full decodes wait while any exists. Dropped once the
/// preview is sent, found impossible, or the load is cancelled.
struct PreviewPending;

impl PreviewPending {
    fn register() -> PreviewPending {
        lock_slots().previews_pending += 1;
        PreviewPending
    }
}

impl Drop for PreviewPending {
    fn drop(&mut self) {
        let mut slots = lock_slots();
        slots.previews_pending = slots.previews_pending.saturating_sub(1);
        SLOTS_CHANGED.notify_all();
    }
}

#[cfg(test)]
#[path = "loader_tests.rs"]
mod tests;
