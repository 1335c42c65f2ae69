//! The command line: `sitediff [PROJECT]` opens the window; subcommands work headless over
//! [`crate::model`] and [`crate::io`].
//!
//! Exit codes: 0 success; 1 the project has problems (`validate`) or is not canonical
//! (`fmt --check`); 2 a file cannot be read, parsed or written, or the command line is wrong.

use crate::io::image_decode::probe_image;
use crate::io::new_project::{NewImage, project_from_images};
use crate::io::project_file::{parse_project_bytes, resolve_image_path, write_atomically};
use crate::io::{load_project, project_to_string, save_project};
use crate::model::{CaptureDate, ChangeKind, Project, SiteCounts, validate};
use clap::{Parser, Subcommand};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Compare dated overhead images of a site and outline the buildings that changed.
#[derive(Debug, Parser)]
#[command(name = "sitediff", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Project file to open in the window (default: the bundled demo site).
    pub project: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a project in the window.
    Open {
        /// The project file (.ron).
        project: PathBuf,
    },
    /// Create a project with one site from dated images.
    New {
        /// The project file to create (.ron).
        project: PathBuf,
        /// Name of the site.
        #[arg(long)]
        site: String,
        /// Name of the project (default: the file name without extension).
        #[arg(long)]
        name: Option<String>,
        /// Set a capture date by hand: IMAGE=YYYY-MM-DD (repeatable). IMAGE is the path as
        /// given or just its file name.
        #[arg(long = "date", value_name = "IMAGE=DATE")]
        dates: Vec<String>,
        /// Overwrite an existing project file.
        #[arg(long)]
        force: bool,
        /// The site's images, any order (the earliest becomes the reference).
        #[arg(required = true, num_args = 1..)]
        images: Vec<PathBuf>,
    },
    /// Check projects for problems; exit 0 when all are valid, 1 when any has problems,
    /// 2 when any cannot be read.
    Validate {
        #[arg(required = true, num_args = 1..)]
        projects: Vec<PathBuf>,
        /// Do not check that the image files exist and can be read.
        #[arg(long)]
        no_files: bool,
    },
    /// Per site: images with dates and sizes, footprints per change kind, review progress and
    /// total footprint area.
    Stats {
        project: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Rewrite project files in canonical form (sorted, pretty-printed). Comments are not kept.
    Fmt {
        #[arg(required = true, num_args = 1..)]
        projects: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
    },
}

/// What `main` should do after parsing.
pub enum Outcome {
    /// Open the window on this project (`None`: the demo).
    Gui(Option<PathBuf>),
    /// A headless command ran; exit with this code.
    Exit(ExitCode),
}

/// Runs a parsed command line. GUI requests are handed back to `main`.
pub fn run(cli: Cli) -> Outcome {
    let command = match cli.command {
        None => return Outcome::Gui(cli.project),
        Some(Command::Open { project }) => return Outcome::Gui(Some(project)),
        Some(c) => c,
    };
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    let code = match command {
        Command::Open { .. } => 0,
        Command::New {
            project,
            site,
            name,
            dates,
            force,
            images,
        } => cmd_new(
            &project, &site, name, &dates, force, &images, &mut out, &mut err,
        ),
        Command::Validate { projects, no_files } => {
            cmd_validate(&projects, !no_files, &mut out, &mut err)
        }
        Command::Stats { project, json } => cmd_stats(&project, json, &mut out, &mut err),
        Command::Fmt { projects, check } => cmd_fmt(&projects, check, &mut out, &mut err),
    };
    Outcome::Exit(ExitCode::from(code))
}

type Out<'a> = &'a mut dyn std::io::Write;

// Writes to stdout/stderr can fail (a closed pipe); there is nobody left to tell, so those
// results are ignored on purpose.
macro_rules! say {
    ($w:expr, $($arg:tt)*) => {{ let _ = writeln!($w, $($arg)*); }};
}

