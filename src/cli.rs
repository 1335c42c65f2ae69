//! The command line: `sitediff [PROJECT]` opens the window; subcommands work headless over
//! [`crate::model`], [`crate::io`] and the editing core [`crate::editing`] (the commands that
//! change a project go through its [`crate::editing::Document`], as the window does).
//!
//! Exit codes: 0 done; 1 refused because of the project's content (`validate` found problems,
//! `fmt --check` found a file not in canonical form, `new` would make an invalid project, or a
//! change names no such site or image, or would remove an image footprints use); 2 a file
//! cannot be read, parsed or written, or the command line is wrong (a `report` whose images
//! cannot be read is still written, and exits 0). A project file that does not
//! load is never written.

// Writes to stdout/stderr can fail (a closed pipe); there is nobody left to tell, so those
// results are ignored on purpose. Defined before the submodules so that they can use it.
macro_rules! say {
    ($w:expr, $($arg:tt)*) => {{ let _ = writeln!($w, $($arg)*); }};
}

mod gis;
mod ground;
mod grow;
mod images;
mod merge;
mod validate;

use crate::io::image_decode::probe_image;
use crate::io::new_project::project_from_images;
use crate::io::project_file::{
    parse_project_bytes, read_project_bytes, resolve_image_path, write_atomically,
};
use crate::io::{load_project, project_to_string, save_project};
use crate::model::{ChangeKind, ImageId, Project, SiteCounts, validate};
use crate::report::write_report;
use clap::{Parser, Subcommand};
use images::{DateOverride, prepare_images, say_images, say_undated_hint, undated};
use serde::Serialize;
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
        dates: Vec<DateOverride>,
        /// Overwrite an existing project file.
        #[arg(long)]
        force: bool,
        /// The CRS of world files beside the images (`.pgw`, `.jgw`, `.tfw`, `.wld`), which carry
        /// none: EPSG:CODE, e.g. EPSG:32615. GeoTIFFs name their own.
        #[arg(long, value_name = "EPSG:CODE", value_parser = images::parse_crs)]
        crs: Option<u32>,
        /// The site's images, any order (the earliest becomes the reference).
        #[arg(required = true, num_args = 1..)]
        images: Vec<PathBuf>,
    },
    /// Check projects for problems; exit 0 when all are valid, 1 when any has problems,
    /// 2 when any cannot be read.
    ///
    /// Also prints warnings, lines starting `warning:`, about footprints that look wrong without
    /// being errors: one overlapping another of the same change kind (drawn twice?), or an
    /// outline reaching outside the site's reference image (checked only with the image files).
    /// Warnings do not change the exit code.
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
    /// Write an HTML review report: DIR/index.html with its pictures in DIR/img/ (per site a
    /// summary and an overview, per footprint before and after pictures and its review
    /// thread). Nothing in it is fetched from a network, so DIR can be zipped or mailed as it
    /// is.
    ///
    /// DIR is created if needed. In a folder that already holds files, only index.html and
    /// files in img/ are written; nothing else is touched or removed. Images that cannot be
    /// read are named on the page in place of their pictures (and in warnings here), and do
    /// not change the exit code.
    Report {
        /// The project file (.ron).
        project: PathBuf,
        /// The folder to write the report into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Rewrite project files in canonical form (sorted, pretty-printed). Comments are not kept.
    Fmt {
        #[arg(required = true, num_args = 1..)]
        projects: Vec<PathBuf>,
        /// Change nothing; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
    },
    /// Add dated images to a site of a project (the previous version is kept as
    /// PROJECT.ron.bak).
    AddImage {
        /// The project file (.ron).
        project: PathBuf,
        /// The site: its id (S2 or 2) or its exact name.
        #[arg(long)]
        site: String,
        /// Set a capture date by hand: IMAGE=YYYY-MM-DD (repeatable). IMAGE is the path as
        /// given or just its file name. Otherwise dates come from file names, EXIF or TIFF tags.
        #[arg(long = "date", value_name = "IMAGE=DATE")]
        dates: Vec<DateOverride>,
        /// The CRS of world files beside the images (`.pgw`, `.jgw`, `.tfw`, `.wld`), which carry
        /// none: EPSG:CODE, e.g. EPSG:32615. GeoTIFFs name their own.
        #[arg(long, value_name = "EPSG:CODE", value_parser = images::parse_crs)]
        crs: Option<u32>,
        /// The images to add, any order.
        #[arg(required = true, num_args = 1..)]
        images: Vec<PathBuf>,
    },
    /// Add a site to a project, with its images or none yet (the earliest becomes the
    /// reference).
    AddSite {
        /// The project file (.ron).
        project: PathBuf,
        /// Name of the new site.
        #[arg(long, value_parser = grow::parse_site_name)]
        name: String,
        /// Set a capture date by hand: IMAGE=YYYY-MM-DD (repeatable). IMAGE is the path as
        /// given or just its file name.
        #[arg(long = "date", value_name = "IMAGE=DATE")]
        dates: Vec<DateOverride>,
        /// The CRS of world files beside the images (`.pgw`, `.jgw`, `.tfw`, `.wld`), which carry
        /// none: EPSG:CODE, e.g. EPSG:32615. GeoTIFFs name their own.
        #[arg(long, value_name = "EPSG:CODE", value_parser = images::parse_crs)]
        crs: Option<u32>,
        /// The site's images, any order.
        images: Vec<PathBuf>,
    },
    /// Rename a site.
    RenameSite {
        /// The project file (.ron).
        project: PathBuf,
        /// The site: its id (S2 or 2) or its exact name.
        #[arg(long)]
        site: String,
        /// Its new name.
        #[arg(long, value_parser = grow::parse_site_name)]
        name: String,
    },
    /// Remove an image from a site. Refused (exit 1) while footprints use it; removing the
    /// reference image hands that role to the earliest image left.
    RemoveImage {
        /// The project file (.ron).
        project: PathBuf,
        /// The site: its id (S2 or 2) or its exact name.
        #[arg(long)]
        site: String,
        /// The image's id (I3 or 3), as `sitediff stats` lists them.
        #[arg(long, value_parser = grow::parse_image_id)]
        image: ImageId,
    },
    /// Export a site's footprints as GeoJSON (RFC 7946, WGS 84 longitude and latitude) or CSV
    /// (one row per footprint, geometry as WKT). A site without georeferencing is refused
    /// (exit 1) unless --pixels.
    Export {
        /// The project file (.ron).
        project: PathBuf,
        #[arg(long, value_enum)]
        format: gis::ExportFormatArg,
        /// The file to write (replaced atomically).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// The site: its id (S2 or 2) or its exact name (default: the only site).
        #[arg(long)]
        site: Option<String>,
        /// Write site pixel coordinates instead of longitude and latitude (for a site without
        /// georeferencing).
        #[arg(long)]
        pixels: bool,
    },
    /// Import building outlines (GeoJSON building footprints, or xBD label JSON) into a site
    /// as reference buildings, drawn faintly under the footprints for labelling.
    Import {
        /// The project file (.ron).
        project: PathBuf,
        /// The site: its id (S2 or 2) or its exact name.
        #[arg(long)]
        site: String,
        /// The file's format (default: detected from its content).
        #[arg(long, value_enum)]
        format: Option<gis::ImportFormatArg>,
        /// The GeoJSON or xBD JSON file.
        file: PathBuf,
    },
    /// Merge two versions of a project by id, as a git merge driver: git passes the common
    /// ancestor, this branch's version and the other branch's (`%O %A %B`), and the result is
    /// written into OURS.
    ///
    /// Exit 0: merged cleanly. Exit 1: merged, but footprints changed differently on both
    /// branches are kept in both versions, marked as conflicts (named on stderr) for the
    /// window to resolve; `validate` reports them until then. Exit 2: a file cannot be read
    /// or is not a project; nothing is written. Image paths are merged as the text stored,
    /// never resolved, so git's temporary files may live anywhere.
    Merge {
        /// The common ancestor (git's %O). Empty when both branches added the file.
        base: PathBuf,
        /// This branch's version (git's %A); the result is written here.
        ours: PathBuf,
        /// The other branch's version (git's %B).
        theirs: PathBuf,
        /// Write the result here instead of into OURS.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Why a command stopped without doing what it was asked, in words naming the file and the
/// problem.
enum Stop {
    /// The project's content does not allow it (no such site, image in use...): exit 1.
    Refused(String),
    /// A file cannot be read, parsed or written, or the command line is wrong: exit 2.
    Failed(String),
}

impl Stop {
    /// Says why on `err` and gives the exit code.
    fn report(self, err: Out) -> u8 {
        let (code, message) = match self {
            Stop::Refused(m) => (1, m),
            Stop::Failed(m) => (2, m),
        };
        say!(err, "{message}");
        code
    }
}

/// The exit code of a command that either succeeded or stopped.
fn exit_code(result: Result<(), Stop>, err: Out) -> u8 {
    result.map_or_else(|stop| stop.report(err), |()| 0)
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
            crs,
            images,
        } => cmd_new(
            &project, &site, name, &dates, force, crs, &images, &mut out, &mut err,
        ),
        Command::Validate { projects, no_files } => {
            validate::cmd_validate(&projects, !no_files, &mut out, &mut err)
        }
        Command::Stats { project, json } => cmd_stats(&project, json, &mut out, &mut err),
        Command::Fmt { projects, check } => cmd_fmt(&projects, check, &mut out, &mut err),
        Command::Report { project, out: dir } => cmd_report(&project, &dir, &mut out, &mut err),
        Command::AddImage {
            project,
            site,
            dates,
            crs,
            images,
        } => exit_code(
            grow::add_image(&project, &site, &images, &dates, crs, &mut out),
            &mut err,
        ),
        Command::AddSite {
            project,
            name,
            dates,
            crs,
            images,
        } => exit_code(
            grow::add_site(&project, &name, &images, &dates, crs, &mut out),
            &mut err,
        ),
        Command::RenameSite {
            project,
            site,
            name,
        } => exit_code(
            grow::rename_site(&project, &site, &name, &mut out),
            &mut err,
        ),
        Command::RemoveImage {
            project,
            site,
            image,
        } => exit_code(
            grow::remove_image(&project, &site, image, &mut out),
            &mut err,
        ),
        Command::Export {
            project,
            format,
            out: file,
            site,
            pixels,
        } => exit_code(
            gis::export(&project, format, &file, site.as_deref(), pixels, &mut out),
            &mut err,
        ),
        Command::Import {
            project,
            site,
            format,
            file,
        } => {
            let result = gis::import(&project, &site, &file, format, &mut out, &mut err);
            exit_code(result, &mut err)
        }
        Command::Merge {
            base,
            ours,
            theirs,
            out: target,
        } => merge::cmd_merge(&base, &ours, &theirs, target.as_deref(), &mut err),
    };
    Outcome::Exit(ExitCode::from(code))
}

