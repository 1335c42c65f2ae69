//! The parts of the plant that stay the same all year: surroundings, roads, yards and the
//! buildings nobody touches.

use super::{Builder, PARKING_LOTS};
use crate::demo::layout::{W1, rect};
use crate::demo::materials::{MetalRoof, Rgb, Surface};
use crate::demo::shapes::Shape;

impl Builder {
    pub(super) fn surroundings(&mut self) {
        self.ground([-50.0, -50.0, 2100.0, 66.0], Surface::Field);
        self.ground([-50.0, 66.0, 44.0, 1750.0], Surface::Field);
        let waves = [[22.0, 0.0041, 0.3], [9.0, 0.0113, 1.7]];
        self.patch(
            Shape::Meander {
                base: 1915.0,
                half_width: 100.0,
                waves,
            },
            Surface::Bank,
        );
        self.patch(
            Shape::Meander {
                base: 1915.0,
                half_width: 78.0,
                waves,
            },
            Surface::Water,
        );
        self.road([56.0, 76.0, 84.0, 1784.0]);
        self.road([-50.0, 1760.0, 2100.0, 1784.0]);
        self.road([-50.0, 76.0, 2100.0, 104.0]);
        self.ground([560.0, 104.0, 584.0, 152.0], Surface::Asphalt);
    }

    pub(super) fn compound_ground(&mut self) {
        // The fence, with the gate on the north side.
        for r in [
            [140.0, 150.0, 556.0, 151.0],
            [588.0, 150.0, 1960.0, 151.0],
            [140.0, 1739.0, 1960.0, 1740.0],
            [140.0, 150.0, 141.0, 1740.0],
            [1959.0, 150.0, 1960.0, 1740.0],
        ] {
            self.ground(r, Surface::Fence);
        }
        // Lawns, aprons and yards under the buildings.
        self.ground([152.0, 162.0, 548.0, 388.0], Surface::Grass { lawn: true });
        self.ground([596.0, 310.0, 1048.0, 392.0], Surface::Grass { lawn: true });
        self.ground([300.0, 320.0, 318.0, 400.0], Surface::Concrete);
        self.ground([1096.0, 164.0, 1548.0, 392.0], Surface::Gravel);
        self.ground([1600.0, 170.0, 1944.0, 390.0], Surface::Concrete);
        self.ground([152.0, 436.0, 548.0, 990.0], Surface::Concrete);
        self.ground([596.0, 436.0, 1048.0, 990.0], Surface::Concrete);
        self.ground([1596.0, 436.0, 1948.0, 990.0], Surface::Concrete);
        self.ground([596.0, 1036.0, 1048.0, 1310.0], Surface::Concrete);
        self.ground([596.0, 1310.0, 1048.0, 1468.0], Surface::Asphalt);
        self.ground([1760.0, 1300.0, 1930.0, 1450.0], Surface::Gravel);
        self.ground([152.0, 1508.0, 1048.0, 1606.0], Surface::Concrete);
        self.ground([1096.0, 1508.0, 1548.0, 1604.0], Surface::Concrete);
        self.ground(
            [140.0, 1606.0, 1960.0, 1628.0],
            Surface::Rail { centre: 1617.0 },
        );
        for l in PARKING_LOTS {
            self.ground([l.x0, l.y0, l.x1, l.y1], Surface::Parking(l));
        }
        // Internal roads; the east-west ones are drawn last so their markings run through.
        for r in [
            [560.0, 150.0, 584.0, 1504.0],
            [1060.0, 150.0, 1084.0, 1740.0],
            [1560.0, 150.0, 1584.0, 1740.0],
            [140.0, 400.0, 1960.0, 424.0],
            [140.0, 1000.0, 1960.0, 1024.0],
            [140.0, 1480.0, 1960.0, 1504.0],
        ] {
            self.road(r);
        }
    }

    pub(super) fn buildings(&mut self) {
        let flat = |c: Rgb| Surface::FlatRoof { colour: c };
        let metal = |colour: Rgb, ridge_along_x: bool, origin: f32, bay: f32| {
            Surface::MetalRoof(MetalRoof {
                colour,
                ridge_along_x,
                origin,
                bay,
                skylights: false,
                weathered: 0.15,
            })
        };
        // Offices, with plant rooms on the roof.
        self.building(
            &rect(200.0, 190.0, 420.0, 320.0),
            30.0,
            flat([0.44, 0.44, 0.45]),
        );
        for r in [
            [240.0, 214.0, 258.0, 230.0],
            [282.0, 214.0, 300.0, 230.0],
            [340.0, 262.0, 364.0, 280.0],
        ] {
            self.box_on(r, 30.0, 33.5, Surface::Hvac);
        }
        self.box_on(
            [378.0, 200.0, 404.0, 222.0],
            30.0,
            35.0,
            flat([0.50, 0.49, 0.48]),
        );
        self.building(
            &rect(640.0, 322.0, 820.0, 384.0),
            10.0,
            flat([0.56, 0.51, 0.46]),
        );
        // Production hall 1: five bays with skylights.
        self.building(
            &rect(190.0, 450.0, 540.0, 970.0),
            24.0,
            Surface::MetalRoof(MetalRoof {
                colour: [0.47, 0.54, 0.62],
                ridge_along_x: false,
                origin: 190.0,
                bay: 70.0,
                skylights: true,
                weathered: 0.2,
            }),
        );
        // Boiler house and its chimney.
        self.building(
            &rect(930.0, 450.0, 1040.0, 560.0),
            16.0,
            flat([0.50, 0.47, 0.45]),
        );
        self.box_on([950.0, 470.0, 980.0, 490.0], 16.0, 19.0, Surface::Hvac);
        self.raise(
            Shape::Circle {
                cx: 985.0,
                cy: 600.0,
                r: 8.0,
            },
            0.0,
            90.0,
            Surface::Chimney,
        );
        // Tank farm.
        for (cx, cy, r, top) in [
            (1680.0, 235.0, 50.0, 36.0),
            (1820.0, 235.0, 50.0, 36.0),
            (1680.0, 335.0, 38.0, 26.0),
            (1820.0, 335.0, 38.0, 26.0),
        ] {
            self.raise(Shape::Circle { cx, cy, r }, 0.0, top, Surface::TankRoof);
        }
        self.box_on([1600.0, 288.0, 1944.0, 293.0], 5.0, 8.0, Surface::Pipe);
        self.box_on([1747.0, 180.0, 1752.0, 390.0], 6.0, 9.0, Surface::Pipe);
        // Long warehouses along the rail spur.
        self.building(
            &rect(190.0, 1520.0, 1020.0, 1590.0),
            16.0,
            metal([0.42, 0.45, 0.48], true, 1520.0, 70.0),
        );
        self.building(
            &rect(1110.0, 1520.0, 1540.0, 1590.0),
            14.0,
            metal([0.60, 0.62, 0.64], true, 1520.0, 70.0),
        );
        // Substation transformers.
        for i in 0..3 {
            let x = 1785.0 + i as f32 * 45.0;
            self.box_on(
                [x, 1330.0, x + 18.0, 1346.0],
                0.0,
                6.0,
                flat([0.50, 0.51, 0.50]),
            );
        }
        // Warehouse 1, whose extension comes later.
        self.building(
            &W1,
            20.0,
            Surface::MetalRoof(MetalRoof {
                colour: [0.69, 0.70, 0.71],
                ridge_along_x: true,
                origin: 190.0,
                bay: 180.0,
                skylights: true,
                weathered: 0.1,
            }),
        );
    }
}