#[allow(clippy::too_many_arguments)]
fn cmd_new(
    project_path: &Path,
    site_name: &str,
    name: Option<String>,
    date_args: &[String],
    force: bool,
    images: &[PathBuf],
    out: Out,
    err: Out,
) -> u8 {
    if project_path.exists() && !force {
        say!(
            err,
            "{}: already exists; pass --force to overwrite it",
            project_path.display()
        );
        return 2;
    }
    let mut overrides: HashMap<String, CaptureDate> = HashMap::new();
    for arg in date_args {
        let Some((img, date)) = arg.rsplit_once('=') else {
            say!(err, "--date {arg}: expected IMAGE=YYYY-MM-DD");
            return 2;
        };
        match date.parse::<CaptureDate>() {
            Ok(d) => {
                overrides.insert(img.to_string(), d);
            }
            Err(e) => {
                say!(err, "--date {arg}: {e}");
                return 2;
            }
        }
    }
    let project_name = name.unwrap_or_else(|| {
        project_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".into())
    });
    let mut used_overrides = 0;
    let wanted: Vec<NewImage> = images
        .iter()
        .map(|path| {
            let file_name = path
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let date = overrides
                .get(&path.to_string_lossy().into_owned())
                .or_else(|| overrides.get(&file_name))
                .copied();
            used_overrides += usize::from(date.is_some());
            NewImage {
                path: path.clone(),
                date,
            }
        })
        .collect();
    if used_overrides < overrides.len() {
        say!(
            err,
            "--date: {} of the given dates name no image on the command line",
            overrides.len() - used_overrides
        );
        return 2;
    }
    let (project, reports) =
        match project_from_images(project_path, &project_name, site_name, &wanted) {
            Ok(made) => made,
            Err(e) => {
                say!(err, "{e}");
                return 2;
            }
        };
    for r in &reports {
        say!(
            out,
            "{}  {}  {} x {}  date {} ({})",
            r.id,
            r.stored_path,
            r.width,
            r.height,
            r.date,
            r.date_source
        );
    }
    let problems = validate(&project);
    if !problems.is_empty() {
        for p in &problems {
            say!(err, "{}: {p}", project_path.display());
        }
        return 1;
    }
    if let Err(e) = save_project(&project, project_path) {
        say!(err, "{e}");
        return 2;
    }
    let unknown = project
        .all_images()
        .filter(|(_, i)| i.date == CaptureDate::Unknown)
        .count();
    say!(
        out,
        "created {} with site \"{site_name}\" and {} images",
        project_path.display(),
        images.len()
    );
    if unknown > 0 {
        say!(
            out,
            "{unknown} image(s) have no capture date; set it in the window or with --date IMAGE=YYYY-MM-DD"
        );
    }
    0
}

fn cmd_validate(paths: &[PathBuf], check_files: bool, out: Out, err: Out) -> u8 {
    let mut code = 0;
    for path in paths {
        let Some(project) = load_or_report(path, err) else {
            code = 2;
            continue;
        };
        let mut problems: Vec<String> = validate(&project).iter().map(|p| p.to_string()).collect();
        if check_files {
            for (site, img) in project.all_images() {
                let file = resolve_image_path(path, &img.path);
                if let Err(e) = probe_image(&file) {
                    problems.push(format!("site {}, image {}: {e}", site.id, img.id));
                }
            }
        }
        if problems.is_empty() {
            say!(out, "{}: valid", path.display());
        } else {
            for p in &problems {
                say!(out, "{}: {p}", path.display());
            }
            say!(out, "{}: {} problem(s)", path.display(), problems.len());
            code = code.max(1);
        }
    }
    code
}

#[derive(Serialize)]
struct ImageStats {
    id: u32,
    path: String,
    date: String,
    width: Option<u32>,
    height: Option<u32>,
    /// Why the size is unknown, when it is.
    error: Option<String>,
}

#[derive(Serialize)]
struct SiteStats {
    id: u32,
    name: String,
    images: Vec<ImageStats>,
    #[serde(flatten)]
    counts: SiteCounts,
    reviewed_percent: f64,
}

#[derive(Serialize)]
struct ProjectStats {
    project: String,
    sites: Vec<SiteStats>,
}

