//! Turns a scene into pixels: every pixel is a pure function of its position, the date and the
//! seed, so horizontal bands can be rendered on all cores in any order and still give the same
//! bytes.

use super::layout::REFERENCE_SIZE;
use super::materials::{Ctx, Rgb};
use super::noise::Noise;
use super::scene::{Light, Scene, Structure};
use super::shapes::Shape;
use image::RgbImage;
use std::sync::{Mutex, PoisonError, mpsc};

/// Rows per unit of work handed to a thread.
const BAND_ROWS: usize = 16;

/// Objects listed per square cell of the reference frame, so a pixel only tests what is near.
struct Grid {
    structures: Vec<Vec<u32>>,
    patches: Vec<Vec<u32>>,
}

const CELL: f32 = 32.0;
const GRID_ORIGIN: f32 = -64.0;
const GRID_CELLS: usize = 68;

impl Grid {
    fn new(scene: &Scene) -> Grid {
        let mut grid = Grid {
            structures: vec![Vec::new(); GRID_CELLS * GRID_CELLS],
            patches: vec![Vec::new(); GRID_CELLS * GRID_CELLS],
        };
        for (i, p) in scene.patches.iter().enumerate() {
            for c in cells_of(p.shape.bbox()) {
                grid.patches[c].push(i as u32);
            }
        }
        let light = &scene.light;
        for (i, s) in scene.structures.iter().enumerate() {
            // A structure matters wherever it stands and wherever its shadow may fall, which is
            // away from the sun by up to its height times the shadow length.
            let [x0, y0, x1, y1] = s.shape.bbox();
            let reach = s.top * light.shadow_per_height;
            let (dx, dy) = (-light.towards_sun[0] * reach, -light.towards_sun[1] * reach);
            let bounds = [
                x0.min(x0 + dx),
                y0.min(y0 + dy),
                x1.max(x1 + dx),
                y1.max(y1 + dy),
            ];
            for c in cells_of(bounds) {
                grid.structures[c].push(i as u32);
            }
        }
        grid
    }

    fn cell(x: f32, y: f32) -> usize {
        let cx = (((x - GRID_ORIGIN) / CELL) as usize).min(GRID_CELLS - 1);
        let cy = (((y - GRID_ORIGIN) / CELL) as usize).min(GRID_CELLS - 1);
        cy * GRID_CELLS + cx
    }
}

/// Indices of the grid cells overlapping `[x0, y0, x1, y1]`.
fn cells_of([x0, y0, x1, y1]: [f32; 4]) -> impl Iterator<Item = usize> {
    let to_cell =
        |v: f32| (((v - GRID_ORIGIN) / CELL).floor().max(0.0) as usize).min(GRID_CELLS - 1);
    let (cx0, cx1, cy0, cy1) = (to_cell(x0), to_cell(x1), to_cell(y0), to_cell(y1));
    (cy0..=cy1).flat_map(move |cy| (cx0..=cx1).map(move |cx| cy * GRID_CELLS + cx))
}

/// Samples per pixel along each axis: small images are supersampled so that edges and thin
/// lines are antialiased; from 4096 px up a pixel is finer than any edge worth smoothing.
pub(crate) fn supersampling(size: u32) -> u32 {
    ((2.0 * REFERENCE_SIZE / size as f32).ceil() as u32).clamp(1, 3)
}

