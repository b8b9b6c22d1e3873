// Temporary: times Q1/Q3 scans alone.
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).expect("events");
    let threads: usize = std::env::args().nth(2).map_or(2, |t| t.parse().expect("n"));
    let (engine, _, _) = indicators::bench::load_events(path.as_ref(), threads).expect("load");
    let inds = indicators::bench::q1_indicators().expect("inds");
    for name in ["q1", "q3"] {
        let mut ts = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            if name == "q1" {
                std::hint::black_box(indicators::bench::q1(&engine, &inds, None).expect("q1"));
            } else {
                std::hint::black_box(indicators::bench::q3(&engine).expect("q3"));
            }
            ts.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ts.sort_by(f64::total_cmp);
        println!(
            "{name} threads {threads}: min {:.2} ms median {:.2} ms",
            ts[0], ts[15]
        );
    }
}
