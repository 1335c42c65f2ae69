//! Shared helpers for the UI tests: a small project on disk with generated images.

#![allow(dead_code)]

use image::{Rgb, RgbImage};
use sitediff::io::save_project;
use sitediff::model::{
    CaptureDate, ChangeKind, DatedImage, Footprint, ImageId, Point, Polygon, Project, Site,
    Timestamp,
};
use std::path::{Path, PathBuf};

/// A textured test image: a gradient with a bright block whose position depends on `shift`.
pub fn test_image(w: u32, h: u32, shift: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let in_block = x >= 100 + shift && x < 180 + shift && (120..200).contains(&y);
        if in_block {
            Rgb([240, 240, 230])
        } else {
            Rgb([(x % 256) as u8 / 2 + 40, (y % 256) as u8 / 2 + 40, 90])
        }
    })
}

/// Writes a project with one site and three dated images (Jan, Apr, Jul 2024) and one
/// footprint; returns the project file.
pub fn project_on_disk(dir: &Path) -> PathBuf {
    let dates = ["2024-01-15", "2024-04-15", "2024-07-15"];
    let mut project = Project::new("UI test");
    let sid = project.next_ids.new_site();
    let mut site = Site::new(sid, "Test yard");
    for (i, date) in dates.iter().enumerate() {
        let name = format!("yard_{date}.png");
        test_image(640, 480, i as u32 * 60)
            .save(dir.join(&name))
            .expect("write test image");
        let id = project.next_ids.new_image();
        site.images.push(DatedImage::new(
            id,
            name,
            date.parse::<CaptureDate>().unwrap(),
        ));
    }
    site.reference_image = Some(ImageId(1));
    let fid = project.next_ids.new_footprint();
    site.footprints.push(Footprint::new(
        fid,
        ChangeKind::New,
        ImageId(1),
        ImageId(3),
        Polygon::rectangle(Point::new(220.0, 120.0), Point::new(300.0, 200.0)),
        "tester",
        Timestamp::from_unix(1_700_000_000).unwrap(),
    ));
    project.sites.push(site);
    let path = dir.join("yard.ron");
    save_project(&project, &path).expect("save test project");
    path
}