fn cmd_stats(path: &Path, json: bool, out: Out, err: Out) -> u8 {
    let Some(project) = load_or_report(path, err) else {
        return 2;
    };
    let stats = ProjectStats {
        project: project.name.clone(),
        sites: project
            .sites
            .iter()
            .map(|site| {
                let counts = SiteCounts::of(site);
                SiteStats {
                    id: site.id.0,
                    name: site.name.clone(),
                    images: site
                        .images_by_date()
                        .into_iter()
                        .map(|img| {
                            let probed = probe_image(&resolve_image_path(path, &img.path));
                            ImageStats {
                                id: img.id.0,
                                path: img.path.clone(),
                                date: img.date.to_string(),
                                width: probed.as_ref().ok().map(|i| i.width),
                                height: probed.as_ref().ok().map(|i| i.height),
                                error: probed.err().map(|e| e.to_string()),
                            }
                        })
                        .collect(),
                    reviewed_percent: (counts.reviewed_fraction() * 1000.0).round() / 10.0,
                    counts,
                }
            })
            .collect(),
    };
    if json {
        match serde_json::to_string_pretty(&stats) {
            Ok(s) => say!(out, "{s}"),
            Err(e) => {
                say!(err, "cannot write JSON: {e}");
                return 2;
            }
        }
        return 0;
    }
    say!(out, "project \"{}\" ({})", stats.project, path.display());
    for s in &stats.sites {
        say!(out, "site S{} \"{}\"", s.id, s.name);
        say!(out, "  images:");
        for i in &s.images {
            let size = match (i.width, i.height, &i.error) {
                (Some(w), Some(h), _) => format!("{w} x {h}"),
                (_, _, Some(e)) => format!("unreadable: {e}"),
                _ => "size unknown".into(),
            };
            say!(out, "    I{}  {}  {}  {}", i.id, i.date, i.path, size);
        }
        let c = &s.counts;
        say!(out, "  footprints: {}", c.footprints);
        for kind in ChangeKind::ALL {
            say!(out, "    {:<11} {}", kind.label(), c.count(kind));
        }
        say!(
            out,
            "  review: {} accepted, {} rejected, {} unreviewed ({:.1}% reviewed)",
            c.accepted,
            c.rejected,
            c.unreviewed,
            s.reviewed_percent
        );
        say!(out, "  total footprint area: {:.1} px²", c.total_area);
    }
    0
}

/// Loads a project, or says why not on `err` (the message names the file).
fn load_or_report(path: &Path, err: Out) -> Option<Project> {
    match load_project(path) {
        Ok(p) => Some(p),
        Err(e) => {
            say!(err, "{e}");
            None
        }
    }
}

fn cmd_fmt(paths: &[PathBuf], check: bool, out: Out, err: Out) -> u8 {
    let mut code = 0;
    for path in paths {
        let original = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                say!(err, "{}: cannot read the file: {e}", path.display());
                code = 2;
                continue;
            }
        };
        // Parse the bytes just read with the loader's own parser, so every error is reported
        // the same way; a file that does not parse is never rewritten.
        let project = match parse_project_bytes(&original, path) {
            Ok(p) => p,
            Err(e) => {
                say!(err, "{e}");
                code = 2;
                continue;
            }
        };
        let text = match project_to_string(&project) {
            Ok(t) => t,
            Err(e) => {
                say!(err, "{}: {e}", path.display());
                code = 2;
                continue;
            }
        };
        if text.as_bytes() == original.as_slice() {
            say!(out, "{}: already canonical", path.display());
        } else if check {
            say!(out, "{}: not in canonical form", path.display());
            code = code.max(1);
        } else if let Err(e) = write_atomically(path, text.as_bytes(), true) {
            say!(err, "{e}");
            code = 2;
        } else {
            say!(
                out,
                "{}: rewritten (previous version kept as .bak)",
                path.display()
            );
        }
    }
    code
}

/// The bundled demo project: next to the executable's crate at build time, or under
/// `assets/demo/` in the current folder.
pub fn demo_project_path() -> PathBuf {
    let candidates = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron"),
        PathBuf::from("assets/demo/demo.ron"),
    ];
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| candidates[0].clone())
}
