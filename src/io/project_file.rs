//! The project file: RON, pretty-printed, deterministic, saved atomically.
//!
//! Loading never panics: every failure is a [`LoadError`] that names the file and, for syntax
//! problems, the line and column. Saving writes a temporary file beside the target, fsyncs it
//! and renames it into place, keeping the previous version as `NAME.ron.bak`.

pub use super::atomic_write::write_atomically;
use super::regular_file::{OpenError, open_regular};
use crate::model::shorten::shorten_message;
use crate::model::{FORMAT_VERSION, Project};
use ron::ser::PrettyConfig;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a project file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: is {kind}, not a regular file", path.display())]
    NotAFile { path: PathBuf, kind: &'static str },
    #[error(
        "{}: the file is larger than {} MiB; no sitediff project is that large",
        path.display(),
        MAX_PROJECT_FILE_BYTES >> 20
    )]
    TooLarge { path: PathBuf },
    #[error(
        "{}:{line}:{col}: not a text file (invalid UTF-8 at byte {offset})",
        path.display()
    )]
    NotText {
        path: PathBuf,
        offset: usize,
        line: usize,
        col: usize,
    },
    #[error("{}:{line}:{col}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error(
        "{}: written by a newer sitediff (format_version {found}); this build reads up to {supported}. Update sitediff to open it.",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}: format_version {found} is not a sitediff project version", path.display())]
    BadVersion { path: PathBuf, found: u32 },
}

impl LoadError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Read { path, .. }
            | LoadError::NotAFile { path, .. }
            | LoadError::TooLarge { path }
            | LoadError::NotText { path, .. }
            | LoadError::Syntax { path, .. }
            | LoadError::TooNew { path, .. }
            | LoadError::BadVersion { path, .. } => path,
        }
    }
}

/// Why a project could not be saved. The previous file, if any, is untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}: cannot save: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot serialise the project: {0}")]
    Serialize(String),
    /// Someone else changed the file since it was opened or last saved.
    #[error(
        "{} changed on disk since it was opened or last saved (another window, a git pull, a colleague?)",
        path.display()
    )]
    ChangedOnDisk { path: PathBuf },
    #[error("{} is open read-only; Save As writes a copy under another name", path.display())]
    ReadOnly { path: PathBuf },
}

/// The largest project file sitediff reads: 512 MiB. A project of 100 000 footprints is tens
/// of megabytes; anything this large is not a project, and reading it would exhaust memory.
pub const MAX_PROJECT_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Reads and parses a project file. The project comes back in canonical order; check it with
/// [`crate::model::validate`].
pub fn load_project(path: &Path) -> Result<Project, LoadError> {
    let bytes = read_project_bytes(path)?;
    parse_project_bytes(&bytes, path)
}

/// Reads a project file's bytes: only a regular file (a named pipe would block forever, a
/// device never end), and at most [`MAX_PROJECT_FILE_BYTES`].
pub fn read_project_bytes(path: &Path) -> Result<Vec<u8>, LoadError> {
    let read_error = |source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    };
    let (file, size) = open_regular(path).map_err(|e| match e {
        OpenError::Io(source) => read_error(source),
        OpenError::NotRegular(kind) => LoadError::NotAFile {
            path: path.to_path_buf(),
            kind,
        },
    })?;
    let too_large = || LoadError::TooLarge {
        path: path.to_path_buf(),
    };
    if size > MAX_PROJECT_FILE_BYTES {
        return Err(too_large());
    }
    // The file may grow after its size was read: never read more than the cap and one byte.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_PROJECT_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_PROJECT_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Parses the bytes of a project file already read; `path` is only used in messages.
pub fn parse_project_bytes(bytes: &[u8], path: &Path) -> Result<Project, LoadError> {
    parse_project(project_text(bytes, path)?, path)
}

/// The bytes as text, or where the first byte that is not UTF-8 is.
fn project_text<'a>(bytes: &'a [u8], path: &Path) -> Result<&'a str, LoadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, col) = line_and_column(&bytes[..offset]);
        LoadError::NotText {
            path: path.to_path_buf(),
            offset,
            line,
            col,
        }
    })
}

