//! `masar-server backup --to DIR` and `restore --from DIR` for the embedded SQLite deployment:
//! a consistent copy of the database taken while the server runs (SQLite's online backup API),
//! then every blob the copy references (blobs are immutable and written before any row names
//! them, so each is on disk by then), each checked against its SHA-256 as it is copied, and a
//! `SHA256SUMS` file that `sha256sum -c` verifies. Uploads still in flight are left out (their
//! rows are dropped from the copy): a client resumes them by starting again. A restore verifies
//! every checksum first, then puts the files in place of a data directory holding no database
//! (the server stopped, its old data moved away).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

/// The database file's name, in a data directory and in a backup.
const DATABASE: &str = "masar.db";
/// The checksums of every file of a backup, in `sha256sum`'s format.
const SUMS: &str = "SHA256SUMS";

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub database_bytes: u64,
    pub blobs: usize,
    pub blob_bytes: u64,
}

/// Backs up the SQLite deployment whose data directory is `data_dir` into `to` (created; must
/// be empty or absent), while the server may be running.
pub fn backup(data_dir: &Path, to: &Path) -> anyhow::Result<Summary> {
    let source = data_dir.join(DATABASE);
    ensure!(source.is_file(), "no database at {}: is this a masar-server data directory?", source.display());
    if to.exists() {
        ensure!(
            std::fs::read_dir(to)?.next().is_none(),
            "{} is not empty: back up into a new directory",
            to.display()
        );
    }
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let copy = to.join(DATABASE);
    {
        let live = Connection::open_with_flags(&source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        live.busy_timeout(Duration::from_secs(30))?;
        let mut target = Connection::open(&copy)?;
        // A few hundred pages at a time: the server's writes go on between the steps, and the
        // backup starts over by itself if one lands on what it copied (SQLite's rule).
        let step = rusqlite::backup::Backup::new(&live, &mut target)?;
        step.run_to_completion(256, Duration::from_millis(5), None)?;
    }
    let target = Connection::open(&copy)?;
    // In-flight uploads have no bytes in the backup: their clients start them again.
    target.execute("DELETE FROM uploads WHERE done = 0", [])?;
    let hashes: Vec<String> = target
        .prepare("SELECT sha256 FROM blobs ORDER BY sha256")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut sums = Vec::new();
    let mut blob_bytes = 0;
    for hash in hashes {
        let relative = blob_path(&hash)?;
        let from = data_dir.join("blobs").join(&relative);
        if !from.exists() {
            // Removed by the collector since the copy was taken (nothing attached it): its rows
            // go too.
            target.execute("DELETE FROM blob_owners WHERE sha256 = ?1", [&hash])?;
            target.execute("DELETE FROM blobs WHERE sha256 = ?1", [&hash])?;
            continue;
        }
        blob_bytes += copy_checked(&from, &to.join("blobs").join(&relative), &hash)?;
        sums.push((hash, PathBuf::from("blobs").join(relative)));
    }
    target.pragma_update(None, "journal_mode", "DELETE")?;
    drop(target);
    let blobs = sums.len();
    sums.insert(0, (sha256_of(&copy)?, PathBuf::from(DATABASE)));
    write_sums(&to.join(SUMS), &sums)?;
    Ok(Summary { database_bytes: std::fs::metadata(&copy)?.len(), blobs, blob_bytes })
}

/// Restores the backup in `from` into `data_dir`, which must hold no database (stop the server
/// and move its old data away first). Every file's checksum is verified before anything is put
/// in place.
pub fn restore(from: &Path, data_dir: &Path) -> anyhow::Result<Summary> {
    let sums = read_sums(&from.join(SUMS))?;
    ensure!(
        sums.iter().any(|(_, path)| path == Path::new(DATABASE)),
        "{} has no {DATABASE}: not a masar-server backup",
        from.display()
    );
    for (hash, path) in &sums {
        let found = sha256_of(&from.join(path))?;
        ensure!(&found == hash, "{} does not match its checksum: the backup is damaged", path.display());
    }
    let target = data_dir.join(DATABASE);
    if target.exists() {
        bail!(
            "{} already holds a database: stop the server and move the data directory away before restoring",
            data_dir.display()
        );
    }
    let mut summary = Summary { database_bytes: 0, blobs: 0, blob_bytes: 0 };
    for (hash, path) in &sums {
        let bytes = copy_checked(&from.join(path), &data_dir.join(path), hash)?;
        if path == Path::new(DATABASE) {
            summary.database_bytes = bytes;
        } else {
            summary.blobs += 1;
            summary.blob_bytes += bytes;
        }
    }
    Ok(summary)
}

/// `sha256/<ab>/<hash>` under the blobs directory.
fn blob_path(hash: &str) -> anyhow::Result<PathBuf> {
    ensure!(
        hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "a blob's name is not a SHA-256"
    );
    Ok(PathBuf::from("sha256").join(&hash[..2]).join(hash))
}

/// Copies `from` to `to` (its directory made), hashing as it goes; the copy is synced and must
/// have the SHA-256 `hash`. Its size.
fn copy_checked(from: &Path, to: &Path, hash: &str) -> anyhow::Result<u64> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut input = std::fs::File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut output = std::fs::File::create(to).with_context(|| format!("cannot write {}", to.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 1024 * 1024];
    let mut size = 0;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        output.write_all(&buffer[..read])?;
        size += read as u64;
    }
    output.sync_all()?;
    ensure!(hex::encode(hasher.finalize()) == hash, "{} does not have its SHA-256", from.display());
    Ok(size)
}

fn sha256_of(path: &Path) -> anyhow::Result<String> {
    crate::uploads::hash_file(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write_sums(path: &Path, sums: &[(String, PathBuf)]) -> anyhow::Result<()> {
    let mut text = String::new();
    for (hash, file) in sums {
        text.push_str(&format!("{hash}  {}\n", file.display()));
    }
    let mut file = std::fs::File::create(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

fn read_sums(path: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}: not a masar-server backup", path.display()))?;
    text.lines()
        .map(|line| {
            let (hash, file) = line.split_once("  ").context("a line of SHA256SUMS is malformed")?;
            let file = PathBuf::from(file);
            ensure!(
                hash.len() == 64 && file.components().all(|c| matches!(c, std::path::Component::Normal(_))),
                "a line of SHA256SUMS is malformed"
            );
            Ok((hash.to_owned(), file))
        })
        .collect()
}
