//! Tells the PostgreSQL tests whether they can run: `cfg(pg_available)` when the
//! PostgreSQL server binaries are installed (or under CI, where they must be, and a
//! missing server fails the tests instead of skipping them).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(pg_available)");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-changed=build.rs");
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if ci || server_binaries_found() {
        println!("cargo::rustc-cfg=pg_available");
    }
}

fn server_binaries_found() -> bool {
    let has = |d: &std::path::Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    let on_path =
        std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| has(&d)));
    on_path
        || std::fs::read_dir("/usr/lib/postgresql")
            .map(|rd| rd.flatten().any(|e| has(&e.path().join("bin"))))
            .unwrap_or(false)
}
