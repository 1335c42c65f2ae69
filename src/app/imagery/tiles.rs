//! Draws a loaded image into a pane from 512 px tiles of its pyramid, uploading only the tiles
//! the view needs, a few per frame, and forgetting tiles that have not been drawn for a while.
//!
//! A single texture larger than the renderer's maximum side panics at paint time, and uploading
//! a huge one freezes the window, so no texture here is ever larger than one tile.

use super::adjust::Lut;
use crate::app::view::ViewTransform;
use crate::io::pyramid::{TILE_SIZE, level_size};
use crate::io::tile_cache::TileCache;
use crate::model::{Affine, Point};
use egui::{Color32, ColorImage, Mesh, Pos2, Rect, TextureHandle, TextureOptions, epaint::Vertex};
use image::RgbImage;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which tile of which level, and which buffer it was cut from (the quick overview of a level
/// is later replaced by the exact one, whose tiles must be uploaded again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct TileKey {
    level: usize,
    tx: u32,
    ty: u32,
    buffer: usize,
}

struct TileTexture {
    texture: TextureHandle,
    /// The texture coordinates of the tile's far corner: a tile is padded to a texture whose
    /// sides are powers of two (see [`pad_to_power_of_two`]).
    uv_max: Pos2,
    last_used: u64,
}

/// How much texture work one frame may do, shared by every image drawn in that frame.
pub struct UploadBudget {
    started: Instant,
    limit: Duration,
    /// The GPU upload of a tile happens after the frame is built and is not timed here, so the
    /// number of tiles is capped as well (a 512 px tile takes a few ms under llvmpipe).
    max_tiles: usize,
    /// Tiles that were wanted but not uploaded this frame; the caller asks for another frame.
    pub deferred: usize,
    pub uploaded: usize,
}

impl UploadBudget {
    pub fn new(limit: Duration, max_tiles: usize) -> Self {
        Self {
            started: Instant::now(),
            limit,
            max_tiles,
            deferred: 0,
            uploaded: 0,
        }
    }

    fn allows(&self) -> bool {
        self.uploaded < self.max_tiles && self.started.elapsed() < self.limit
    }
}

/// The uploaded tiles of one image.
#[derive(Default)]
pub struct TileTextures {
    tiles: HashMap<TileKey, TileTexture>,
    frame: u64,
    name: String,
}

/// Tiles kept per image beyond those drawn this frame: enough to pan back and forth without
/// uploading again, bounded so that GPU memory stays bounded (~1 MiB per tile).
const KEEP_TILES: usize = 96;

impl TileTextures {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Forgets every tile, e.g. after the display adjustments changed.
    pub fn clear(&mut self) {
        self.tiles.clear();
    }

    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// Call once per frame after drawing: drops the least recently used tiles beyond the cap.
    pub fn end_frame(&mut self) {
        if self.tiles.len() > KEEP_TILES {
            let mut ages: Vec<(u64, TileKey)> =
                self.tiles.iter().map(|(k, t)| (t.last_used, *k)).collect();
            ages.sort_by_key(|(used, _)| *used);
            let excess = self.tiles.len() - KEEP_TILES;
            for (used, key) in ages.into_iter().take(excess) {
                // Never drop what this frame drew.
                if used < self.frame {
                    self.tiles.remove(&key);
                }
            }
        }
        self.frame += 1;
    }
}

/// Everything needed to draw one image into one pane.
pub struct ImageDraw<'a> {
    pub levels: &'a [Option<Arc<RgbImage>>],
    /// Per level: false while it holds an approximate quick overview.
    pub exact: &'a [bool],
    /// Full-resolution size in image pixels.
    pub size: (u32, u32),
    pub to_site: &'a Affine,
    pub lut: &'a Lut,
    /// Vertex colour: white draws the image as is; white with alpha blends it (overlay mode).
    pub tint: Color32,
    /// For an image read tile by tile: its tiles, read as the view asks for them. `levels` then
    /// holds only the coarsest level, read whole.
    pub tiled: Option<&'a TileCache>,
}

