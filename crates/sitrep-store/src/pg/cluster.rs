//! A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary
//! folder, the server listening on a Unix socket in that folder only (no TCP port, no
//! password), stopped and removed when dropped — or, should the process die first, by a
//! small watchdog that waits for it.
//!
//! PostgreSQL refuses to run as root; under root the cluster's folder is given to the
//! `nobody` user and the server runs as `nobody` (through `runuser`).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The folder holding `initdb` and `pg_ctl`: on `PATH`, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's packages put them there).
pub fn binaries() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(d) = std::env::split_paths(&path).find(|d| has(d)) {
            return Some(d);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|d| has(d))
        .collect();
    versions.sort();
    versions.pop()
}

/// A running throwaway cluster.
pub struct TestCluster {
    dir: PathBuf,
    bin: PathBuf,
    as_nobody: bool,
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl TestCluster {
    /// Creates and starts a cluster, or says why it could not.
    pub fn start() -> std::result::Result<TestCluster, String> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let bin = binaries().ok_or("no PostgreSQL server binaries (initdb, pg_ctl) found on PATH or in /usr/lib/postgresql/*/bin; install the postgresql package")?;
        let dir = std::env::temp_dir().join(format!(
            "sitrep-pg-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let as_nobody = std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        let c = TestCluster {
            dir,
            bin,
            as_nobody,
        };
        if as_nobody {
            let ok = Command::new("chown")
                .args(["-R", "nobody"])
                .arg(&c.dir)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                return Err(format!(
                    "cannot give {} to the nobody user",
                    c.dir.display()
                ));
            }
        }
        let data = c.dir.join("data");
        c.run(
            "initdb",
            &[
                "-D",
                &data.display().to_string(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
        )?;
        let opts = format!(
            "-k {} -c listen_addresses= -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            c.dir.display()
        );
        c.run(
            "pg_ctl",
            &[
                "-D",
                &data.display().to_string(),
                "-l",
                &c.dir.join("server.log").display().to_string(),
                "-w",
                "-t",
                "60",
                "-o",
                &opts,
                "start",
            ],
        )?;
        c.watchdog();
        Ok(c)
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_nobody {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "nobody", "--"]).arg(exe);
            cmd
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) -> std::result::Result<(), String> {
        let out = self
            .command(tool)
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            Err(format!(
                "{tool} failed: {}{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Stops the server and removes the folder once this process is gone, however it ends.
    fn watchdog(&self) {
        let run_as = if self.as_nobody {
            "runuser -u nobody -- "
        } else {
            ""
        };
        let stop_cmd = format!(
            "{run_as}'{}' -D '{}'",
            self.bin.join("pg_ctl").display(),
            self.dir.join("data").display()
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop_cmd} -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            dir = self.dir.display()
        );
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The URL of a database of this cluster.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@{}/{database}",
            percent_encode(&self.dir.display().to_string())
        )
    }

    /// Creates a database and returns its URL.
    pub fn create_database(&self, name: &str) -> std::result::Result<String, String> {
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .map_err(|e| format!("connecting to the test cluster: {e}"))?;
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .map_err(|e| format!("creating database {name}: {e}"))?;
        Ok(self.url(name))
    }

    /// The cluster's folder (its socket is there).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.dir.join("data").display().to_string(),
                "-m",
                "immediate",
                "stop",
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
