//! Child processes that must not outlive the task: the demo server, Xvfb, tauri-driver.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// A child process killed when dropped.
#[derive(Debug)]
pub struct Guarded {
    pub name: &'static str,
    pub child: Child,
    /// Started as the leader of its own process group: signals go to the whole group.
    group: bool,
}

impl Guarded {
    pub fn spawn(name: &'static str, command: &mut Command) -> Result<Self> {
        let child = command.spawn().with_context(|| format!("cannot start {name}"))?;
        Ok(Self { name, child, group: false })
    }

    /// Like [`Self::spawn`], with the child and everything it starts in a new process group.
    pub fn spawn_group(name: &'static str, command: &mut Command) -> Result<Self> {
        use std::os::unix::process::CommandExt;
        let child = command.process_group(0).spawn().with_context(|| format!("cannot start {name}"))?;
        Ok(Self { name, child, group: true })
    }

    fn target(&self) -> String {
        if self.group { format!("-{}", self.child.id()) } else { self.child.id().to_string() }
    }

    /// SIGTERM, a moment to finish, then SIGKILL.
    pub fn terminate(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = Command::new("kill").arg("-TERM").arg("--").arg(self.target()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        println!("{} did not stop on SIGTERM within 5 s; killing it", self.name);
        let _ = Command::new("kill").arg("-KILL").arg("--").arg(self.target()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// A `masar-server` on a free loopback port.
#[derive(Debug)]
pub struct DemoServer {
    pub url: String,
    process: Guarded,
}

impl DemoServer {
    /// Starts the server and waits for the line that names its address. With `echo`, the demo
    /// hints it prints next are shown.
    pub fn start(binary: &Path, data_dir: &Path, echo: bool) -> Result<Self> {
        let mut process = Guarded::spawn(
            "masar-server",
            Command::new(binary)
                .args(["--demo", "--bind", "127.0.0.1:0", "--data-dir"])
                .arg(data_dir)
                .stdout(Stdio::piped()),
        )?;
        let stdout = process.child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().context("masar-server ended before it listened")??;
        let url = first
            .strip_prefix("masar-server listening on ")
            .with_context(|| format!("unexpected first line from masar-server: {first}"))?
            .to_owned();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if echo {
                    println!("{line}");
                }
            }
        });
        Ok(Self { url, process })
    }

    pub fn stop(mut self) {
        self.process.terminate();
    }
}

/// A port nobody listens on right now (another process may take it before it is used: start
/// what needs it with [`on_free_ports`]).
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts something that must be given its port numbers (it cannot pick its own and say which):
/// on ports free just now, and again on others when it did not come up there because another
/// process took one in between. `start` gets `count` ports and fails if it did not come up.
pub fn on_free_ports<T>(what: &str, count: usize, mut start: impl FnMut(&[u16]) -> Result<T>) -> Result<T> {
    const TRIES: usize = 4;
    let mut last = None;
    for _ in 0..TRIES {
        let ports = (0..count).map(|_| free_port()).collect::<Result<Vec<_>>>()?;
        match start(&ports) {
            Ok(started) => return Ok(started),
            Err(error) => {
                println!("{what} did not come up on {ports:?} ({error:#}); trying other ports");
                last = Some(error);
            }
        }
    }
    Err(last.unwrap_or_else(|| anyhow::anyhow!("no try")).context(format!("{what}: {TRIES} tries")))
}

/// Fails if `process` has already ended (it could not take its port, say).
pub fn still_running(process: &mut Guarded) -> Result<()> {
    match process.child.try_wait()? {
        None => Ok(()),
        Some(status) => bail!("{} ended: {status}", process.name),
    }
}

/// Waits until `http://127.0.0.1:port/path` answers 200.
pub fn wait_for_http(port: u16, path: &str, limit: Duration) -> Result<()> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            // The status line is enough: some servers (chromedriver) keep the connection open.
            let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
            let mut head = [0_u8; 12];
            if stream.write_all(request.as_bytes()).is_ok()
                && stream.read_exact(&mut head).is_ok()
                && head.starts_with(b"HTTP/1.1 200")
            {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("nothing answered on 127.0.0.1:{port}{path} within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A virtual X screen of 1280×800. `-displayfd` makes Xvfb pick a free display and print its
/// number, so it never clashes with another X server. Returns the process and `:N`.
pub fn start_xvfb() -> Result<(Guarded, String)> {
    let mut xvfb = Guarded::spawn(
        "Xvfb",
        Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )?;
    let mut number = String::new();
    BufReader::new(xvfb.child.stdout.take().context("no stdout")?).read_line(&mut number)?;
    anyhow::ensure!(!number.trim().is_empty(), "Xvfb did not say which display it took");
    Ok((xvfb, format!(":{}", number.trim())))
}

/// True when this process can reach a D-Bus session bus (where a desktop's keychain lives).
pub fn has_session_bus() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}

/// `program` (arguments to be added by the caller) on a private session bus with an unlocked
/// Secret Service (gnome-keyring, its files in `keyring_dir`): as a desktop session would have.
pub fn in_session_with_keyring(program: &std::path::Path, keyring_dir: &std::path::Path) -> Command {
    const SCRIPT: &str = "printf %s masar-demo | XDG_DATA_HOME=\"$1\" gnome-keyring-daemon --unlock \
                          --components=secrets >/dev/null; shift; exec \"$@\"";
    let mut command = Command::new("dbus-run-session");
    command.args(["--", "sh", "-c", SCRIPT, "sh"]).arg(keyring_dir).arg(program);
    command
}