/// Where the pixels of a level's tiles come from.
#[derive(Clone, Copy)]
enum LevelPixels<'a> {
    /// The whole level in memory.
    Whole(&'a Arc<RgbImage>),
    /// Tiles read on demand; `ask` says whether missing ones are asked for (the level the view
    /// wants) or only drawn if already there (a coarser level filling in meanwhile).
    Cached { cache: &'a TileCache, ask: bool },
}

/// Which pyramid level suits a view: the coarsest whose pixels are still no larger than a
/// physical screen pixel.
pub fn level_for_view(view: &ViewTransform, to_site: &Affine, pixels_per_point: f32) -> usize {
    let site_per_image = to_site.determinant().abs().sqrt().max(1e-12);
    let physical_per_image = view.zoom * site_per_image * pixels_per_point as f64;
    if physical_per_image >= 1.0 || !physical_per_image.is_finite() {
        return 0;
    }
    (1.0 / physical_per_image).log2().floor().max(0.0) as usize
}

/// What one image's draw achieved this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaintOutcome {
    /// Tiles drawn, of any level.
    pub drawn_tiles: usize,
    /// Every visible tile of the level the view wants was drawn: the view is at full quality.
    pub complete: bool,
}

/// Draws `img` into the painter's clip rectangle (part of the pane `pane`).
pub fn paint_image(
    painter: &egui::Painter,
    pane: Rect,
    view: &ViewTransform,
    img: &ImageDraw<'_>,
    textures: &mut TileTextures,
    budget: &mut UploadBudget,
) -> PaintOutcome {
    let nothing_to_draw = PaintOutcome {
        drawn_tiles: 0,
        complete: true,
    };
    let Some(from_site) = img.to_site.inverse() else {
        return nothing_to_draw;
    };
    let clip = painter.clip_rect().intersect(pane);
    if clip.width() <= 0.0 || clip.height() <= 0.0 {
        return nothing_to_draw;
    }
    // The image-pixel rectangle that covers the clip rectangle.
    let corners = [
        clip.left_top(),
        clip.right_top(),
        clip.right_bottom(),
        clip.left_bottom(),
    ]
    .map(|c| from_site.apply(view.screen_to_site(pane, c)));
    let (w, h) = (img.size.0 as f64, img.size.1 as f64);
    let x0 = corners
        .iter()
        .map(|p| p.x)
        .fold(f64::INFINITY, f64::min)
        .max(0.0);
    let y0 = corners
        .iter()
        .map(|p| p.y)
        .fold(f64::INFINITY, f64::min)
        .max(0.0);
    let x1 = corners
        .iter()
        .map(|p| p.x)
        .fold(f64::NEG_INFINITY, f64::max)
        .min(w);
    let y1 = corners
        .iter()
        .map(|p| p.y)
        .fold(f64::NEG_INFINITY, f64::max)
        .min(h);
    if !(x0 < x1 && y0 < y1) {
        return nothing_to_draw;
    }
    let visible = (x0, y0, x1, y1);
    let ppp = painter.ctx().pixels_per_point();
    let wanted = level_for_view(view, img.to_site, ppp).min(img.levels.len().saturating_sub(1));

    // The base layer: the coarsest level that exists, always drawn in full underneath, so that
    // missing finer tiles never leave holes.
    let Some(base) = img.levels.iter().rposition(|l| l.is_some()) else {
        return PaintOutcome::default();
    };
    let mut missing = false;
    let mut drawn_tiles = 0;
    let image_to_screen = |p: Point| view.site_to_screen(pane, img.to_site.apply(p));
    let mut draw_level = |level: usize, must: bool, budget: &mut UploadBudget| -> (bool, usize) {
        let Some(buffer) = img.levels.get(level).and_then(|l| l.as_ref()) else {
            return (true, 0);
        };
        draw_level_tiles(
            painter,
            level,
            LevelPixels::Whole(buffer),
            visible,
            img,
            textures,
            budget,
            must,
            &image_to_screen,
        )
    };
    let is_exact = |k: usize| img.exact.get(k).copied().unwrap_or(false);
    let uploaded_before = budget.uploaded;
    let (base_missing, n) = draw_level(base, true, budget);
    drawn_tiles += n;
    // A base layer uploaded this frame is this image's first picture (or a new one): finer
    // tiles wait for the next frame, so that every pane gets its first picture in the first
    // frame it can (under a software renderer a tile upload costs tens of milliseconds). Tiles
    // already uploaded are still drawn.
    let mut no_uploads = UploadBudget::new(Duration::ZERO, 0);
    let budget = if budget.uploaded > uploaded_before {
        budget.deferred += 1;
        &mut no_uploads
    } else {
        budget
    };
    // The base layer only counts as complete when it is the level the view wants (or finer)
    // and exact, not the quick overview.
    missing |= (base_missing || !is_exact(base)) && wanted >= base;
    if let (Some(cache), true) = (img.tiled, wanted < base) {
        // Read tile by tile: the finest level at or coarser than the wanted one that can be read
        // now; the level above it fills in with the tiles it has while the wanted ones arrive.
        let reader = cache.reader();
        match (wanted..base).find(|&k| reader.has_level(k)) {
            Some(k) => {
                let mut draw = |level: usize, ask: bool, budget: &mut UploadBudget| {
                    draw_level_tiles(
                        painter,
                        level,
                        LevelPixels::Cached { cache, ask },
                        visible,
                        img,
                        textures,
                        budget,
                        false,
                        &image_to_screen,
                    )
                };
                if k + 1 < base {
                    drawn_tiles += draw(k + 1, false, budget).1;
                }
                let (m, n) = draw(k, true, budget);
                drawn_tiles += n;
                missing |= m || k != wanted;
            }
            None => missing = true,
        }
    } else if wanted < base {
        // The finest available level at or coarser than the wanted one.
        let finer = (wanted..base).find(|&k| img.levels[k].is_some());
        match finer {
            Some(k) => {
                let (m, n) = draw_level(k, false, budget);
                drawn_tiles += n;
                missing |= m || k != wanted || !is_exact(k);
            }
            None => missing = true,
        }
    }
    PaintOutcome {
        drawn_tiles,
        complete: !missing,
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_level_tiles(
    painter: &egui::Painter,
    level: usize,
    pixels: LevelPixels<'_>,
    visible: (f64, f64, f64, f64),
    img: &ImageDraw<'_>,
    textures: &mut TileTextures,
    budget: &mut UploadBudget,
    must: bool,
    image_to_screen: &dyn Fn(Point) -> Pos2,
) -> (bool, usize) {
    let scale = (1u64 << level) as f64;
    let (lw, lh) = match pixels {
        LevelPixels::Whole(buffer) => buffer.dimensions(),
        LevelPixels::Cached { .. } => level_size(img.size.0, img.size.1, level),
    };
    let t = TILE_SIZE as f64;
    let tiles_x = lw.div_ceil(TILE_SIZE);
    let tiles_y = lh.div_ceil(TILE_SIZE);
    let (x0, y0, x1, y1) = visible;
    let tx0 = ((x0 / scale / t).floor() as u32).min(tiles_x.saturating_sub(1));
    let ty0 = ((y0 / scale / t).floor() as u32).min(tiles_y.saturating_sub(1));
    let tx1 = ((x1 / scale / t).ceil() as u32).min(tiles_x);
    let ty1 = ((y1 / scale / t).ceil() as u32).min(tiles_y);
    // A tile read on demand never changes, whatever buffer it came in.
    let buffer_id = match pixels {
        LevelPixels::Whole(buffer) => Arc::as_ptr(buffer) as usize,
        LevelPixels::Cached { .. } => 0,
    };
    // The base layer is uploaded whatever the budget, but only when it is small: right after
    // decoding, full resolution may be the only level there is, and that must trickle in.
    let must = must && tiles_x * tiles_y <= 16;
    let frame = textures.frame;
    // Upload nearest-to-centre first so the middle of the view sharpens first.
    let cx = (x0 + x1) / 2.0 / scale / t;
    let cy = (y0 + y1) / 2.0 / scale / t;
    let mut order: Vec<(u32, u32)> = (ty0..ty1)
        .flat_map(|ty| (tx0..tx1).map(move |tx| (tx, ty)))
        .collect();
    order.sort_by(|a, b| {
        let da = (a.0 as f64 + 0.5 - cx).powi(2) + (a.1 as f64 + 0.5 - cy).powi(2);
        let db = (b.0 as f64 + 0.5 - cx).powi(2) + (b.1 as f64 + 0.5 - cy).powi(2);
        da.total_cmp(&db)
    });
    let mut missing = false;
    let mut drawn = 0;
    let (full_w, full_h) = (img.size.0 as f64, img.size.1 as f64);
    for (tx, ty) in order {
        let key = TileKey {
            level,
            tx,
            ty,
            buffer: buffer_id,
        };
        if !textures.tiles.contains_key(&key) {
            // The pixels to upload: a whole level's tile, or a tile read on demand (asked for
            // now, even when this frame's budget is spent, so that it is read meanwhile).
            let (source, stx, sty) = match pixels {
                LevelPixels::Whole(buffer) => (buffer.clone(), tx, ty),
                LevelPixels::Cached { cache, ask } => {
                    let id = (level, tx, ty);
                    let tile = if ask {
                        cache.get_or_want(id)
                    } else {
                        cache.get(id)
                    };
                    let Some(tile) = tile else {
                        missing = true;
                        continue;
                    };
                    (tile, 0, 0)
                }
            };
            if !must && !budget.allows() {
                budget.deferred += 1;
                missing = true;
                continue;
            }
            let (texture, uv_max) = upload_tile(
                painter.ctx(),
                &textures.name,
                &source,
                key,
                (stx, sty),
                img.lut,
            );
            budget.uploaded += 1;
            textures.tiles.insert(
                key,
                TileTexture {
                    texture,
                    uv_max,
                    last_used: frame,
                },
            );
        }
        let Some(tile) = textures.tiles.get_mut(&key) else {
            continue;
        };
        tile.last_used = frame;
        let px0 = tx * TILE_SIZE;
        let py0 = ty * TILE_SIZE;
        let px1 = (px0 + TILE_SIZE).min(lw);
        let py1 = (py0 + TILE_SIZE).min(lh);
        // Level pixels to image pixels; the last row and column of a level may cover less than
        // `scale` image pixels, so clamp to the image.
        let ix0 = px0 as f64 * scale;
        let iy0 = py0 as f64 * scale;
        let ix1 = (px1 as f64 * scale).min(full_w);
        let iy1 = (py1 as f64 * scale).min(full_h);
        let quad = [
            image_to_screen(Point::new(ix0, iy0)),
            image_to_screen(Point::new(ix1, iy0)),
            image_to_screen(Point::new(ix1, iy1)),
            image_to_screen(Point::new(ix0, iy1)),
        ];
        let Pos2 { x: u, y: v } = tile.uv_max;
        let uv = [
            Pos2::new(0.0, 0.0),
            Pos2::new(u, 0.0),
            Pos2::new(u, v),
            Pos2::new(0.0, v),
        ];
        let mut mesh = Mesh::with_texture(tile.texture.id());
        for (pos, uv) in quad.into_iter().zip(uv) {
            mesh.vertices.push(Vertex {
                pos,
                uv,
                color: img.tint,
            });
        }
        mesh.indices.extend_from_slice(&[0, 1, 2, 0, 2, 3]);
        painter.add(egui::Shape::mesh(mesh));
        drawn += 1;
    }
    (missing, drawn)
}

/// Uploads tile `key`, whose pixels are tile `at` of `buffer` (a whole level, or the tile
/// itself at (0, 0)); returns its texture and the texture coordinates of its far corner.
fn upload_tile(
    ctx: &egui::Context,
    name: &str,
    buffer: &RgbImage,
    key: TileKey,
    at: (u32, u32),
    lut: &Lut,
) -> (TextureHandle, Pos2) {
    let (image, uv_max) = pad_to_power_of_two(tile_pixels(buffer, at.0, at.1, lut));
    let texture = ctx.load_texture(
        format!("{name}/L{}/{}_{}", key.level, key.tx, key.ty),
        image,
        TILE_TEXTURE,
    );
    (texture, uv_max)
}

/// `tile` in a texture whose sides are powers of two, its last column and row repeated into
/// the padding (so that filtering at its edge sees no other colour), and the texture
/// coordinates of the tile's far corner. A software renderer (Mesa llvmpipe) compiles a shader
/// the first time it draws with a new texture state, and whether the sides are powers of two
/// is part of that state: each compile took 50-60 ms of one frame. Padded, every tile shares
/// one state, so only the first tile drawn pays for it.
pub fn pad_to_power_of_two(tile: ColorImage) -> (ColorImage, Pos2) {
    let [w, h] = tile.size;
    let (tw, th) = (w.next_power_of_two(), h.next_power_of_two());
    if (w, h) == (tw, th) || w == 0 || h == 0 {
        return (tile, Pos2::new(1.0, 1.0));
    }
    let mut pixels = Vec::with_capacity(tw * th);
    for row in tile.pixels.chunks_exact(w) {
        pixels.extend_from_slice(row);
        pixels.extend(std::iter::repeat_n(row[w - 1], tw - w));
    }
    let last_row = pixels[(h - 1) * tw..h * tw].to_vec();
    for _ in h..th {
        pixels.extend_from_slice(&last_row);
    }
    let uv_max = Pos2::new(w as f32 / tw as f32, h as f32 / th as f32);
    (ColorImage::new([tw, th], pixels), uv_max)
}

/// How image tiles are sampled: pixels stay crisp when magnified.
const TILE_TEXTURE: TextureOptions = TextureOptions {
    magnification: egui::TextureFilter::Nearest,
    minification: egui::TextureFilter::Linear,
    wrap_mode: egui::TextureWrapMode::ClampToEdge,
    mipmap_mode: None,
};

/// The pixels of tile (`tx`, `ty`) of a pyramid level as they are uploaded: each channel
/// through the display lookup table (brightness, contrast, gamma, stretch), alpha opaque. It
/// runs on the UI thread for every tile upload, so it is a plain tight loop; `bench_load`
/// times this very function. Edge tiles are clipped to the level, and a tile beyond the level
/// is empty.
pub fn tile_pixels(level: &RgbImage, tx: u32, ty: u32, lut: &Lut) -> ColorImage {
    let (lw, lh) = level.dimensions();
    let x0 = tx.saturating_mul(TILE_SIZE);
    let y0 = ty.saturating_mul(TILE_SIZE);
    let w = TILE_SIZE.min(lw.saturating_sub(x0)) as usize;
    let h = TILE_SIZE.min(lh.saturating_sub(y0)) as usize;
    let (w, h) = if w == 0 || h == 0 { (0, 0) } else { (w, h) };
    let raw = level.as_raw();
    let stride = lw as usize * 3;
    let [lr, lg, lb] = lut;
    let mut pixels = Vec::with_capacity(w * h);
    for row in 0..h {
        let start = (y0 as usize + row) * stride + x0 as usize * 3;
        let (line, _) = raw[start..start + w * 3].as_chunks::<3>();
        pixels.extend(line.iter().map(|&[r, g, b]| {
            Color32::from_rgb(lr[usize::from(r)], lg[usize::from(g)], lb[usize::from(b)])
        }));
    }
    ColorImage::new([w, h], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoomed_out_view_picks_a_coarse_level_and_a_zoomed_in_one_full_resolution() {
        let id = Affine::IDENTITY;
        let v = |zoom| ViewTransform {
            center: Point::new(0.0, 0.0),
            zoom,
        };
        assert_eq!(level_for_view(&v(1.0), &id, 1.0), 0);
        assert_eq!(level_for_view(&v(4.0), &id, 1.0), 0);
        assert_eq!(level_for_view(&v(0.5), &id, 1.0), 1);
        assert_eq!(level_for_view(&v(0.3), &id, 1.0), 1);
        assert_eq!(level_for_view(&v(1.0 / 32.0), &id, 1.0), 5);
        // On a HiDPI screen (2 physical pixels per point) the same zoom needs a finer level.
        assert_eq!(level_for_view(&v(0.5), &id, 2.0), 0);
        // An image at half the site resolution (2 site px per image px) is coarser already.
        assert_eq!(level_for_view(&v(0.5), &Affine::scale(2.0, 2.0), 1.0), 0);
    }

    fn identity_lut() -> Lut {
        super::super::Adjustments::default().lut(None)
    }

    #[test]
    fn a_tile_goes_through_the_lookup_table_and_comes_out_opaque() {
        let img = RgbImage::from_fn(600, 600, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 7])
        });
        let mut lut = identity_lut();
        lut[0] = [0; 256];
        lut[2][7] = 200;
        let tile = tile_pixels(&img, 0, 0, &lut);
        assert_eq!(tile.size, [512, 512]);
        assert_eq!(tile.pixels.len(), 512 * 512);
        // Pixel (11, 22): red through a table of zeros, green unchanged, blue 7 -> 200.
        assert_eq!(
            tile.pixels[22 * 512 + 11],
            Color32::from_rgba_premultiplied(0, 22, 200, 255)
        );
    }

    #[test]
    fn a_tile_is_padded_to_power_of_two_sides_with_its_edge_repeated() {
        let img = RgbImage::from_fn(600, 530, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 0])
        });
        let (padded, uv_max) = pad_to_power_of_two(tile_pixels(&img, 1, 1, &identity_lut()));
        assert_eq!(padded.size, [128, 32]);
        assert_eq!(uv_max, Pos2::new(88.0 / 128.0, 18.0 / 32.0));
        let at = |x: usize, y: usize| padded.pixels[y * 128 + x];
        // The tile itself is unchanged; the padding repeats its last column, then its last row.
        assert_eq!(
            at(87, 17),
            Color32::from_rgb((599 % 256) as u8, (529 % 256) as u8, 0)
        );
        assert_eq!(at(127, 3), at(87, 3));
        assert_eq!(at(40, 31), at(40, 17));
        assert_eq!(at(127, 31), at(87, 17));
        // A whole tile is already a power of two: untouched.
        let (whole, uv_whole) = pad_to_power_of_two(tile_pixels(&img, 0, 0, &identity_lut()));
        assert_eq!((whole.size, uv_whole), ([512, 512], Pos2::new(1.0, 1.0)));
        // Nothing beyond the level: still empty.
        let (empty, _) = pad_to_power_of_two(tile_pixels(&img, 2, 0, &identity_lut()));
        assert!(empty.pixels.is_empty());
    }

    #[test]
    fn an_edge_tile_is_clipped_to_the_level_and_one_beyond_it_is_empty() {
        let img = RgbImage::from_fn(600, 530, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 0])
        });
        let tile = tile_pixels(&img, 1, 1, &identity_lut());
        assert_eq!(tile.size, [88, 18]);
        assert_eq!(tile.pixels.len(), 88 * 18);
        assert_eq!(
            tile.pixels.last().copied(),
            Some(Color32::from_rgb((599 % 256) as u8, (529 % 256) as u8, 0))
        );
        let outside = tile_pixels(&img, 2, 0, &identity_lut());
        assert_eq!(outside.size, [0, 0]);
        assert!(outside.pixels.is_empty());
    }
}
