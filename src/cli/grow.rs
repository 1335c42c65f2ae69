//! `add-image`, `add-site`, `rename-site` and `remove-image`: each opens the project as a
//! [`Document`], applies one operation from [`crate::editing::grow`] (the same ones the window
//! uses) as one labelled step, and saves atomically. Nothing is written unless the whole change
//! can be made, adds no problem to the project, and the file to be written loads back.

use super::images::{DateOverride, prepare_images, say_images, say_undated_hint, undated};
use super::{Out, Stop};
use crate::editing::Document;
use crate::editing::grow;
use crate::editing::ops::Op;
use crate::io::project_file::parse_project;
use crate::io::project_lock::lock_holder;
use crate::io::project_to_string;
use crate::model::{CaptureDate, ImageId, Project, SiteId, validate};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Parses an image id as the analyst sees it (`I3`) or as the file stores it (`3`).
pub fn parse_image_id(arg: &str) -> Result<ImageId, String> {
    let t = arg.trim();
    t.strip_prefix(['I', 'i'])
        .unwrap_or(t)
        .parse::<u32>()
        .map(ImageId)
        .map_err(|_| format!("`{arg}` is not an image id; expected I3 or 3"))
}

/// A site name must have something besides spaces in it.
pub fn parse_site_name(arg: &str) -> Result<String, String> {
    let t = arg.trim();
    if t.is_empty() {
        return Err("a site needs a name".into());
    }
    Ok(t.to_string())
}

/// `add-image`: adds images to a site named by id or name; lists each with what was found.
pub fn add_image(
    path: &Path,
    site_key: &str,
    images: &[PathBuf],
    dates: &[DateOverride],
    crs: Option<u32>,
    out: Out,
) -> Result<(), Stop> {
    let wanted = prepare_images(images, dates, crs)?;
    let mut doc = open(path)?;
    let site = find_site(&doc, site_key)?;
    let (name, had) = named(doc.project(), site);
    let (op, reports) = grow::add_images(&doc, site, &wanted).map_err(|e| refused(path, e))?;
    commit(&mut doc, op)?;
    say_images(out, &reports);
    say!(
        out,
        "{}: added {} image(s) to site {site} \"{name}\", {} without a capture date; the site \
         has {} image(s)",
        path.display(),
        reports.len(),
        undated(&reports),
        had + reports.len()
    );
    say_undated_hint(out, undated(&reports));
    Ok(())
}

/// `add-site`: adds a site with its images, or with none yet.
pub fn add_site(
    path: &Path,
    name: &str,
    images: &[PathBuf],
    dates: &[DateOverride],
    crs: Option<u32>,
    out: Out,
) -> Result<(), Stop> {
    let wanted = prepare_images(images, dates, crs)?;
    let mut doc = open(path)?;
    let (op, site, reports) = grow::add_site(&doc, name, &wanted).map_err(|e| refused(path, e))?;
    commit(&mut doc, op)?;
    say_images(out, &reports);
    let (name, _) = named(doc.project(), site);
    let reference = reference_of(doc.project(), site);
    match reference {
        Some((id, date)) => say!(
            out,
            "{}: added site {site} \"{name}\" with {} image(s), {} without a capture date; its \
             reference image is {id} ({date})",
            path.display(),
            reports.len(),
            undated(&reports),
        ),
        None => say!(
            out,
            "{}: added site {site} \"{name}\" with no images yet; add them with `sitediff \
             add-image {} --site {site} IMAGE...`",
            path.display(),
            path.display(),
        ),
    }
    say_undated_hint(out, undated(&reports));
    say_name_shared(out, doc.project(), site);
    Ok(())
}

/// `rename-site`.
pub fn rename_site(path: &Path, site_key: &str, name: &str, out: Out) -> Result<(), Stop> {
    let mut doc = open(path)?;
    let site = find_site(&doc, site_key)?;
    let (old, _) = named(doc.project(), site);
    let op = grow::rename_site(doc.project(), site, name).map_err(|e| refused(path, e))?;
    commit(&mut doc, op)?;
    let (new, _) = named(doc.project(), site);
    say!(
        out,
        "{}: renamed site {site} \"{old}\" to \"{new}\"",
        path.display()
    );
    say_name_shared(out, doc.project(), site);
    Ok(())
}

/// `remove-image`: refused while footprints use the image; says when the reference moved.
pub fn remove_image(path: &Path, site_key: &str, image: ImageId, out: Out) -> Result<(), Stop> {
    let mut doc = open(path)?;
    let site = find_site(&doc, site_key)?;
    let (name, had) = named(doc.project(), site);
    let reference_before = reference_of(doc.project(), site);
    let file = doc
        .project()
        .site(site)
        .and_then(|s| s.image(image))
        .map(|i| i.file_name().to_string())
        .unwrap_or_default();
    let op = grow::remove_image(doc.project(), site, image).map_err(|e| refused(path, e))?;
    commit(&mut doc, op)?;
    say!(
        out,
        "{}: removed image {image} ({file}) from site {site} \"{name}\"; {} image(s) left",
        path.display(),
        had.saturating_sub(1)
    );
    let reference = reference_of(doc.project(), site);
    if let Some((id, date)) = reference
        && reference != reference_before
    {
        say!(
            out,
            "the site's reference image is now {id} ({date}), the earliest image left"
        );
    }
    Ok(())
}

