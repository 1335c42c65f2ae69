//! Raised things seen from above: roofs, tanks, trees, vehicles, containers and plant.

use super::{Ctx, MetalRoof, Rgb, Shade, VehicleKind, line, mix, periodic_line, scale};
use crate::demo::DemoDate;
use crate::demo::noise::wrap;
use crate::demo::shapes::Shape;

pub(super) fn metal_roof(x: f32, y: f32, roof: &MetalRoof, shape: &Shape, ctx: &Ctx) -> Shade {
    let (along, across) = if roof.ridge_along_x { (x, y) } else { (y, x) };
    let t = wrap((across - roof.origin) / roof.bay, 1.0);
    let from_ridge = (t - 0.5) * roof.bay;
    // Slopes of about 4 degrees falling away from each ridge.
    let tilt = if t < 0.5 { -0.07 } else { 0.07 };
    let normal = if roof.ridge_along_x {
        [0.0, tilt, 0.9975]
    } else {
        [tilt, 0.0, 0.9975]
    };
    let n = ctx.noise.with(21);
    let mut c = scale(
        roof.colour,
        1.0 + 0.04 * n.fbm(x, y, 40.0, 3, ctx.fp) + 0.02 * n.with(1).fbm(x, y, 2.0, 2, ctx.fp),
    );
    // Ribs run down the slope; sheet laps cross them every 6 m.
    let ribs = periodic_line(along, 0.8, 0.12, ctx.fp);
    let laps = periodic_line(across - roof.origin, 12.0, 0.12, ctx.fp);
    c = scale(c, 1.0 + 0.08 * (ribs - 0.3) - 0.10 * laps);
    if roof.weathered > 0.0 {
        // Rust streaks run down the slope from fixings.
        let streak = n.with(2).fbm(along * 1.5, across * 0.12, 6.0, 3, ctx.fp);
        let rust = ((streak - 0.25) * 3.0).clamp(0.0, 1.0) * roof.weathered;
        c = mix(c, [0.55, 0.40, 0.31], 0.6 * rust);
    }
    if roof.skylights {
        // Translucent panels in a row on the sunward side of every bay.
        let s = from_ridge.abs() / (roof.bay / 2.0);
        if t > 0.5 && (0.35..0.65).contains(&s) && wrap(along - roof.origin, 16.0) < 6.0 {
            c = [0.80, 0.83, 0.85];
        }
    }
    let ridge = line(from_ridge, 0.5, ctx.fp);
    c = mix(c, scale(roof.colour, 1.12), ridge);
    let gutter = line((roof.bay / 2.0 - from_ridge.abs()).max(0.0), 0.6, ctx.fp);
    c = scale(c, 1.0 - 0.35 * gutter);
    let edge = line(shape.edge_distance(x, y), 0.8, ctx.fp);
    c = scale(c, 1.0 - 0.25 * edge);
    Shade {
        albedo: c,
        sun: ctx.slope_light(normal),
    }
}

pub(super) fn flat_roof(x: f32, y: f32, colour: Rgb, shape: &Shape, ctx: &Ctx) -> Shade {
    let n = ctx.noise.with(22);
    let mut c = scale(
        colour,
        1.0 + 0.05 * n.fbm(x, y, 18.0, 3, ctx.fp) + 0.03 * n.with(1).fbm(x, y, 1.5, 2, ctx.fp),
    );
    // Membrane rolls one metre wide, and ponding stains.
    let seams = periodic_line(x, 2.0, 0.08, ctx.fp);
    let ponds = n.with(2).fbm(x, y, 10.0, 2, ctx.fp);
    c = scale(
        c,
        (1.0 - 0.12 * seams) * (1.0 - 0.07 * ((ponds - 0.3) * 3.0).clamp(0.0, 1.0)),
    );
    // A parapet: a light coping, and the parapet's own shade just inside it.
    let e = shape.edge_distance(x, y);
    let coping = line(e, 0.9, ctx.fp);
    let inner = line(e - 1.6, 0.7, ctx.fp);
    c = mix(c, scale(colour, 1.25), coping);
    c = scale(c, 1.0 - 0.2 * inner);
    Shade::flat(c)
}