type Out<'a> = &'a mut dyn std::io::Write;

#[allow(clippy::too_many_arguments)]
fn cmd_new(
    project_path: &Path,
    site_name: &str,
    name: Option<String>,
    dates: &[DateOverride],
    force: bool,
    crs: Option<u32>,
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
    let project_name = name.unwrap_or_else(|| {
        project_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".into())
    });
    let wanted = match prepare_images(images, dates, crs) {
        Ok(w) => w,
        Err(stop) => return stop.report(err),
    };
    let (project, reports) =
        match project_from_images(project_path, &project_name, site_name, &wanted) {
            Ok(made) => made,
            Err(e) => {
                say!(err, "{e}");
                return 2;
            }
        };
    say_images(out, &reports);
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
    say!(
        out,
        "created {} with site \"{site_name}\" and {} images",
        project_path.display(),
        images.len()
    );
    say_undated_hint(out, undated(&reports));
    0
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
    /// CRS, pixel size and footprint on the ground, when georeferenced.
    #[serde(skip_serializing_if = "Option::is_none")]
    ground: Option<ground::ImageGround>,
}

#[derive(Serialize)]
struct SiteStats {
    id: u32,
    name: String,
    images: Vec<ImageStats>,
    #[serde(flatten)]
    counts: SiteCounts,
    reviewed_percent: f64,
    /// Footprint areas in square metres, when the reference image is georeferenced.
    #[serde(skip_serializing_if = "Option::is_none")]
    ground: Option<ground::SiteGround>,
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
                                ground: ground::ImageGround::of(
                                    img,
                                    probed.as_ref().ok().map(|i| (i.width, i.height)),
                                ),
                                error: probed.err().map(|e| e.to_string()),
                            }
                        })
                        .collect(),
                    reviewed_percent: (counts.reviewed_fraction() * 1000.0).round() / 10.0,
                    counts,
                    ground: ground::SiteGround::of(site),
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
            if let Some(g) = &i.ground {
                say!(out, "        {}", g.text());
            }
        }
        let c = &s.counts;
        say!(out, "  footprints: {}", c.footprints);
        for kind in ChangeKind::ALL {
            say!(out, "    {:<11} {}", kind.label(), c.count(kind));
        }
        say!(
            out,
            "  review: {} of {} reviewed ({:.1}%): {} accepted, {} rejected, {} need changes; \
             {} unreviewed, {} changed since review",
            c.reviewed(),
            c.footprints,
            s.reviewed_percent,
            c.accepted,
            c.rejected,
            c.needs_changes,
            c.unreviewed,
            c.changed_since_review
        );
        if c.self_reviewed > 0 {
            say!(
                out,
                "    {} decided by their own author (self-review)",
                c.self_reviewed
            );
        }
        for (reason, n) in &c.reasons {
            say!(out, "    rejected or sent back for {reason}: {n}");
        }
        say!(
            out,
            "  missed-change markers: {} open of {}",
            c.open_markers,
            c.markers
        );
        if c.coverage_percent.is_empty() {
            say!(out, "  coverage: nobody has checked this site yet");
        }
        for (who, percent) in &c.coverage_percent {
            say!(
                out,
                "  coverage by {who}: {percent:.1}% of the site checked"
            );
        }
        say!(out, "  total footprint area: {:.1} px²", c.total_area);
        if let Some(g) = &s.ground {
            g.say(out);
        }
        if c.footprints_without_area > 0 {
            say!(
                out,
                "    not counted: {} whose area is not a finite number (run `sitediff validate`)",
                counted(c.footprints_without_area, "footprint")
            );
        }
    }
    0
}

fn cmd_report(path: &Path, dir: &Path, out: Out, err: Out) -> u8 {
    let Some(project) = load_or_report(path, err) else {
        return 2;
    };
    match write_report(&project, path, dir, |_| {}) {
        Ok(summary) => {
            for message in &summary.unreadable_images {
                say!(err, "warning: {message}");
            }
            say!(
                out,
                "wrote {}: {} in {}, {}",
                summary.index.display(),
                counted(summary.footprints, "footprint"),
                counted(summary.sites, "site"),
                counted(summary.pictures, "picture")
            );
            if !summary.unreadable_images.is_empty() {
                say!(
                    out,
                    "{} cannot be read; the page says so in place of their pictures",
                    counted(summary.unreadable_images.len(), "image")
                );
            }
            0
        }
        Err(e) => {
            say!(err, "{e}");
            2
        }
    }
}

/// "1 site", "3 sites".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
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
        let original = match read_project_bytes(path) {
            Ok(b) => b,
            Err(e) => {
                say!(err, "{e}");
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
