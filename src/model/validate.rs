//! Checks a parsed project for problems that the file's syntax cannot express: duplicate ids,
//! dangling references, unusable outlines, dates in the wrong order.

use super::footprint::Footprint;
use super::ids::{FootprintId, ImageId, SiteId};
use super::project::{Project, Site};
use super::shorten::shorten_value;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One problem found in a project, naming where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub site: Option<SiteId>,
    pub image: Option<ImageId>,
    pub footprint: Option<FootprintId>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(s) = self.site {
            place.push(format!("site {s}"));
        }
        if let Some(i) = self.image {
            place.push(format!("image {i}"));
        }
        if let Some(fp) = self.footprint {
            place.push(format!("footprint {fp}"));
        }
        if place.is_empty() {
            write!(f, "project: {}", self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

struct Collector(Vec<Problem>);

impl Collector {
    fn site(&mut self, s: SiteId, message: String) {
        self.0.push(Problem {
            site: Some(s),
            image: None,
            footprint: None,
            message,
        });
    }
    fn image(&mut self, s: SiteId, i: ImageId, message: String) {
        self.0.push(Problem {
            site: Some(s),
            image: Some(i),
            footprint: None,
            message,
        });
    }
    fn footprint(&mut self, s: SiteId, f: FootprintId, message: String) {
        self.0.push(Problem {
            site: Some(s),
            image: None,
            footprint: Some(f),
            message,
        });
    }
}

/// Every problem in the project, in file order. Empty means valid. Image paths are compared as
/// text, normalised (`\\` as `/`, `.` and `x/..` removed); see [`validate_with_files`].
pub fn validate(project: &Project) -> Vec<Problem> {
    validate_with_files(project, &normalize_path)
}

/// [`validate`], with `same_file` giving each image path a key that is equal for paths naming
/// the same file (the command line resolves links through the file system).
pub fn validate_with_files(project: &Project, same_file: &dyn Fn(&str) -> String) -> Vec<Problem> {
    let mut out = Collector(Vec::new());
    if project.name.trim().is_empty() {
        out.0.push(Problem {
            site: None,
            image: None,
            footprint: None,
            message: "the project has no name".into(),
        });
    }
    let mut site_ids = HashSet::new();
    let mut image_ids = HashSet::new();
    let mut footprint_ids = HashSet::new();
    for site in &project.sites {
        if !site_ids.insert(site.id) {
            out.site(
                site.id,
                format!("site id {} is used more than once", site.id),
            );
        }
        validate_site(
            site,
            same_file,
            &mut image_ids,
            &mut footprint_ids,
            &mut out,
        );
    }
    out.0
}

/// The id counters of a project as its file wrote them (before loading raised them) that are
/// not above every id in use: another program following them would reuse ids.
pub fn next_id_problems(project: &Project) -> Vec<Problem> {
    let next = &project.next_ids;
    let highest = |ids: &mut dyn Iterator<Item = u32>| ids.max().unwrap_or(0);
    let sites = &project.sites;
    let checks = [
        (
            "site",
            next.site,
            highest(&mut sites.iter().map(|s| s.id.0)),
        ),
        (
            "image",
            next.image,
            highest(&mut sites.iter().flat_map(|s| &s.images).map(|i| i.id.0)),
        ),
        (
            "footprint",
            next.footprint,
            highest(&mut sites.iter().flat_map(|s| &s.footprints).map(|f| f.id.0)),
        ),
        (
            "marker",
            next.marker,
            highest(&mut sites.iter().flat_map(|s| &s.markers).map(|m| m.id.0)),
        ),
    ];
    checks
        .into_iter()
        .filter(|&(_, next, highest)| next <= highest)
        .map(|(kind, next, highest)| Problem {
            site: None,
            image: None,
            footprint: None,
            message: format!(
                "next_ids.{kind} is {next}, but {kind} id {highest} is in use (ids would be reused)"
            ),
        })
        .collect()
}

fn validate_site(
    site: &Site,
    same_file: &dyn Fn(&str) -> String,
    image_ids: &mut HashSet<ImageId>,
    footprint_ids: &mut HashSet<FootprintId>,
    out: &mut Collector,
) {
    let sid = site.id;
    let mut paths: HashMap<String, ImageId> = HashMap::new();
    for img in &site.images {
        if !image_ids.insert(img.id) {
            out.image(
                sid,
                img.id,
                format!("image id {} is used more than once", img.id),
            );
        }
        if img.path.trim().is_empty() {
            out.image(sid, img.id, "has an empty path".into());
        }
        let key = same_file(&img.path);
        if let Some(first) = paths.get(&key) {
            out.image(
                sid,
                img.id,
                format!(
                    "uses the same file `{}` as image {first}",
                    shorten_value(&img.path)
                ),
            );
        } else {
            paths.insert(key, img.id);
        }
        if !img.to_site.is_usable() {
            out.image(
                sid,
                img.id,
                "its transform to the site frame is not invertible or not finite".into(),
            );
        }
    }
    match site.reference_image {
        Some(r) if site.image(r).is_none() => out.site(
            sid,
            format!("reference image {r} is not an image of this site"),
        ),
        None if !site.images.is_empty() => {
            out.site(sid, "has images but no reference image".into())
        }
        _ => {}
    }
    for fp in &site.footprints {
        if !footprint_ids.insert(fp.id) {
            out.footprint(
                sid,
                fp.id,
                format!("footprint id {} is used more than once", fp.id),
            );
        }
        validate_footprint(site, fp, out);
        // Left by `sitediff merge` until someone chooses a version (see `merge`).
        if let Some(c) = &fp.conflict {
            out.footprint(
                sid,
                fp.id,
                format!("unresolved merge conflict: {}", c.describe(fp)),
            );
        }
    }
    let mut marker_ids = HashSet::new();
    for m in &site.markers {
        if !marker_ids.insert(m.id) {
            out.site(sid, format!("marker id {} is used more than once", m.id));
        }
        let points: Vec<_> = match &m.shape {
            super::marker::MarkerShape::Point(p) => vec![*p],
            super::marker::MarkerShape::Area(poly) => poly.0.clone(),
        };
        if points.is_empty() || points.iter().any(|p| !p.x.is_finite() || !p.y.is_finite()) {
            out.site(sid, format!("marker {} has no usable position", m.id));
        }
        if let Some(super::marker::MarkerResolution::Drawn { footprint, .. }) = &m.resolution
            && site.footprint(*footprint).is_none()
        {
            out.site(
                sid,
                format!(
                    "marker {} says it was drawn as {footprint}, which is not in this site",
                    m.id
                ),
            );
        }
    }
    let mut reviewers = HashSet::new();
    for c in &site.coverage {
        if !reviewers.insert(c.reviewer.as_str()) {
            out.site(
                sid,
                format!(
                    "reviewer `{}` has two coverage records",
                    shorten_value(&c.reviewer)
                ),
            );
        }
        let g = c.grid;
        if !(g.cell.is_finite() && g.cell > 0.0) || g.cols == 0 || g.rows == 0 {
            out.site(
                sid,
                format!(
                    "the coverage grid of `{}` is empty or invalid",
                    shorten_value(&c.reviewer)
                ),
            );
        }
    }
}

fn validate_footprint(site: &Site, fp: &Footprint, out: &mut Collector) {
    let sid = site.id;
    let before = site.image(fp.before);
    let after = site.image(fp.after);
    if before.is_none() {
        out.footprint(
            sid,
            fp.id,
            format!(
                "its before image {} is not an image of this site",
                fp.before
            ),
        );
    }
    if after.is_none() {
        out.footprint(
            sid,
            fp.id,
            format!("its after image {} is not an image of this site", fp.after),
        );
    }
    if fp.before == fp.after {
        out.footprint(
            sid,
            fp.id,
            format!("its before and after image are the same ({})", fp.before),
        );
    }
    if let (Some(b), Some(a)) = (before, after)
        && b.date.is_after(&a.date)
    {
        out.footprint(
            sid,
            fp.id,
            format!(
                "its before image {} ({}) is dated after its after image {} ({})",
                b.id, b.date, a.id, a.date
            ),
        );
    }
    for p in fp.outline.problems() {
        out.footprint(sid, fp.id, format!("outline {p}"));
    }
    if let Some(after_outline) = &fp.after_outline {
        for p in after_outline.problems() {
            out.footprint(sid, fp.id, format!("after-outline {p}"));
        }
    }
    if fp.modified < fp.created {
        out.footprint(sid, fp.id, "was modified before it was created".into());
    }
}

/// Paths compare equal when they name the same file as far as their text tells: `/` and `\`
/// alike, `.` ignored, `dir/..` removed (`a/../x.png` is `x.png`), an absolute path kept apart
/// from a relative one.
pub fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    let joined = parts.join("/");
    if p.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaptureDate, ChangeKind, DatedImage, Point, Polygon, Timestamp};

    fn valid() -> Project {
        let mut p = Project::new("demo");
        let mut s = Site::new(SiteId(1), "plant");
        s.images.push(DatedImage::new(
            ImageId(1),
            "jan.png",
            "2024-01-10".parse().unwrap(),
        ));
        s.images.push(DatedImage::new(
            ImageId(2),
            "jul.png",
            "2024-07-10".parse().unwrap(),
        ));
        s.reference_image = Some(ImageId(1));
        s.footprints.push(Footprint::new(
            FootprintId(1),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(4.0, 4.0)),
            "ana",
            Timestamp::from_unix(0).unwrap(),
        ));
        p.sites.push(s);
        p.canonicalize();
        p
    }

    fn messages(p: &Project) -> Vec<String> {
        validate(p).iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_consistent_project_has_no_problems() {
        assert!(validate(&valid()).is_empty(), "{:?}", messages(&valid()));
    }

    #[test]
    fn duplicate_footprint_ids_are_named() {
        let mut p = valid();
        let dup = p.sites[0].footprints[0].clone();
        p.sites[0].footprints.push(dup);
        let m = messages(&p);
        assert_eq!(
            m,
            vec!["site S1, footprint F1: footprint id F1 is used more than once"]
        );
    }

    #[test]
    fn a_footprint_naming_an_unknown_image_is_reported() {
        let mut p = valid();
        p.sites[0].footprints[0].after = ImageId(9);
        assert!(messages(&p)[0].contains("after image I9 is not an image of this site"));
    }

    #[test]
    fn a_before_image_dated_after_its_after_image_is_reported() {
        let mut p = valid();
        p.sites[0].images[0].date = "2025-01-01".parse().unwrap();
        let m = messages(&p);
        assert!(m[0].contains("is dated after its after image"), "{m:?}");
    }

    #[test]
    fn unknown_dates_are_not_an_ordering_problem() {
        let mut p = valid();
        p.sites[0].images[0].date = CaptureDate::Unknown;
        assert!(validate(&p).is_empty());
    }

    #[test]
    fn two_images_of_one_site_with_the_same_path_are_reported() {
        let mut p = valid();
        p.sites[0].images[1].path = "./jan.png".into();
        assert!(messages(&p)[0].contains("uses the same file `./jan.png` as image I1"));
    }

    #[test]
    fn paths_through_dot_dot_name_the_same_file_and_absolute_ones_differ_from_relative() {
        assert_eq!(normalize_path("a/../x.png"), normalize_path("./x.png"));
        assert_eq!(normalize_path("a\\b/../c.png"), "a/c.png");
        assert_ne!(normalize_path("/x.png"), normalize_path("x.png"));
        assert_eq!(normalize_path("../x.png"), "../x.png");
    }

    #[test]
    fn next_ids_at_or_below_an_id_in_use_are_reported_and_canonical_ones_are_not() {
        let mut p = valid();
        assert!(next_id_problems(&p).is_empty());
        p.next_ids.footprint = 1;
        let m: Vec<String> = next_id_problems(&p).iter().map(|x| x.to_string()).collect();
        assert_eq!(
            m,
            [
                "project: next_ids.footprint is 1, but footprint id 1 is in use (ids would be reused)"
            ]
        );
    }

    #[test]
    fn an_outline_whose_area_overflows_is_reported() {
        let mut p = valid();
        p.sites[0].footprints[0].outline =
            Polygon::rectangle(Point::new(-1e308, -1e308), Point::new(1e308, 1e308));
        assert!(
            messages(&p)[0].contains("area is not a finite number"),
            "{:?}",
            messages(&p)
        );
    }

    #[test]
    fn short_and_non_finite_outlines_are_reported() {
        let mut p = valid();
        p.sites[0].footprints[0].outline.0.truncate(2);
        assert!(messages(&p)[0].contains("outline has 2 distinct vertices"));
        p.sites[0].footprints[0].outline.0 = vec![
            Point::new(0.0, 0.0),
            Point::new(f64::INFINITY, 0.0),
            Point::new(1.0, 1.0),
        ];
        assert!(messages(&p)[0].contains("non-finite"));
    }

    #[test]
    fn a_missing_reference_image_is_reported() {
        let mut p = valid();
        p.sites[0].reference_image = Some(ImageId(7));
        assert!(messages(&p)[0].contains("reference image I7"));
    }
}