/// Renders the scene at `size` x `size` pixels, reporting the fraction of rows done.
pub(crate) fn render(scene: &Scene, size: u32, mut progress: impl FnMut(f32)) -> RgbImage {
    let grid = Grid::new(scene);
    let mut image = RgbImage::new(size, size);
    let row_bytes = size as usize * 3;
    if row_bytes == 0 {
        return image;
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let buffer: &mut [u8] = &mut image;
    let bands = Mutex::new(buffer.chunks_mut(row_bytes * BAND_ROWS).enumerate());
    let (done_tx, done_rx) = mpsc::channel::<usize>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (bands, grid) = (&bands, &grid);
            s.spawn(move || {
                loop {
                    let next = bands.lock().unwrap_or_else(PoisonError::into_inner).next();
                    let Some((i, band)) = next else { break };
                    render_rows(scene, grid, size, i * BAND_ROWS, band);
                    if done_tx.send(band.len() / row_bytes).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut rows = 0;
        for n in done_rx {
            rows += n;
            progress(rows as f32 / size as f32);
        }
    });
    image
}

fn render_rows(scene: &Scene, grid: &Grid, size: u32, first_row: usize, out: &mut [u8]) {
    let units_per_pixel = REFERENCE_SIZE / size as f32;
    let ss = supersampling(size);
    let inv_ss = 1.0 / ss as f32;
    // Samples spread a little beyond the pixel, like a real sensor's blur; a single sample
    // per pixel (huge images) stays at the pixel centre.
    let spread = if ss > 1 { 1.5 } else { 1.0 };
    let ctx = Ctx {
        date: scene.date,
        fp: units_per_pixel * inv_ss,
        sun: scene.light.sun,
        noise: Noise::new(scene.seed, 1),
    };
    let sensor = Noise::new(scene.seed, 2 + scene.date.index() as u32);
    let light = &scene.light;
    for (r, row) in out.chunks_exact_mut(size as usize * 3).enumerate() {
        let py = first_row + r;
        for (px, pixel) in row.chunks_exact_mut(3).enumerate() {
            let mut acc = [0.0f32; 3];
            for sy in 0..ss {
                for sx in 0..ss {
                    let ox = 0.5 + ((sx as f32 + 0.5) * inv_ss - 0.5) * spread;
                    let oy = 0.5 + ((sy as f32 + 0.5) * inv_ss - 0.5) * spread;
                    let x = (px as f32 + ox) * units_per_pixel;
                    let y = (py as f32 + oy) * units_per_pixel;
                    let c = sample(scene, grid, &ctx, x, y);
                    for k in 0..3 {
                        acc[k] += c[k];
                    }
                }
            }
            // The camera: exposure, colour balance, haze, then sensor noise (mostly luminance,
            // a little chroma), so that no two dates have identical pixels.
            let h = sensor.hash(px as i32, py as i32);
            let luma = ((h & 0xFF) as f32 + ((h >> 8) & 0xFF) as f32) / 255.0 - 1.0;
            let grey = (acc[0] + acc[1] + acc[2]) / 3.0;
            for k in 0..3 {
                let chroma = ((h >> (16 + 5 * k)) & 31) as f32 / 31.0 - 0.5;
                // Slightly muted colours, as from a real multispectral sensor.
                let muted = grey + (acc[k] - grey) * 0.88;
                let v = muted * inv_ss * inv_ss * light.gain * light.tint[k] + light.haze[k];
                let v = v * 255.0 + 2.0 * luma + 1.2 * chroma;
                pixel[k] = (v.clamp(0.0, 255.0) + 0.5) as u8;
            }
        }
    }
}

/// The light reaching the camera from one point of the site.
fn sample(scene: &Scene, grid: &Grid, ctx: &Ctx, x: f32, y: f32) -> Rgb {
    let cell = Grid::cell(x, y);
    let candidates = &grid.structures[cell];
    let mut top: Option<&Structure> = None;
    let mut z = 0.0;
    for &i in candidates {
        let s = &scene.structures[i as usize];
        if s.top > z && s.shape.contains(x, y) {
            top = Some(s);
            z = s.top;
        }
    }
    let shade = match top {
        Some(s) => s.surface.shade(x, y, &s.shape, ctx),
        None => {
            let patch = grid.patches[cell]
                .iter()
                .rev()
                .map(|&i| &scene.patches[i as usize])
                .find(|p| p.shape.contains(x, y))
                .unwrap_or(&scene.background);
            patch.surface.shade(x, y, &patch.shape, ctx)
        }
    };
    let light = &scene.light;
    let mut lit = 1.0f32;
    for &i in candidates {
        let s = &scene.structures[i as usize];
        if s.top <= z + 0.01 {
            continue;
        }
        if casts_shadow(s, [x, y, z], light) {
            lit *= 1.0 - s.shadow;
            if lit <= 0.0 {
                break;
            }
        }
    }
    let direct = shade.sun * lit;
    // Fine grain on every surface, which shows only when a pixel is a few centimetres.
    let grain = 1.0 + 0.08 * ctx.noise.with(99).fbm(x, y, 0.8, 2, ctx.fp);
    [0, 1, 2].map(|k| grain * shade.albedo[k] * (light.ambient[k] + light.direct[k] * direct))
}

/// Whether `s` stands between the point `p` (x, y, height) and the sun.
fn casts_shadow(s: &Structure, p: [f32; 3], light: &Light) -> bool {
    if let Shape::Crown { cx, cy, r, .. } = s.shape {
        // A crown is an ellipsoid between the structure's base and top: its shadow is an ellipse
        // drawn out away from the sun, not a prism's. Squash height so it becomes a sphere.
        let half_height = (s.top - s.base) / 2.0;
        let k = r / half_height;
        let d = [p[0] - cx, p[1] - cy, (p[2] - (s.base + half_height)) * k];
        let dir = [light.sun[0], light.sun[1], light.sun[2] * k];
        let dot = |a: [f32; 3], b: [f32; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        let t = (-dot(d, dir) / dot(dir, dir)).max(0.0);
        let q = [d[0] + t * dir[0], d[1] + t * dir[1], d[2] + t * dir[2]];
        // Foliage lets light through at its rim.
        return dot(q, q) < (0.85 * r) * (0.85 * r);
    }
    let near = (s.base - p[2]).max(0.0) * light.shadow_per_height;
    let far = (s.top - p[2]) * light.shadow_per_height;
    let [tx, ty] = light.towards_sun;
    s.shape.hit_by_segment(
        [p[0] + tx * near, p[1] + ty * near],
        [p[0] + tx * far, p[1] + ty * far],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_images_are_supersampled_and_huge_ones_are_not() {
        assert_eq!(supersampling(256), 3);
        assert_eq!(supersampling(2048), 2);
        assert_eq!(supersampling(16384), 1);
    }

    #[test]
    fn the_grid_covers_the_whole_reference_frame() {
        assert_eq!(Grid::cell(-500.0, -500.0), 0);
        assert_eq!(Grid::cell(5000.0, 5000.0), GRID_CELLS * GRID_CELLS - 1);
        assert_eq!(cells_of([0.0, 0.0, 1.0, 1.0]).count(), 1);
    }
}
