use super::*;
use proptest::prelude::*;

/// Rotation by 12°, scale 1.3 and 0.8, a shear and a translation: nothing special about it.
fn known() -> Affine {
    let (s, c) = 12f64.to_radians().sin_cos();
    let rotate = Affine {
        xx: c,
        xy: -s,
        tx: 0.0,
        yx: s,
        yy: c,
        ty: 0.0,
    };
    let shear = Affine {
        xy: 0.15,
        ..Affine::IDENTITY
    };
    Affine::translation(412.5, -87.25)
        .then_after(&rotate)
        .then_after(&shear)
        .then_after(&Affine::scale(1.3, 0.8))
}

fn exact_points(t: &Affine, image: &[(f64, f64)]) -> Vec<TiePoint> {
    image
        .iter()
        .map(|&(x, y)| {
            let image = Point::new(x, y);
            TiePoint {
                image,
                site: t.apply(image),
            }
        })
        .collect()
}

const CORNERS: [(f64, f64); 5] = [
    (10.0, 20.0),
    (4800.0, 35.0),
    (4750.0, 3900.0),
    (60.0, 3850.0),
    (2400.0, 1900.0),
];

#[test]
fn a_known_affine_is_recovered_from_exact_tie_points() {
    let t = known();
    let fit = fit_affine(&exact_points(&t, &CORNERS)).unwrap();
    assert!(
        fit.to_site.approx_eq(&t, 1e-9),
        "{:?} vs {t:?}",
        fit.to_site
    );
    assert!(fit.rms < 1e-9);
    assert!(fit.residuals.iter().all(|r| *r < 1e-9));
}

#[test]
fn three_points_determine_the_affine_exactly() {
    let t = known();
    let fit = fit_affine(&exact_points(&t, &CORNERS[..3])).unwrap();
    assert!(fit.to_site.approx_eq(&t, 1e-9));
}

#[test]
fn with_one_point_perturbed_its_residual_is_reported_as_the_worst() {
    let t = known();
    let mut points = exact_points(&t, &CORNERS);
    // Small noise everywhere, a 6-pixel slip on point 3.
    let noise = [
        (0.2, -0.1),
        (-0.15, 0.1),
        (0.1, 0.2),
        (6.0, 0.0),
        (-0.1, -0.2),
    ];
    for (p, (dx, dy)) in points.iter_mut().zip(noise) {
        p.site = Point::new(p.site.x + dx, p.site.y + dy);
    }
    let fit = fit_affine(&points).unwrap();
    assert_eq!(fit.worst, 3);
    assert_eq!(fit.residuals.len(), 5);
    assert!(fit.worst_residual() > 1.0, "{:?}", fit.residuals);
    assert!(fit.residuals.iter().all(|r| *r <= fit.worst_residual()));
    let rms = (fit.residuals.iter().map(|r| r * r).sum::<f64>() / 5.0).sqrt();
    assert!((fit.rms - rms).abs() < 1e-12 && fit.rms > 0.0);
    // Still close to the truth: least squares spreads the slip, it does not follow it.
    assert!(
        fit.to_site
            .apply(Point::new(2400.0, 1900.0))
            .distance(t.apply(Point::new(2400.0, 1900.0)))
            < 3.0
    );
}

#[test]
fn two_points_are_refused() {
    let points = exact_points(&known(), &CORNERS[..2]);
    assert_eq!(fit_affine(&points), Err(FitError::TooFewPoints(2)));
    assert_eq!(fit_affine(&[]), Err(FitError::TooFewPoints(0)));
}

#[test]
fn collinear_or_coincident_points_are_refused() {
    let on_a_line = exact_points(
        &known(),
        &[(0.0, 0.0), (100.0, 50.0), (300.0, 150.0), (-40.0, -20.0)],
    );
    assert_eq!(fit_affine(&on_a_line), Err(FitError::Collinear));
    let same = exact_points(&known(), &[(5.0, 5.0); 4]);
    assert_eq!(fit_affine(&same), Err(FitError::Collinear));
    // Nearly on a line: a thousandth of a pixel off over 10 000 pixels is still a line.
    let nearly = exact_points(&known(), &[(0.0, 0.0), (5000.0, 0.001), (10000.0, 0.0)]);
    assert_eq!(fit_affine(&nearly), Err(FitError::Collinear));
}

#[test]
fn non_finite_tie_points_are_refused() {
    let mut points = exact_points(&known(), &CORNERS);
    points[1].site.x = f64::NAN;
    assert_eq!(fit_affine(&points), Err(FitError::NotFinite));
}

#[test]
fn the_error_messages_say_what_to_do() {
    assert!(FitError::TooFewPoints(2).to_string().contains("at least 3"));
    assert!(FitError::Collinear.to_string().contains("one line"));
}

proptest! {
    #[test]
    fn any_well_spread_affine_is_recovered(
        xx in 0.3f64..3.0, xy in -0.5f64..0.5, tx in -5000.0f64..5000.0,
        yx in -0.5f64..0.5, yy in 0.3f64..3.0, ty in -5000.0f64..5000.0,
        ox in 0.0f64..20000.0, oy in 0.0f64..20000.0, extra in 0usize..3,
    ) {
        let t = Affine { xx, xy, tx, yx, yy, ty };
        prop_assume!(t.determinant().abs() > 0.05);
        let image: Vec<(f64, f64)> = CORNERS[..3 + extra]
            .iter()
            .map(|(x, y)| (x + ox, y + oy))
            .collect();
        let fit = fit_affine(&exact_points(&t, &image)).unwrap();
        prop_assert!(fit.to_site.approx_eq(&t, 1e-6), "{:?} vs {:?}", fit.to_site, t);
        prop_assert!(fit.rms < 1e-6);
    }
}
