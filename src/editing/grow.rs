//! Growing a project: sites get new imagery over time, and a project covers several sites. Each
//! change here is one operation (one undo step in the window), used by the window and by the
//! CLI's `add-image`, `add-site`, `rename-site` and `remove-image` alike.

use super::document::Document;
use super::ops::{Op, OpResult};
use crate::io::new_project::{NewImage, NewImageReport, describe_images, register_to_reference};
use crate::model::{Edit, FootprintId, ImageId, Project, Site, SiteId};
use std::collections::HashSet;

/// "F1, F2, F3 and 4 more".
pub fn list_ids(ids: &[FootprintId]) -> String {
    let shown: Vec<String> = ids.iter().take(8).map(|i| i.to_string()).collect();
    if ids.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), ids.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

/// Finds a site by id (`S2` or `2`) or by exact name.
pub fn find_site(project: &Project, key: &str) -> Result<SiteId, String> {
    let k = key.trim();
    let digits = k.strip_prefix(['S', 's']).unwrap_or(k);
    if let Ok(n) = digits.parse::<u32>()
        && project.site(SiteId(n)).is_some()
    {
        return Ok(SiteId(n));
    }
    let by_name: Vec<&Site> = project.sites.iter().filter(|s| s.name == k).collect();
    match by_name.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!(
            "no site `{k}`; the project has {}",
            project
                .sites
                .iter()
                .map(|s| format!("{} \"{}\"", s.id, s.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        many => Err(format!(
            "{} sites are named `{k}`; give the id ({})",
            many.len(),
            many.iter()
                .map(|s| s.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Image records for files, with ids after the project's counter, refusing files the site
/// already has.
fn records(
    doc: &Document,
    site: Option<&Site>,
    images: &[NewImage],
) -> Result<(Vec<crate::model::DatedImage>, Vec<NewImageReport>), String> {
    if images.is_empty() {
        return Err("no images given".into());
    }
    let mut ids = doc.project().next_ids.clone();
    let (recs, reports) =
        describe_images(&doc.path, images, || ids.new_image().ok()).map_err(|e| e.to_string())?;
    let mut seen: HashSet<std::path::PathBuf> = HashSet::new();
    for (rec, new) in recs.iter().zip(images) {
        let file = doc.image_file(&rec.path);
        if let Some(existing) = site.and_then(|s| {
            s.images
                .iter()
                .find(|i| same_file(&doc.image_file(&i.path), &file))
        }) {
            return Err(format!(
                "{}: already in this site as image {}",
                new.path.display(),
                existing.id
            ));
        }
        if !seen.insert(std::fs::canonicalize(&file).unwrap_or(file.clone())) {
            return Err(format!("{}: given twice", new.path.display()));
        }
    }
    Ok((recs, reports))
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Adds dated images to a site (dates detected from names and metadata unless given). A site
/// without images takes the earliest as its reference.
pub fn add_images(
    doc: &Document,
    site: SiteId,
    images: &[NewImage],
) -> Result<(Op, Vec<NewImageReport>), String> {
    let s = doc
        .project()
        .site(site)
        .ok_or_else(|| format!("site {site} does not exist"))?;
    let (mut recs, mut reports) = records(doc, Some(s), images)?;
    let reference = match s.reference_image.and_then(|id| s.image(id)) {
        Some(r) => Some(r.clone()),
        None => {
            let mut all: Vec<&crate::model::DatedImage> = recs.iter().collect();
            all.sort_by(|a, b| a.date.chronological(&b.date).then(a.id.cmp(&b.id)));
            all.first().map(|r| (*r).clone())
        }
    };
    // The images' alignment comes in the same edit as the images: one undo step.
    if let Some(reference) = &reference {
        register_to_reference(reference, &mut recs, &mut reports);
    }
    let mut edits: Vec<Edit> = recs
        .iter()
        .cloned()
        .map(|image| Edit::AddImage { site, image })
        .collect();
    if s.reference_image.is_none() {
        edits.push(Edit::SetReferenceImage {
            site,
            image: reference.as_ref().map(|i| i.id),
        });
    }
    let label = match recs.as_slice() {
        [one] => format!("add image {} to {}", one.file_name(), s.name),
        many => format!("add {} images to {}", many.len(), s.name),
    };
    Ok((
        Op {
            edit: Edit::Batch(edits),
            label,
            select: Vec::new(),
        },
        reports,
    ))
}

/// Adds a site with its images (possibly none yet).
pub fn add_site(
    doc: &Document,
    name: &str,
    images: &[NewImage],
) -> Result<(Op, SiteId, Vec<NewImageReport>), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a site needs a name".into());
    }
    let mut ids = doc.project().next_ids.clone();
    let id = ids.new_site().map_err(|e| e.to_string())?;
    let mut site = Site::new(id, name);
    let mut reports = Vec::new();
    if !images.is_empty() {
        let (recs, reps) = records(doc, None, images)?;
        site.images = recs;
        reports = reps;
        site.reference_image = site.images_by_date().first().map(|i| i.id);
        if let Some(reference) = site.reference_image.and_then(|id| site.image(id)).cloned() {
            register_to_reference(&reference, &mut site.images, &mut reports);
        }
    }
    Ok((
        Op {
            edit: Edit::AddSite(site),
            label: format!("add site {name}"),
            select: Vec::new(),
        },
        id,
        reports,
    ))
}

pub fn rename_site(project: &Project, site: SiteId, name: &str) -> OpResult {
    let s = project
        .site(site)
        .ok_or_else(|| format!("site {site} does not exist"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err("a site needs a name".into());
    }
    if s.name == name {
        return Err(format!("the site is already called {name}"));
    }
    Ok(Op {
        edit: Edit::RenameSite {
            site,
            name: name.to_string(),
        },
        label: format!("rename site {} to {name}", s.name),
        select: Vec::new(),
    })
}

/// Removes an image no footprint refers to; names the footprints that do. Removing the
/// reference image hands that role to the earliest image left.
pub fn remove_image(project: &Project, site: SiteId, image: ImageId) -> OpResult {
    let s = project
        .site(site)
        .ok_or_else(|| format!("site {site} does not exist"))?;
    let img = s
        .image(image)
        .ok_or_else(|| format!("image {image} is not in site {}", s.name))?;
    let users: Vec<FootprintId> = s
        .footprints
        .iter()
        .filter(|f| f.before == image || f.after == image)
        .map(|f| f.id)
        .collect();
    if !users.is_empty() {
        return Err(format!(
            "image {image} ({}) is used by footprint(s) {}; delete them or change their images first",
            img.file_name(),
            list_ids(&users)
        ));
    }
    let mut edits = Vec::new();
    if s.reference_image == Some(image) {
        let next = s
            .images_by_date()
            .into_iter()
            .find(|i| i.id != image)
            .map(|i| i.id);
        if next.is_none() {
            return Err(format!(
                "image {image} is the only image of {}; a site keeps its reference image",
                s.name
            ));
        }
        edits.push(Edit::SetReferenceImage { site, image: next });
    }
    edits.push(Edit::RemoveImage { site, id: image });
    Ok(Op {
        edit: Edit::Batch(edits),
        label: format!("remove image {}", img.file_name()),
        select: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaptureDate, ChangeKind, Footprint, Point, Polygon, Timestamp};

    fn write_png(path: &std::path::Path) {
        image::RgbImage::from_pixel(8, 6, image::Rgb([10, 20, 30]))
            .save(path)
            .unwrap();
    }

    fn doc(dir: &std::path::Path) -> Document {
        write_png(&dir.join("a_2024-01-01.png"));
        let mut p = Project::new("p");
        let mut s = Site::new(SiteId(1), "yard");
        s.images.push(crate::model::DatedImage::new(
            ImageId(1),
            "a_2024-01-01.png",
            "2024-01-01".parse::<CaptureDate>().unwrap(),
        ));
        s.reference_image = Some(ImageId(1));
        p.sites.push(s);
        p.canonicalize();
        Document::new(dir.join("p.ron"), p, true)
    }

    #[test]
    fn added_images_get_their_dates_from_their_names_and_new_ids_and_undo_removes_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        write_png(&dir.path().join("b_20240715.png"));
        let (op, reports) = add_images(
            &d,
            SiteId(1),
            &[NewImage {
                path: dir.path().join("b_20240715.png"),
                date: None,
                crs: None,
            }],
        )
        .unwrap();
        assert_eq!(reports[0].id, ImageId(2));
        assert_eq!(reports[0].date.to_string(), "2024-07-15");
        assert_eq!(op.label, "add image b_20240715.png to yard");
        d.apply_labeled(op.edit, op.label, vec![]).unwrap();
        assert_eq!(d.project().sites[0].images.len(), 2);
        assert_eq!(d.project().sites[0].images[1].path, "b_20240715.png");
        // The same file again is refused.
        let again = add_images(
            &d,
            SiteId(1),
            &[NewImage {
                path: dir.path().join("b_20240715.png"),
                date: None,
                crs: None,
            }],
        );
        assert!(
            again
                .unwrap_err()
                .contains("already in this site as image I2")
        );
        d.undo().unwrap();
        assert_eq!(d.project().sites[0].images.len(), 1);
    }

    #[test]
    fn an_unreadable_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = doc(dir.path());
        std::fs::write(dir.path().join("bad.png"), b"not a png").unwrap();
        let err = add_images(
            &d,
            SiteId(1),
            &[NewImage {
                path: dir.path().join("bad.png"),
                date: None,
                crs: None,
            }],
        )
        .unwrap_err();
        assert!(err.contains("bad.png"), "{err}");
    }

    #[test]
    fn a_new_site_takes_its_earliest_image_as_reference_and_is_found_by_name_or_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        write_png(&dir.path().join("h_2023-05-01.png"));
        write_png(&dir.path().join("h_2022-05-01.png"));
        let images: Vec<NewImage> = ["h_2023-05-01.png", "h_2022-05-01.png"]
            .iter()
            .map(|n| NewImage {
                path: dir.path().join(n),
                date: None,
                crs: None,
            })
            .collect();
        let (op, id, _) = add_site(&d, "harbour", &images).unwrap();
        d.apply_labeled(op.edit, op.label, vec![]).unwrap();
        let s = d.project().site(id).unwrap();
        assert_eq!(s.reference_image, Some(ImageId(3)), "the 2022 image");
        assert_eq!(find_site(d.project(), "harbour"), Ok(id));
        assert_eq!(find_site(d.project(), "S2"), Ok(id));
        assert!(
            find_site(d.project(), "dock")
                .unwrap_err()
                .contains("S1 \"yard\"")
        );
        let op = rename_site(d.project(), id, "north harbour").unwrap();
        d.apply_labeled(op.edit, op.label, vec![]).unwrap();
        assert_eq!(d.project().site(id).unwrap().name, "north harbour");
    }

    #[test]
    fn images_on_different_georeferenced_grids_are_aligned_to_the_reference_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        // 1 m pixels from (500 000, 4 100 000), and 0.5 m pixels 20 m east and 10 m south.
        for (name, world) in [
            ("g_2020-01-01", "1\n0\n0\n-1\n500000.5\n4099999.5\n"),
            ("g_2021-01-01", "0.5\n0\n0\n-0.5\n500020.25\n4099989.75\n"),
        ] {
            write_png(&dir.path().join(format!("{name}.png")));
            std::fs::write(dir.path().join(format!("{name}.pgw")), world).unwrap();
        }
        let images: Vec<NewImage> = ["g_2020-01-01.png", "g_2021-01-01.png"]
            .iter()
            .map(|n| NewImage {
                path: dir.path().join(n),
                date: None,
                crs: Some(32615),
            })
            .collect();
        let (op, id, reports) = add_site(&d, "gridded", &images).unwrap();
        assert!(
            reports[1].notes.iter().any(|n| n.contains("aligned")),
            "{reports:?}"
        );
        d.apply_labeled(op.edit, op.label, vec![]).unwrap();
        let s = d.project().site(id).unwrap();
        let (older, newer) = (&s.images[0], &s.images[1]);
        assert_eq!(s.reference_image, Some(older.id));
        // Map point (500 030, 4 099 980) is pixel (30, 20) of the older image and pixel
        // (20, 20) of the newer: both land on site point (30, 20).
        let site = newer.to_site.apply(Point::new(20.0, 20.0));
        assert!(site.distance(Point::new(30.0, 20.0)) < 1e-6, "{site:?}");
        assert!(older.to_site.is_identity());
    }

    #[test]
    fn an_image_in_use_is_not_removed_and_the_footprints_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = doc(dir.path());
        write_png(&dir.path().join("b_2024-07-15.png"));
        let (op, _) = add_images(
            &d,
            SiteId(1),
            &[NewImage {
                path: dir.path().join("b_2024-07-15.png"),
                date: None,
                crs: None,
            }],
        )
        .unwrap();
        d.apply(op.edit).unwrap();
        let fp = Footprint::new(
            FootprintId(4),
            ChangeKind::New,
            ImageId(1),
            ImageId(2),
            Polygon::rectangle(Point::new(0.0, 0.0), Point::new(2.0, 2.0)),
            "",
            Timestamp::from_unix(0).unwrap(),
        );
        d.apply(Edit::AddFootprint {
            site: SiteId(1),
            footprint: fp,
        })
        .unwrap();
        let err = remove_image(d.project(), SiteId(1), ImageId(2)).unwrap_err();
        assert!(err.contains("used by footprint(s) F4"), "{err}");
        d.apply(Edit::RemoveFootprint {
            site: SiteId(1),
            id: FootprintId(4),
        })
        .unwrap();
        // Removing the reference hands the role to the other image.
        let op = remove_image(d.project(), SiteId(1), ImageId(1)).unwrap();
        d.apply(op.edit).unwrap();
        let s = &d.project().sites[0];
        assert_eq!(s.reference_image, Some(ImageId(2)));
        assert_eq!(s.images.len(), 1);
        let err = remove_image(d.project(), SiteId(1), ImageId(2)).unwrap_err();
        assert!(err.contains("only image"), "{err}");
    }
}
