//! Embeds the migration folders into the binary as lists of `(version, description, sql)`.
//!
//! sqlx's `migrate!` macro would do this, but it needs sqlx's proc-macro crate, which compiles
//! both database drivers (and SQLite's C source) a second time for the host: minutes on a
//! two-core machine, for what is a directory listing.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for backend in ["sqlite", "postgres"] {
        let dir = Path::new("migrations").join(backend);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("migrations folder exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .collect();
        files.sort();
        writeln!(
            code,
            "pub(crate) const {}: &[(i64, &str, &str)] = &[",
            backend.to_uppercase()
        )
        .ok();
        for path in files {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name");
            let (version, description) = stem.split_once('_').expect("NNNN_description.sql");
            let version: i64 = version.parse().expect("numbered migration");
            let absolute = std::fs::canonicalize(&path).expect("path resolves");
            writeln!(
                code,
                "    ({version}, {description:?}, include_str!({:?})),",
                absolute.display()
            )
            .ok();
        }
        code.push_str("];\n");
    }
    std::fs::write(Path::new(&out).join("migrations.rs"), code).expect("OUT_DIR writable");
}