pub(super) fn solar_roof(x: f32, y: f32, colour: Rgb, shape: &Shape, ctx: &Ctx) -> Shade {
    let roof = flat_roof(x, y, colour, shape, ctx);
    let [x0, y0, ..] = shape.bbox();
    let (lx, ly) = (x - x0, y - y0);
    let in_field = shape.edge_distance(x, y) > 6.0 && wrap(lx, 44.0) > 3.0;
    let row = wrap(ly, 7.0);
    if !in_field || row >= 4.5 {
        // The gap behind each row lies in the panels' shade.
        let behind = if in_field && row < 5.8 { 0.7 } else { 1.0 };
        return Shade {
            albedo: scale(roof.albedo, behind),
            sun: roof.sun,
        };
    }
    let cells = periodic_line(lx, 2.0, 0.06, ctx.fp).max(periodic_line(row, 1.5, 0.06, ctx.fp));
    let n = ctx.noise.with(23).fbm(x, y, 30.0, 2, ctx.fp);
    let panel = mix(
        scale([0.13, 0.17, 0.28], 1.0 + 0.05 * n),
        [0.55, 0.57, 0.60],
        0.5 * cells,
    );
    // Panels tilt 15 degrees towards the south.
    Shade {
        albedo: panel,
        sun: ctx.slope_light([0.0, 0.26, 0.97]),
    }
}

pub(super) fn tank_roof(x: f32, y: f32, shape: &Shape, ctx: &Ctx) -> Shade {
    let [x0, y0, x1, y1] = shape.bbox();
    let (cx, cy, r) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0);
    let (dx, dy) = (x - cx, y - cy);
    let d = (dx * dx + dy * dy).sqrt().max(1e-3);
    let rel = d / r;
    let mut c = scale(
        [0.80, 0.80, 0.77],
        1.0 + 0.04 * ctx.noise.with(24).fbm(x, y, 12.0, 2, ctx.fp),
    );
    let rings = line(rel - 0.35, 0.01, ctx.fp / r).max(line(rel - 0.7, 0.01, ctx.fp / r));
    c = scale(c, 1.0 - 0.2 * rings);
    c = scale(c, 1.0 - 0.3 * line(r - d, 0.7, ctx.fp));
    if d < 2.0 {
        c = [0.30, 0.30, 0.30];
    }
    // A shallow cone roof.
    let slope = 0.17;
    Shade {
        albedo: c,
        sun: ctx.slope_light([dx / d * slope, dy / d * slope, 1.0]),
    }
}

pub(super) fn chimney(x: f32, y: f32, shape: &Shape) -> Shade {
    let [x0, _, x1, _] = shape.bbox();
    let r = (x1 - x0) / 2.0;
    let d = r - shape.edge_distance(x, y);
    if d < 0.6 * r {
        Shade::flat([0.10, 0.09, 0.09])
    } else {
        Shade::flat([0.62, 0.60, 0.57])
    }
}

pub(super) fn tree(x: f32, y: f32, conifer: bool, shape: &Shape, ctx: &Ctx) -> Shade {
    let [x0, y0, x1, y1] = shape.bbox();
    let (cx, cy, r) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 2.0);
    let (dx, dy) = ((x - cx) / r, (y - cy) / r);
    let c = if conifer {
        [0.14, 0.23, 0.14]
    } else {
        match ctx.date {
            DemoDate::January => [0.37, 0.33, 0.29],
            DemoDate::April => [0.31, 0.43, 0.20],
            DemoDate::July => [0.18, 0.32, 0.14],
        }
    };
    // Leaf clumps, each a small dome of its own.
    let n = ctx.noise.with(25);
    let clumps = n.fbm(x, y, 2.5, 2, ctx.fp);
    let c = scale(c, 1.0 + 0.18 * clumps);
    // The crown as a dome.
    let nz = (1.0 - dx * dx - dy * dy).max(0.05).sqrt();
    Shade {
        albedo: c,
        sun: ctx.slope_light([dx * 0.8, dy * 0.8, nz]),
    }
}

/// Position inside a rectangular object: `u` along its long side, `v` across, both `0..1`.
fn local_uv(x: f32, y: f32, shape: &Shape) -> (f32, f32, f32) {
    let [x0, y0, x1, y1] = shape.bbox();
    let (w, h) = (x1 - x0, y1 - y0);
    if w >= h {
        ((x - x0) / w, (y - y0) / h, w)
    } else {
        ((y - y0) / h, (x - x0) / w, h)
    }
}

