//! Shared helpers for the tests: a small project on disk with generated images, and (with the
//! `gui` feature) a harness that drives the real app through egui_kittest.

#![allow(dead_code)]

pub mod xvfb;

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
    let sid = project.next_ids.new_site().unwrap();
    let mut site = Site::new(sid, "Test yard");
    for (i, date) in dates.iter().enumerate() {
        let name = format!("yard_{date}.png");
        test_image(640, 480, i as u32 * 60)
            .save(dir.join(&name))
            .expect("write test image");
        let id = project.next_ids.new_image().unwrap();
        site.images.push(DatedImage::new(
            id,
            name,
            date.parse::<CaptureDate>().unwrap(),
        ));
    }
    site.reference_image = Some(ImageId(1));
    let fid = project.next_ids.new_footprint().unwrap();
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

/// Puts the reference image of the project at `path` on the ground: 0.5 m pixels in UTM zone
/// 15N, the top-left corner at (500 000, 4 100 000).
pub fn georeference_on_disk(path: &Path) {
    let mut project = sitediff::io::load_project(path).expect("load the test project");
    project.sites[0].images[0].georef = Some(sitediff::model::Georef {
        epsg: 32615,
        pixel_to_map: sitediff::model::Affine {
            xx: 0.5,
            xy: 0.0,
            tx: 500_000.0,
            yx: 0.0,
            yy: -0.5,
            ty: 4_100_000.0,
        },
        source: sitediff::model::GeorefSource::GeoTiff,
    });
    save_project(&project, path).expect("save the test project");
}

#[cfg(feature = "gui")]
pub mod ui {
    use egui::{Event, Modifiers, MouseWheelUnit, PointerButton, Pos2, Rect, TouchPhase, Vec2};
    use egui_kittest::Harness;
    use sitediff::app::SiteDiffApp;
    use sitediff::app::prefs::Prefs;
    use sitediff::model::{ImageId, Point};
    use std::path::Path;
    use std::time::{Duration, Instant};

    pub type H = Harness<'static, SiteDiffApp>;

    /// A harness on a project, the analyst's name already known.
    pub fn harness_for(project: &Path) -> H {
        let prefs = Prefs {
            analyst: "tester".into(),
            analyst_asked: true,
            ..Prefs::default()
        };
        let mut app = SiteDiffApp::new(prefs);
        app.open_now(project);
        Harness::builder()
            .with_size(Vec2::new(1500.0, 900.0))
            .build_ui_state(|ui, app: &mut SiteDiffApp| app.ui_main(ui), app)
    }

    /// A harness on a fresh test project, stepped until both compared images are drawn. The
    /// folder lives as long as the returned guard.
    pub fn loaded_harness() -> (tempfile::TempDir, H) {
        let dir = tempfile::tempdir().unwrap();
        let mut h = harness_for(&super::project_on_disk(dir.path()));
        step_until(&mut h, "images to load", loaded);
        (dir, h)
    }

    /// Steps frames until `done` holds, failing the test after 20 s.
    pub fn step_until(h: &mut H, what: &str, done: impl Fn(&SiteDiffApp) -> bool) {
        let start = Instant::now();
        while !done(h.state()) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(5));
        }
        h.step();
    }

    /// Both compared images have pixels on screen and the view has been fitted.
    pub fn loaded(app: &SiteDiffApp) -> bool {
        let Some(doc) = &app.doc else { return false };
        let Some(site) = app.pair.site.and_then(|id| doc.project().site(id)) else {
            return false;
        };
        let ready = |id: Option<ImageId>| {
            id.and_then(|id| site.image(id))
                .and_then(|img| app.images.get(&doc.image_file(&img.path)))
                .is_some_and(|slot| slot.has_pixels())
        };
        ready(app.pair.before) && ready(app.pair.after) && !app.compare.fit_pending
    }

    /// Makes an undoable change so the project has unsaved changes.
    pub fn make_dirty(h: &mut H) {
        let ctx = h.ctx.clone();
        let rename = sitediff::model::Edit::RenameProject("Renamed".into());
        h.state_mut()
            .handle(&ctx, sitediff::app::Action::Edit(rename));
    }

    pub fn wheel(h: &H, at: Pos2, notches: f32) {
        h.hover_at(at);
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: Vec2::new(0.0, notches),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        });
    }

    /// A left click at a screen position, as a person makes it: move there, press, release.
    pub fn click_at(h: &mut H, pos: Pos2) {
        click_with(h, pos, Modifiers::NONE);
    }

    pub fn click_with(h: &mut H, pos: Pos2, modifiers: Modifiers) {
        h.hover_at(pos);
        h.step();
        if modifiers != Modifiers::NONE {
            h.event(Event::ModifiersChanged(modifiers));
        }
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed: true,
            modifiers,
        });
        h.step();
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed: false,
            modifiers,
        });
        h.step();
        if modifiers != Modifiers::NONE {
            h.event(Event::ModifiersChanged(Modifiers::NONE));
        }
        // One more frame so the panels show what the click changed.
        h.step();
    }

    /// Two clicks in quick succession (the second arrives as a double-click).
    pub fn double_click_at(h: &mut H, pos: Pos2) {
        h.hover_at(pos);
        h.step();
        for _ in 0..2 {
            h.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed: true,
                modifiers: Modifiers::NONE,
            });
            h.event(Event::PointerButton {
                pos,
                button: PointerButton::Primary,
                pressed: false,
                modifiers: Modifiers::NONE,
            });
        }
        h.step();
        h.step();
    }

    /// A drag with `button` from `from` to `to` in a few steps.
    pub fn drag(h: &mut H, button: PointerButton, from: Pos2, to: Pos2) {
        h.hover_at(from);
        h.step();
        h.event(Event::PointerButton {
            pos: from,
            button,
            pressed: true,
            modifiers: Modifiers::NONE,
        });
        h.step();
        for i in 1..=6 {
            h.hover_at(from + (to - from) * (i as f32 / 6.0));
            h.step();
        }
        h.event(Event::PointerButton {
            pos: to,
            button,
            pressed: false,
            modifiers: Modifiers::NONE,
        });
        h.step();
        h.step();
    }

    /// Where a site point is on screen in pane `pane`.
    pub fn screen_of(app: &SiteDiffApp, pane: usize, p: Point) -> Pos2 {
        app.compare.view.site_to_screen(app.panes[pane].rect, p)
    }

    /// Where the image painted in `pane` lies on screen, read from what the frame actually
    /// painted (the textured tile meshes clipped to that pane): the coarsest level is always
    /// drawn whole underneath, so the union of tile vertices is the image's screen rectangle.
    /// Independent of the app's view transform, so a pane painted with the wrong transform
    /// shows up here.
    pub fn painted_image_rect(h: &H, pane: Rect) -> Option<Rect> {
        let mut out: Option<Rect> = None;
        for clipped in &h.output().shapes {
            if !pane.contains_rect(clipped.clip_rect) && clipped.clip_rect != pane {
                continue;
            }
            if let egui::epaint::Shape::Mesh(mesh) = &clipped.shape
                && mesh.texture_id != egui::TextureId::default()
            {
                for v in &mesh.vertices {
                    out = Some(match out {
                        Some(r) => r.union(Rect::from_min_max(v.pos, v.pos)),
                        None => Rect::from_min_max(v.pos, v.pos),
                    });
                }
            }
        }
        out
    }
}
