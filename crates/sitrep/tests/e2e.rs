//! End-to-end browser test: `tests/e2e/run.sh` starts `sitrep demo`, drives headless
//! Chromium through search → document → entity → timeline → brief → map, saves screenshots
//! under `target/e2e/` and checks what each page shows.

use std::process::Command;

#[test]
fn browser_walks_through_the_demo() {
    let have_chromium = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_chromium {
        eprintln!("SKIPPED: chromium is not installed (.ci/run installs it)");
        return;
    }
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new("bash")
        .arg("tests/e2e/run.sh")
        .current_dir(root)
        .env("SITREP_BIN", env!("CARGO_BIN_EXE_sitrep"))
        .output()
        .expect("run tests/e2e/run.sh");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "end-to-end test failed:\n{log}");
}