/// The 1-based line and column (in characters) just after `valid`, which is valid UTF-8.
fn line_and_column(valid: &[u8]) -> (usize, usize) {
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = std::str::from_utf8(&valid[line_start..]).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Parses project text; `path` is only used in messages.
pub fn parse_project(text: &str, path: &Path) -> Result<Project, LoadError> {
    let mut project = parse_project_as_written(text, path)?;
    project.canonicalize();
    Ok(project)
}

/// A project as its file wrote it, before [`Project::canonicalize`] (which sorts, and raises
/// the id counters past the ids in use): for `validate`, which reports what the file says.
pub struct AsWritten {
    pub project: Project,
    /// Whether the file has a `next_ids` field (without one, the counters are the defaults).
    pub next_ids_written: bool,
}

/// Reads and parses a project file without canonicalising it; see [`AsWritten`].
pub fn load_project_as_written(path: &Path) -> Result<AsWritten, LoadError> {
    #[derive(Deserialize)]
    struct NextIdsProbe {
        next_ids: Option<ron::Value>,
    }
    let bytes = read_project_bytes(path)?;
    let text = project_text(&bytes, path)?;
    let project = parse_project_as_written(text, path)?;
    let next_ids_written = project.next_ids != Default::default()
        || ron::Options::default()
            .with_recursion_limit(64)
            .from_str::<NextIdsProbe>(text)
            .is_ok_and(|p| p.next_ids.is_some());
    Ok(AsWritten {
        project,
        next_ids_written,
    })
}

fn parse_project_as_written(text: &str, path: &Path) -> Result<Project, LoadError> {
    #[derive(Deserialize)]
    struct VersionProbe {
        format_version: Option<u32>,
    }
    let options = ron::Options::default().with_recursion_limit(64);
    let check_version = |found: u32| {
        if found > FORMAT_VERSION {
            return Err(LoadError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: FORMAT_VERSION,
            });
        }
        if found == 0 {
            return Err(LoadError::BadVersion {
                path: path.to_path_buf(),
                found,
            });
        }
        Ok(())
    };
    // One parse of the whole text (a second one for the version alone would double the time
    // to open a large project); the version is checked on what it gave.
    let parsed: Result<Project, _> = options.from_str(text);
    let project = match parsed {
        Ok(mut project) => {
            check_version(project.format_version)?;
            // Older versions were migrated as they were read (a version-1 review became the
            // start of a review thread); the project is now of this version.
            project.format_version = FORMAT_VERSION;
            project
        }
        Err(e) => {
            // A newer file may use syntax this build cannot parse, and "update sitediff" is a
            // better message than a syntax error.
            let probed = options
                .from_str::<VersionProbe>(text)
                .ok()
                .and_then(|p| p.format_version)
                .or_else(|| scan_format_version(text));
            if let Some(found) = probed {
                check_version(found)?;
            }
            return Err(LoadError::Syntax {
                path: path.to_path_buf(),
                line: e.span.start.line,
                col: e.span.start.col,
                message: shorten_message(&e.code.to_string()),
            });
        }
    };
    Ok(project)
}

/// Finds `format_version: N` near the top of a file that does not parse as a whole, and reads
/// N exactly as the parser would (`+2`, `1_000`, `0x3E8`, comments before it): a version this
/// scan reads differently from the parser could pass here and be refused there, or the other
/// way round.
fn scan_format_version(text: &str) -> Option<u32> {
    let head: String = text.chars().take(4096).collect();
    let at = head.find("format_version")?;
    let rest = skip_blanks(&head[at + "format_version".len()..]);
    let rest = skip_blanks(rest.strip_prefix(':')?);
    let end = rest
        .find(|c: char| c == ',' || c == ')' || c == '/' || c.is_whitespace())
        .unwrap_or(rest.len());
    ron::from_str::<u32>(&rest[..end]).ok()
}

/// `text` without its leading white space and comments (`// ...` and `/* ... */`).
fn skip_blanks(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(after) = text.strip_prefix("//") {
            text = after.find('\n').map_or("", |i| &after[i..]);
        } else if let Some(after) = text.strip_prefix("/*") {
            text = after.find("*/").map_or("", |i| &after[i + 2..]);
        } else {
            return text;
        }
    }
}

fn pretty_config() -> PrettyConfig {
    PrettyConfig::new()
        .struct_names(false)
        .indentor("\t".to_string())
        .new_line("\n".to_string())
        .separate_tuple_members(false)
        .enumerate_arrays(false)
        .depth_limit(64)
}

