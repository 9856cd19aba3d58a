//! A throw-away PostgreSQL cluster (Debian's `postgresql` package): `initdb` in a temporary
//! directory, the server on a free loopback port as a child process, stopped and its directory
//! removed when dropped. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
//! user (hence a directory under /tmp: it cannot enter root's home).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::process::{Guarded, on_free_ports, still_running};
use crate::workspace::StatusOk;

/// A running cluster; its URL names the `postgres` database of the `postgres` user. It speaks
/// TLS with a certificate for 127.0.0.1 from a certificate authority of its own (`ca_file`), so
/// the server's connections are tested encrypted and checked as a deployment makes them.
#[derive(Debug)]
pub struct Postgres {
    pub url: String,
    pub ca_file: PathBuf,
    server: Guarded,
    dir: PathBuf,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.server.terminate();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The newest installed server's `bin` directory.
pub fn bin_dir() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed: run `cargo xtask setup`")?
        .filter_map(Result::ok)
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse().ok()?, entry.path().join("bin"))))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).context("no PostgreSQL server in /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0"))
}

/// `program args…`, as the `postgres` user when this runs as root.
fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

impl Postgres {
    /// A new cluster in a temporary directory named after `name`. `durable: false` turns fsync
    /// off (tests: nothing there must survive a power cut); the load measurement keeps
    /// PostgreSQL's defaults.
    pub fn start(name: &str, durable: bool) -> Result<Self> {
        let bin = bin_dir()?;
        let dir = std::env::temp_dir().join(format!("masar-{name}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        if is_root() {
            Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status_ok()?;
        }
        let data = dir.join("data");
        let mut initdb = as_owner(&bin.join("initdb"));
        initdb.arg("-D").arg(&data);
        initdb.args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-instructions"]);
        if !durable {
            initdb.arg("--no-sync");
        }
        initdb.stdout(std::process::Stdio::null()).status_ok().context("initdb")?;
        let ca_file = make_certificates(&dir)?;
        let (guarded, port) = on_free_ports("PostgreSQL", 1, |ports| {
            let port = ports[0];
            let mut server = as_owner(&bin.join("postgres"));
            server.arg("-D").arg(&data).args(["-p", &port.to_string(), "-k"]).arg(&dir);
            server.args(["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"]);
            server
                .args(["-c", "ssl=on", "-c"])
                .arg(format!("ssl_cert_file={}", dir.join("server.crt").display()));
            server.arg("-c").arg(format!("ssl_key_file={}", dir.join("server.key").display()));
            if !durable {
                server.args([
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ]);
            }
            server.stdout(std::process::Stdio::null()).stderr(std::fs::File::create(dir.join("server.log"))?);
            let mut guarded = Guarded::spawn_group("postgres", &mut server)?;
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let ready = Command::new(bin.join("pg_isready"))
                    .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                    .status()
                    .is_ok_and(|status| status.success());
                if ready {
                    still_running(&mut guarded)?;
                    return Ok((guarded, port));
                }
                // It could not take the port (or failed otherwise): see server.log.
                still_running(&mut guarded)
                    .with_context(|| format!("see {}", dir.join("server.log").display()))?;
                if Instant::now() > deadline {
                    bail!(
                        "PostgreSQL did not accept connections within 30 s (see {})",
                        dir.join("server.log").display()
                    );
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })?;
        Ok(Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            ca_file,
            server: guarded,
            dir,
        })
    }
}

/// A certificate authority of the cluster's own (`ca.crt`) and the server's certificate it
/// signs (`server.crt`, `server.key`), named for the IP address 127.0.0.1 only: a client that
/// checks it against another name refuses it (`xtask/scripts/test_certificates.sh`).
fn make_certificates(dir: &Path) -> Result<PathBuf> {
    // This checkout's script (cargo sets the variable when it runs xtask), not the one of a
    // checkout a reused build was made in.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    let script = manifest.join("scripts/test_certificates.sh");
    let out = Command::new("sh").arg(&script).arg(dir).output().context("test_certificates.sh")?;
    if !out.status.success() {
        bail!("the test cluster's certificates: {}", String::from_utf8_lossy(&out.stderr));
    }
    // PostgreSQL takes a key only its own user can read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o600))?;
    if is_root() {
        Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.join("server.key"))
            .arg(dir.join("server.crt"))
            .status_ok()?;
    }
    Ok(dir.join("ca.crt"))
}