/// A site's name and how many images it has (empty for a site that is not there, which
/// cannot happen once [`find_site`] found it).
fn named(project: &Project, site: SiteId) -> (String, usize) {
    project
        .site(site)
        .map(|s| (s.name.clone(), s.images.len()))
        .unwrap_or_default()
}

/// A site's reference image and its date.
fn reference_of(project: &Project, site: SiteId) -> Option<(ImageId, CaptureDate)> {
    let s = project.site(site)?;
    let r = s.image(s.reference_image?)?;
    Some((r.id, r.date))
}

/// The project to change, or why it cannot be (the message names the file, and the line and
/// column of a syntax error). A file that does not load is never written, nor one a window
/// holds open: the window would overwrite the change at its next save, or be told the file
/// changed under it. A lock left by a window that is gone does not count.
pub(super) fn open(path: &Path) -> Result<Document, Stop> {
    if let Some(owner) = lock_holder(path).filter(|owner| !owner.is_stale()) {
        return Err(refused(
            path,
            format!(
                "the project is open in a window ({}): make the change there, or close the \
                 window first; nothing was written",
                owner.describe()
            ),
        ));
    }
    Document::open(path).map_err(|e| Stop::Failed(e.to_string()))
}

pub(super) fn find_site(doc: &Document, key: &str) -> Result<SiteId, Stop> {
    grow::find_site(doc.project(), key).map_err(|e| refused(&doc.path, e))
}

pub(super) fn refused(path: &Path, why: impl std::fmt::Display) -> Stop {
    Stop::Refused(format!("{}: {why}", path.display()))
}

/// Two sites with one name can only be told apart by id from now on; say so.
fn say_name_shared(out: Out, project: &Project, site: SiteId) {
    let (name, _) = named(project, site);
    let others: Vec<String> = project
        .sites
        .iter()
        .filter(|s| s.id != site && s.name == name)
        .map(|s| s.id.to_string())
        .collect();
    if !others.is_empty() {
        say!(
            out,
            "note: {} is also called \"{name}\"; name these sites by id (--site {site})",
            others.join(", "),
        );
    }
}

/// Applies the operation as one step and saves, unless the change would add a problem to the
/// project or the file to be written would not load back.
pub(super) fn commit(doc: &mut Document, op: Op) -> Result<(), Stop> {
    let path = doc.path.clone();
    let problems_before: HashSet<String> = validate(doc.project())
        .iter()
        .map(|p| p.to_string())
        .collect();
    doc.apply_labeled(op.edit, op.label, Vec::new())
        .map_err(|e| refused(&path, e))?;
    // A project may already have problems (a hand edit); those are not this command's to
    // fix, but it must not add any.
    let added: Vec<String> = validate(doc.project())
        .iter()
        .map(|p| p.to_string())
        .filter(|p| !problems_before.contains(p))
        .collect();
    if !added.is_empty() {
        return Err(refused(
            &path,
            format!(
                "the change would give the project these problems, so nothing was written:\n  {}",
                added.join("\n  ")
            ),
        ));
    }
    // Serialising our own data should always load back; checking costs little next to
    // writing a file that `open` and the window would then refuse.
    let text = project_to_string(doc.project()).map_err(|e| failed(&path, e))?;
    let loads_back = parse_project(&text, &path)
        .ok()
        .and_then(|p| project_to_string(&p).ok())
        .is_some_and(|again| again == text);
    if !loads_back {
        return Err(failed(
            &path,
            "the changed project would not load back as written, so nothing was written (a bug \
             in sitediff; please report it)",
        ));
    }
    doc.save().map_err(|e| Stop::Failed(e.to_string()))
}

pub(super) fn failed(path: &Path, why: impl std::fmt::Display) -> Stop {
    Stop::Failed(format!("{}: {why}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_ids_are_read_with_or_without_their_letter() {
        assert_eq!(parse_image_id("I3"), Ok(ImageId(3)));
        assert_eq!(parse_image_id("i12"), Ok(ImageId(12)));
        assert_eq!(parse_image_id(" 7 "), Ok(ImageId(7)));
        assert!(
            parse_image_id("F3")
                .unwrap_err()
                .contains("not an image id")
        );
        assert!(parse_image_id("").is_err());
    }

    #[test]
    fn a_site_name_of_only_spaces_is_refused() {
        assert_eq!(parse_site_name("  Harbour "), Ok("Harbour".into()));
        assert!(parse_site_name("   ").is_err());
    }
}