/// The canonical text of a project: the same project always gives the same bytes.
pub fn project_to_string(project: &Project) -> Result<String, SaveError> {
    let mut canonical = project.clone();
    canonical.canonicalize();
    let mut text = ron::ser::to_string_pretty(&canonical, pretty_config())
        .map_err(|e| SaveError::Serialize(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Saves atomically: temp file in the same folder, fsync, keep the old file as `NAME.bak`,
/// rename. On error the file at `path` is as it was.
pub fn save_project(project: &Project, path: &Path) -> Result<(), SaveError> {
    let text = project_to_string(project)?;
    write_atomically(path, text.as_bytes(), true)
}

/// Where an image named in a project lives on disk: relative paths are taken from the project
/// file's folder.
pub fn resolve_image_path(project_file: &Path, image_path: &str) -> PathBuf {
    let p = Path::new(image_path);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    let base = project_file.parent().unwrap_or(Path::new(""));
    base.join(p)
}

/// How a project file at `project_file` should name `image`: relative to the project's folder
/// with `/` separators, or absolute when no relative path exists (another drive).
pub fn relative_image_path(project_file: &Path, image: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // A bare file name (`p.ron`) lives in the current folder. Its parent is the empty path,
    // which cannot be made absolute, and would leave every image path absolute.
    let folder = match project_file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let base = absolute(folder);
    let img = absolute(image);
    match pathdiff::diff_paths(&img, &base) {
        Some(rel) if rel.is_relative() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/"),
        // Joining an absolute path's components with `/` would start it with `//`.
        _ => img.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        CaptureDate, ChangeKind, DatedImage, Footprint, FootprintId, ImageId, Point, Polygon, Site,
        SiteId, Timestamp,
    };
    use std::fs;

    fn sample() -> Project {
        let mut p = Project::new("Harbour works");
        let mut s = Site::new(SiteId(1), "North yard");
        s.images.push(DatedImage::new(
            ImageId(2),
            "img/jul.png",
            "2024-07-01".parse().unwrap(),
        ));
        s.images.push(DatedImage::new(
            ImageId(1),
            "img/jan.png",
            "2024-01-05".parse().unwrap(),
        ));
        s.reference_image = Some(ImageId(1));
        let mut f = Footprint::new(
            FootprintId(3),
            ChangeKind::Renovated,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(1.5, 2.0), Point::new(30.25, 40.0)),
            "ana",
            Timestamp::from_unix(1_700_000_000).unwrap(),
        );
        f.tags = vec!["roof".into(), "annex".into(), "roof".into()];
        s.footprints.push(f);
        p.sites.push(s);
        p
    }

    #[test]
    fn the_file_starts_with_the_format_version_and_is_in_canonical_order() {
        let text = project_to_string(&sample()).unwrap();
        assert!(text.starts_with("(\n\tformat_version: 2,\n"), "{text}");
        let jan = text.find("jan.png").unwrap();
        let jul = text.find("jul.png").unwrap();
        assert!(jan < jul, "images are written sorted by id");
        assert!(text.contains("\"annex\",\n") && text.matches("\"roof\"").count() == 1);
    }

    #[test]
    fn fields_left_at_their_defaults_are_not_written_and_still_load() {
        let p = sample();
        let text = project_to_string(&p).unwrap();
        // No after-outline, note, review or transform set: none is written.
        for absent in ["after_outline", "note:", "reviews:", "to_site", "source:"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        let again = parse_project(&text, Path::new("p.ron")).unwrap();
        let mut canonical = p.clone();
        canonical.canonicalize();
        assert_eq!(again, canonical);
    }

    #[test]
    fn save_then_load_gives_the_same_project_and_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        save_project(&sample(), &path).unwrap();
        let first = fs::read_to_string(&path).unwrap();
        let loaded = load_project(&path).unwrap();
        save_project(&loaded, &path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), first);
        assert_eq!(
            fs::read_to_string(dir.path().join("p.ron.bak")).unwrap(),
            first
        );
    }

    #[test]
    fn the_backup_holds_the_version_before_the_last_save_and_no_temp_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let bak = dir.path().join("p.ron.bak");
        let mut p = sample();
        save_project(&p, &path).unwrap();
        assert!(!bak.exists(), "a first save has nothing to back up");
        let v1 = fs::read_to_string(&path).unwrap();
        for n in 2..5 {
            p.name = format!("version {n}");
            let before = fs::read_to_string(&path).unwrap();
            save_project(&p, &path).unwrap();
            let now = fs::read_to_string(&path).unwrap();
            assert!(now.contains(&format!("version {n}")));
            // The backup is the file as it was, never the new text through a shared name.
            assert_eq!(fs::read_to_string(&bak).unwrap(), before);
            assert_ne!(before, now);
        }
        assert_ne!(fs::read_to_string(&bak).unwrap(), v1);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["p.ron", "p.ron.bak"]);
    }

    #[test]
    fn a_file_newer_than_this_build_is_refused_as_too_new_whether_or_not_it_parses() {
        let mut p = sample();
        p.format_version = FORMAT_VERSION + 1;
        let text = project_to_string(&p).unwrap();
        let err = parse_project(&text, Path::new("n.ron")).unwrap_err();
        assert!(matches!(err, LoadError::TooNew { .. }), "{err}");
        let with_new_field = text.replacen("name:", "future_field: 3,\n\tname:", 1);
        let err = parse_project(&with_new_field, Path::new("n.ron")).unwrap_err();
        assert!(matches!(err, LoadError::TooNew { .. }), "{err}");
        p.format_version = 0;
        let text = project_to_string(&p).unwrap();
        let err = parse_project(&text, Path::new("n.ron")).unwrap_err();
        assert!(matches!(err, LoadError::BadVersion { .. }), "{err}");
    }

    #[test]
    fn a_syntax_error_names_the_file_line_and_column() {
        let text = "(\n    format_version: 1,\n    name: \"x\",\n    sites: [ oops ],\n)";
        let err = parse_project(text, Path::new("bad.ron")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("bad.ron:4:"), "{msg}");
    }

    #[test]
    fn a_newer_format_version_is_refused_even_when_the_rest_does_not_parse() {
        let text = "(format_version: 7, name: \"x\", future_thing: <<>>)";
        let err = parse_project(text, Path::new("new.ron")).unwrap_err();
        assert!(matches!(err, LoadError::TooNew { found: 7, .. }), "{err}");
        assert!(err.to_string().contains("newer sitediff"));
    }

    #[test]
    fn an_unknown_field_is_a_syntax_error_not_silently_dropped() {
        let text = "(format_version: 1, name: \"x\", notes: \"typo\")";
        let err = parse_project(text, Path::new("t.ron")).unwrap_err();
        assert!(err.to_string().contains("notes"), "{err}");
    }

    #[test]
    fn binary_garbage_is_reported_as_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.ron");
        fs::write(&path, [0xff, 0xfe, 0x00, 0x81]).unwrap();
        let err = load_project(&path).unwrap_err();
        assert!(matches!(err, LoadError::NotText { offset: 0, .. }), "{err}");
    }

    #[test]
    fn a_missing_file_is_a_read_error_naming_it() {
        let err = load_project(Path::new("/nonexistent/dir/p.ron")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("/nonexistent/dir/p.ron: cannot read")
        );
    }

    #[test]
    fn a_failed_save_leaves_the_old_file_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        fs::write(&path, "old contents").unwrap();
        // Saving into a folder that does not exist fails before touching anything.
        let bad = dir.path().join("missing").join("p.ron");
        assert!(save_project(&sample(), &bad).is_err());
        // Saving over a folder fails and leaves it be.
        let as_dir = dir.path().join("d.ron");
        fs::create_dir(&as_dir).unwrap();
        assert!(save_project(&sample(), &as_dir).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old contents");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn image_paths_are_stored_relative_to_the_project_with_forward_slashes() {
        let rel = relative_image_path(Path::new("/data/proj/p.ron"), Path::new("/data/img/a.png"));
        assert_eq!(rel, "../img/a.png");
        assert_eq!(
            resolve_image_path(Path::new("/data/proj/p.ron"), &rel),
            Path::new("/data/proj/../img/a.png")
        );
        let unknown = CaptureDate::Unknown;
        assert_eq!(unknown.to_string(), "unknown");
    }

    #[test]
    fn a_project_named_without_a_folder_stores_image_paths_relative_to_the_current_folder() {
        assert_eq!(
            relative_image_path(Path::new("p.ron"), Path::new("img/a.png")),
            "img/a.png"
        );
        assert_eq!(
            relative_image_path(Path::new("p.ron"), Path::new("./a.png")),
            "a.png"
        );
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            relative_image_path(Path::new("p.ron"), &here.join("a.png")),
            "a.png"
        );
    }
}