pub(super) fn vehicle(
    x: f32,
    y: f32,
    colour: Rgb,
    kind: VehicleKind,
    shape: &Shape,
    ctx: &Ctx,
) -> Shade {
    const GLASS: Rgb = [0.12, 0.13, 0.15];
    let (u, v, length) = local_uv(x, y, shape);
    let side = (v - 0.5).abs() * 2.0;
    let c = match kind {
        VehicleKind::Car => {
            if (0.24..0.36).contains(&u) || (0.76..0.84).contains(&u) {
                GLASS
            } else if side > 0.8 {
                scale(colour, 0.8)
            } else {
                colour
            }
        }
        VehicleKind::Truck => {
            // The cab at the far end from `x0`/`y0`, so trailers at a dock face away from it.
            if u > 0.85 {
                colour
            } else if u > 0.82 {
                [0.15, 0.15, 0.15]
            } else {
                let ribs = periodic_line(u * length, 1.2, 0.1, ctx.fp);
                scale([0.80, 0.80, 0.78], 1.0 - 0.15 * ribs)
            }
        }
        VehicleKind::Excavator => {
            if side > 0.6 {
                [0.20, 0.20, 0.19]
            } else if (0.3..0.55).contains(&u) && v < 0.5 {
                GLASS
            } else {
                colour
            }
        }
        VehicleKind::Wagon => {
            let ribs = periodic_line(u * length, 2.0, 0.2, ctx.fp);
            scale(colour, 1.0 - 0.2 * ribs)
        }
    };
    // Rounded tops catch the light along their middle.
    Shade {
        albedo: c,
        sun: 1.0 + 0.15 * (1.0 - side),
    }
}

pub(super) fn container(x: f32, y: f32, colour: Rgb, shape: &Shape, ctx: &Ctx) -> Shade {
    let (u, _, length) = local_uv(x, y, shape);
    let ribs = periodic_line(u * length, 0.7, 0.15, ctx.fp);
    let mut c = scale(colour, 1.0 - 0.15 * ribs);
    let edge = line(shape.edge_distance(x, y), 0.3, ctx.fp);
    c = mix(c, scale(colour, 0.7), edge);
    Shade::flat(c)
}

pub(super) fn hvac(x: f32, y: f32, shape: &Shape) -> Shade {
    let [x0, y0, x1, y1] = shape.bbox();
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let r = 0.32 * (x1 - x0).min(y1 - y0);
    let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
    if d < 0.3 * r {
        Shade::flat([0.55, 0.55, 0.55])
    } else if d < r {
        Shade::flat([0.24, 0.25, 0.26])
    } else {
        Shade::flat([0.72, 0.73, 0.74])
    }
}

pub(super) fn steel(x: f32, y: f32, shape: &Shape, ctx: &Ctx) -> Shade {
    let (u, _, length) = local_uv(x, y, shape);
    let lattice = periodic_line(u * length, 1.5, 0.3, ctx.fp);
    Shade::flat(scale([0.86, 0.70, 0.14], 0.7 + 0.3 * lattice))
}

pub(super) fn stack(x: f32, y: f32, colour: Rgb, shape: &Shape, ctx: &Ctx) -> Shade {
    let (u, _, length) = local_uv(x, y, shape);
    let slats = periodic_line(u * length, 1.0, 0.2, ctx.fp);
    let edge = line(shape.edge_distance(x, y), 0.3, ctx.fp);
    Shade::flat(scale(colour, (1.0 - 0.15 * slats) * (1.0 - 0.3 * edge)))
}

pub(super) fn pipe(x: f32, y: f32, shape: &Shape, ctx: &Ctx) -> Shade {
    let [x0, y0, x1, y1] = shape.bbox();
    // A cylinder lying along the long side.
    let n = if x1 - x0 >= y1 - y0 {
        let v = ((y - y0) / (y1 - y0) - 0.5) * 2.0;
        [0.0, v, (1.0 - v * v).max(0.05).sqrt()]
    } else {
        let v = ((x - x0) / (x1 - x0) - 0.5) * 2.0;
        [v, 0.0, (1.0 - v * v).max(0.05).sqrt()]
    };
    Shade {
        albedo: [0.66, 0.66, 0.64],
        sun: ctx.slope_light(n),
    }
}
