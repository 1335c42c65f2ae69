use sitediff::io::image_decode::decode_image;
use std::time::Instant;
fn main() {
    let a = "bench-data/demo16k/riverside_2024-01-15.jpg";
    let b = "bench-data/demo16k/riverside_2024-07-15.jpg";
    let t = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            let t = Instant::now();
            decode_image(a.as_ref()).unwrap();
            println!("a in pair {:?}", t.elapsed());
        });
        s.spawn(|| {
            let t = Instant::now();
            decode_image(b.as_ref()).unwrap();
            println!("b in pair {:?}", t.elapsed());
        });
    });
    println!("pair first {:?}", t.elapsed());
    let t = Instant::now();
    let _ = decode_image(b.as_ref()).unwrap();
    println!("alone b {:?}", t.elapsed());
    let t = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| decode_image(a.as_ref()).unwrap());
        s.spawn(|| decode_image(b.as_ref()).unwrap());
    });
    println!("pair again {:?}", t.elapsed());
}
