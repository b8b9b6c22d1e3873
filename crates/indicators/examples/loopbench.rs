// Temporary: inner-loop variants of the scan.
use std::hint::black_box;
use std::time::Instant;
const NO: u16 = u16::MAX;
fn main() {
    let n = 10_000_000usize;
    let mut st = 1u64;
    let mut rnd = || {
        st = st
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (st >> 33) as u32
    };
    let kind: Vec<u8> = (0..n)
        .map(|_| {
            let c =
                [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5][(rnd() % 20) as usize];
            let m = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2][(rnd() % 10) as usize];
            (c << 3) | m
        })
        .collect();
    let minutes: Vec<u16> = (0..n).map(|_| (15 + rnd() % 226) as u16).collect();
    let score: Vec<u16> = (0..n).map(|_| (rnd() % 1000) as u16).collect();
    let mut kind_id = [0u8; 256];
    let mut nk = 0;
    for c in 0..6u8 {
        for m in 0..3u8 {
            kind_id[usize::from((c << 3) | m)] = nk;
            nk += 1;
        }
    }
    let nk = nk as usize;
    let standard = 800u16;
    let slot = 55usize;
    for round in 0..3 {
        // A: current
        let t = Instant::now();
        let mut packed = vec![[0u64; 2]; nk * 10];
        let mut i = 0;
        let mut g = 0;
        while i < n {
            let e = (i + slot).min(n);
            let base = (g % 10) * nk;
            g += 7;
            let block = &mut packed[base..base + nk];
            for ((&k, &m), &s) in kind[i..e].iter().zip(&minutes[i..e]).zip(&score[i..e]) {
                let valid = u64::from(s != NO);
                let meets = valid & u64::from(s >= standard);
                let w = &mut block[usize::from(kind_id[usize::from(k)])];
                w[0] += 1 | (valid << 21) | (meets << 42);
                w[1] += u64::from(m) | ((u64::from(s) * valid) << 32);
            }
            i = e;
        }
        black_box(&packed);
        let a = t.elapsed().as_secs_f64() * 1000.0;
        // B: fixed 32-wide blocks, masked index
        let t = Instant::now();
        let mut packed = vec![[[0u64; 2]; 32]; 10];
        let mut i = 0;
        let mut g = 0;
        while i < n {
            let e = (i + slot).min(n);
            let block = &mut packed[g % 10];
            g += 7;
            for ((&k, &m), &s) in kind[i..e].iter().zip(&minutes[i..e]).zip(&score[i..e]) {
                let valid = u64::from(s != NO);
                let meets = valid & u64::from(s >= standard);
                let w = &mut block[usize::from(kind_id[usize::from(k)]) & 31];
                w[0] += 1 | (valid << 21) | (meets << 42);
                w[1] += u64::from(m) | ((u64::from(s) * valid) << 32);
            }
            i = e;
        }
        black_box(&packed);
        let b = t.elapsed().as_secs_f64() * 1000.0;
        // C: raw kind index into 256-wide block (no kind_id)
        let t = Instant::now();
        let mut packed = vec![[[0u64; 2]; 256]; 10];
        let mut i = 0;
        let mut g = 0;
        while i < n {
            let e = (i + slot).min(n);
            let block = &mut packed[g % 10];
            g += 7;
            for ((&k, &m), &s) in kind[i..e].iter().zip(&minutes[i..e]).zip(&score[i..e]) {
                let valid = u64::from(s != NO);
                let meets = valid & u64::from(s >= standard);
                let w = &mut block[usize::from(k)];
                w[0] += 1 | (valid << 21) | (meets << 42);
                w[1] += u64::from(m) | ((u64::from(s) * valid) << 32);
            }
            i = e;
        }
        black_box(&packed);
        let c = t.elapsed().as_secs_f64() * 1000.0;
        // D: one packed word: n(16)|valid(16)|meets(16) plus minutes+score in second; unroll 2 blocks alternating
        let t = Instant::now();
        let mut p1 = vec![[[0u64; 2]; 256]; 10];
        let mut p2 = vec![[[0u64; 2]; 256]; 10];
        let mut i = 0;
        let mut g = 0;
        while i < n {
            let e = (i + slot).min(n);
            let gi = g % 10;
            g += 7;
            let (b1, b2) = (&mut p1[gi], &mut p2[gi]);
            let (k, m, s) = (&kind[i..e], &minutes[i..e], &score[i..e]);
            let h = k.len() / 2;
            for j in 0..h {
                for (blk, x) in [(&mut *b1, 2 * j), (&mut *b2, 2 * j + 1)] {
                    let (k, m, s) = (k[x], m[x], s[x]);
                    let valid = u64::from(s != NO);
                    let meets = valid & u64::from(s >= standard);
                    let w = &mut blk[usize::from(k)];
                    w[0] += 1 | (valid << 21) | (meets << 42);
                    w[1] += u64::from(m) | ((u64::from(s) * valid) << 32);
                }
            }
            if k.len() % 2 == 1 {
                let x = k.len() - 1;
                let (k, m, s) = (k[x], m[x], s[x]);
                let valid = u64::from(s != NO);
                let meets = valid & u64::from(s >= standard);
                let w = &mut b1[usize::from(k)];
                w[0] += 1 | (valid << 21) | (meets << 42);
                w[1] += u64::from(m) | ((u64::from(s) * valid) << 32);
            }
            i = e;
        }
        black_box((&p1, &p2));
        let d = t.elapsed().as_secs_f64() * 1000.0;
        println!("round {round}: A {a:.1} ms  B {b:.1}  C {c:.1}  D {d:.1}");
    }
}
