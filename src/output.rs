//! The only module that writes the site: into a sibling temporary folder first, then swapped
//! in, so a failed build never leaves a half-written site behind.

use std::io::{IoSlice, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// The file that marks a folder as govsite output, so a rebuild may replace it.
pub const MARKER: &str = ".govsite";

/// One file of the site: a relative `/`-separated path and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// The marker file's text.
const MARKER_TEXT: &str = "This folder was written by govsite; `govsite build` replaces it.\n";

/// The manifest at the root of every build, in the format `sha256sum -c SHA256SUMS` checks.
pub const MANIFEST: &str = "SHA256SUMS";

/// Files every build adds besides what it renders: the marker and the manifest.
pub const SEAL_FILES: usize = 2;

/// Where rendered files go, from any rendering thread, as soon as each one is ready.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> anyhow::Result<()>;

    /// Puts a file made of `parts`, in order (a page and its large tables).
    fn put_parts(&self, path: String, parts: &[&str]) -> anyhow::Result<()> {
        self.put(OutputFile::new(path, parts.concat()))
    }

    /// Puts a file whose bytes `fill` writes, a piece at a time: a page too large to hold in
    /// memory whole. What `fill` writes may go out before it returns.
    fn put_stream(&self, path: String, fill: Fill) -> anyhow::Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes).with_context(|| format!("writing {path}"))?;
        self.put(OutputFile::new(path, bytes))
    }
}

/// Writes a file's bytes for `Sink::put_stream`.
pub type Fill<'f> = &'f mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>;

/// Keeps every file in memory: for `govsite package` and for tests.
#[derive(Default)]
pub struct Memory {
    files: Mutex<Vec<OutputFile>>,
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> anyhow::Result<()> {
        lock(&self.files).push(file);
        Ok(())
    }
}

impl Memory {
    /// The files with the marker and the manifest added, sorted by path.
    pub fn into_sealed(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        seal(&mut files);
        files
    }
}

/// Adds the govsite marker and a `SHA256SUMS` manifest covering every other file, and sorts
/// the files by path.
pub fn seal(files: &mut Vec<OutputFile>) {
    files.retain(|file| file.path != MARKER && file.path != MANIFEST);
    files.push(OutputFile::new(MARKER, MARKER_TEXT));
    let mut hashes: Vec<(String, String)> = files
        .par_iter()
        .map(|file| (file.path.clone(), crate::evidence::sha256_hex(&file.bytes)))
        .collect();
    files.push(OutputFile::new(MANIFEST, manifest(&mut hashes)));
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
}

/// The text of `SHA256SUMS` for `(path, hash)` pairs, sorted by path.
fn manifest(hashes: &mut [(String, String)]) -> String {
    hashes.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::with_capacity(hashes.len() * 100);
    for (path, hash) in hashes.iter() {
        text.push_str(hash);
        text.push_str("  ");
        text.push_str(path);
        text.push('\n');
    }
    text
}

/// Writes `files` as the new content of `out`.
pub fn write_site(out: &Path, content_dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    let writer = SiteWriter::create(out, content_dir)?;
    // A sealed list carries its own marker and manifest: `finish` writes fresh ones.
    files
        .par_iter()
        .filter(|file| file.path != MARKER && file.path != MANIFEST)
        .try_for_each(|file| writer.put(file.clone()))?;
    writer.finish()
}

/// Writes a site as it is rendered: each file goes straight into a staging folder beside
/// `out` and is hashed there, so no build holds its whole output in memory. `finish` adds
/// the marker and the manifest and swaps the folder in; dropped unfinished (a failed
/// build), it removes the staging folder and `out` stays as it was.
pub struct SiteWriter {
    out: PathBuf,
    staging: PathBuf,
    hashes: Mutex<Vec<(String, String)>>,
    /// Time spent in `put`, summed over threads, in nanoseconds.
    busy: AtomicU64,
    finished: bool,
    leftovers: Vec<String>,
}

impl SiteWriter {
    /// Checks that `out` may be replaced and creates a staging folder beside it, under a
    /// name no other run can predict, holding only the marker (so a copy left by a killed
    /// build can be recognised and removed by the next one).
    pub fn create(out: &Path, content_dir: &Path) -> anyhow::Result<SiteWriter> {
        check_out_dir(out, content_dir)?;
        let parent = parent_of(out);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        let name = file_name(out);
        let leftovers = clear_leftovers(&parent, &name);
        let staging = unique_dir(
            &parent,
            &format!(".{name}.govsite-new-{}-", std::process::id()),
        )?;
        let writer = SiteWriter {
            out: out.to_path_buf(),
            staging,
            hashes: Mutex::new(Vec::new()),
            busy: AtomicU64::new(0),
            finished: false,
            leftovers,
        };
        writer.put(OutputFile::new(MARKER, MARKER_TEXT))?;
        Ok(writer)
    }

    /// Folders of earlier, killed builds that were found beside `out` and could not be
    /// removed (each with the reason), for the caller to warn about.
    pub fn leftovers(&self) -> &[String] {
        &self.leftovers
    }

    /// How long the rendering threads spent writing and hashing files, added up.
    pub fn busy(&self) -> Duration {
        Duration::from_nanos(self.busy.load(Ordering::Relaxed))
    }

    /// Writes the marker and the manifest, then replaces `out` with the new site.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let mut hashes = std::mem::take(&mut *lock(&self.hashes));
        let manifest = manifest(&mut hashes);
        let path = self.staging.join(MANIFEST);
        std::fs::write(&path, manifest).with_context(|| format!("writing {}", path.display()))?;
        swap_in(&self.staging, &self.out)?;
        self.finished = true;
        Ok(())
    }
}

impl Sink for SiteWriter {
    fn put(&self, file: OutputFile) -> anyhow::Result<()> {
        self.write(file.path, &[&file.bytes])
    }

    fn put_parts(&self, path: String, parts: &[&str]) -> anyhow::Result<()> {
        let parts: Vec<&[u8]> = parts.iter().map(|part| part.as_bytes()).collect();
        self.write(path, &parts)
    }

    fn put_stream(&self, path: String, fill: Fill) -> anyhow::Result<()> {
        let start = Instant::now();
        let (file, target) = self.create_file(&path)?;
        let writing = |error| format!("writing {}: {error}", target.display());
        let file = file.map_err(|error| anyhow::anyhow!(writing(error)))?;
        let mut file = Hashing {
            file,
            hasher: Sha256::new(),
            busy: start.elapsed(),
        };
        let mut out = std::io::BufWriter::with_capacity(STREAM_BUFFER, &mut file);
        fill(&mut out)
            .and_then(|()| out.flush())
            .map_err(|error| anyhow::anyhow!(writing(error)))?;
        drop(out);
        self.record(path, file.hasher, file.busy);
        Ok(())
    }
}

/// The buffer between a streamed file and the disk: small pieces (the frame, the text
/// between tables, JSON tokens) are gathered, large chunks of rows go straight through.
const STREAM_BUFFER: usize = 256 * 1024;

impl SiteWriter {
    /// Writes one file of `parts` into the staging folder and records its hash.
    fn write(&self, path: String, parts: &[&[u8]]) -> anyhow::Result<()> {
        let start = Instant::now();
        let (file, target) = self.create_file(&path)?;
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update(part);
        }
        file.and_then(|mut file| write_parts(&mut file, parts))
            .with_context(|| format!("writing {}", target.display()))?;
        self.record(path, hasher, start.elapsed());
        Ok(())
    }

    /// Creates the file for `path` in the staging folder (and its folder, the first time).
    /// An error creating the file itself comes back with the path for the caller's message.
    fn create_file(&self, path: &str) -> anyhow::Result<(std::io::Result<std::fs::File>, PathBuf)> {
        let relative = Path::new(path);
        let inside = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !inside || path == MANIFEST {
            bail!("internal error: output path `{path}` leaves the site folder or is reserved");
        }
        let target = self.staging.join(relative);
        let file = match std::fs::File::create(&target) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                if let Some(folder) = target.parent() {
                    std::fs::create_dir_all(folder)
                        .with_context(|| format!("creating {}", folder.display()))?;
                }
                std::fs::File::create(&target)
            }
            other => other,
        };
        Ok((file, target))
    }

    /// Keeps a written file's hash for the manifest, and the time it took.
    fn record(&self, path: String, hasher: Sha256, busy: Duration) {
        let hash = crate::evidence::hex(&hasher.finalize());
        lock(&self.hashes).push((path, hash));
        let nanos = u64::try_from(busy.as_nanos()).unwrap_or(u64::MAX);
        self.busy.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// A file being streamed, hashed as it is written (behind a buffer, so in large pieces).
struct Hashing {
    file: std::fs::File,
    hasher: Sha256,
    /// Time spent hashing and writing: the writer's time, not the making of what is written.
    busy: Duration,
}

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let start = Instant::now();
        self.hasher.update(bytes);
        let written = self.file.write_all(bytes);
        self.busy += start.elapsed();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let start = Instant::now();
        let flushed = self.file.flush();
        self.busy += start.elapsed();
        flushed
    }
}

/// Writes `parts` one after the other, handing them all to the kernel at once (one
/// `writev` for most pages) rather than copying them into a buffer first.
fn write_parts(file: &mut std::fs::File, parts: &[&[u8]]) -> std::io::Result<()> {
    let mut slices: Vec<IoSlice> = parts
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| IoSlice::new(part))
        .collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        let written = match file.write_vectored(rest) {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            other => other?,
        };
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut rest, written);
    }
    Ok(())
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Locks a mutex, carrying on if another thread panicked while holding it (the data is a
/// plain list that stays consistent).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes `files` (plain file names) into `dir`, creating it if missing and replacing files
/// of the same names, each through a temporary file so none is ever left half written.
pub fn write_into_dir(dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|meta| !meta.is_dir()) {
        bail!(
            "cannot write into `{}`: it is not a folder; give a folder's path",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for file in files {
        let path = dir.join(&file.path);
        // Readable as any other file the user writes (the umask applies), not private.
        let mut temporary = tempfile::Builder::new()
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
            .tempfile_in(dir)
            .with_context(|| format!("creating a file in {}", dir.display()))?;
        temporary
            .write_all(&file.bytes)
            .with_context(|| format!("writing {}", path.display()))?;
        temporary
            .persist(&path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Writes `files` into a new folder `dir` (for `govsite init`), refusing to touch a folder
/// that already has something in it or is a symbolic link. The files are written into a
/// new folder of an unpredictable name beside `dir`, which is renamed to `dir` only when
/// complete: a full disk or any other failure leaves nothing behind, and nothing planted
/// in `dir` is ever written through.
pub fn write_new_dir(dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => bail!(
            "refusing to write into `{}`: it is a symbolic link; give a new folder's path",
            dir.display()
        ),
        Ok(meta) if !meta.is_dir() => bail!(
            "refusing to write into `{}`: it is a file; choose a new folder",
            dir.display()
        ),
        Ok(_) => {
            let occupied = std::fs::read_dir(dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .next()
                .is_some();
            if occupied {
                bail!(
                    "refusing to write into `{}`: it is not empty; choose a new folder",
                    dir.display()
                );
            }
        }
        Err(_) => {}
    }
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.govsite-init-", file_name(dir)))
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o777))
        .tempdir_in(&parent)
        .with_context(|| format!("creating a folder in {}", parent.display()))?;
    for file in files {
        let relative = Path::new(&file.path);
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            bail!("internal error: path `{}` leaves the folder", file.path);
        }
        let path = staging.path().join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("creating {}", folder.display()))?;
        }
        let shown = dir.join(relative);
        std::fs::File::create_new(&path)
            .and_then(|mut created| created.write_all(&file.bytes))
            .with_context(|| format!("writing {}", shown.display()))?;
    }
    // Onto a missing or still-empty `dir` only: anything put there meanwhile makes it fail.
    std::fs::rename(staging.path(), dir).with_context(|| {
        format!(
            "moving the new files into {} (did something else write there meanwhile?)",
            dir.display()
        )
    })?;
    // Renamed away: nothing is left for the handle to remove.
    let _ = staging.keep();
    Ok(())
}

/// Refuses an `--out` that would destroy something that is not an earlier govsite build.
fn check_out_dir(out: &Path, content_dir: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!(
            "refusing to write the site to `{}`: it is a symbolic link, and the site would replace what it points to; give the real folder as --out",
            out.display()
        );
    }
    let out_abs = absolute(out)?;
    let content_abs = absolute(content_dir)?;
    if content_abs.starts_with(&out_abs) {
        bail!(
            "refusing to write the site to `{}`: it contains the content directory `{}`; choose another --out",
            out.display(),
            content_dir.display()
        );
    }
    if out_abs.starts_with(&content_abs) {
        bail!(
            "refusing to write the site to `{}`: it is inside the content directory `{}`, where a build would mix output with records; choose an --out outside it",
            out.display(),
            content_dir.display()
        );
    }
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        bail!(
            "`{}` exists and is not a folder: choose another --out",
            out.display()
        );
    }
    let empty = std::fs::read_dir(out)
        .with_context(|| format!("reading {}", out.display()))?
        .next()
        .is_none();
    if !empty && !out.join(MARKER).is_file() {
        bail!(
            "refusing to replace `{}`: it is not empty and was not made by govsite (no {MARKER} file); choose another --out or empty it",
            out.display()
        );
    }
    Ok(())
}

/// An absolute, normalised path, without requiring it to exist.
pub(crate) fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let joined =
        std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
    // Resolve `..` by name first, so `missing/..` compares like the folder it names.
    let mut lexical = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let joined = lexical;
    // Resolve symlinks of the part that exists, so `./x` and a linked path compare equal.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

/// Replaces `out` with `staging` so that at every instant `out` is either the old site or
/// the new one: an atomic exchange where the system has one (Linux), else a rename of the
/// old site aside and of the new one into place.
fn swap_in(staging: &Path, out: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(out).is_err() {
        return std::fs::rename(staging, out)
            .with_context(|| format!("moving the new site into {}", out.display()));
    }
    if exchange(staging, out).is_ok() {
        // `staging` now holds the previous site.
        return std::fs::remove_dir_all(staging)
            .with_context(|| format!("removing the previous site {}", staging.display()));
    }
    // An empty folder of a name nobody can predict, which the old site replaces.
    let prefix = format!(".{}.govsite-old-{}-", file_name(out), std::process::id());
    let retired = unique_dir(&parent_of(out), &prefix)?;
    std::fs::rename(out, &retired)
        .with_context(|| format!("moving the previous site {} aside", out.display()))?;
    if let Err(error) = std::fs::rename(staging, out) {
        let _ = std::fs::rename(&retired, out);
        return Err(error).with_context(|| format!("moving the new site into {}", out.display()));
    }
    std::fs::remove_dir_all(&retired)
        .with_context(|| format!("removing the previous site {}", retired.display()))
}

/// Swaps two paths in one step (`renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |path: &Path| {
        CString::new(path.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// The folder that holds `out` (`.` for a bare name).
fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// Creates a new folder `prefix` + random letters in `parent`, failing rather than
/// reusing anything already there (a planted folder or link is never written through).
fn unique_dir(parent: &Path, prefix: &str) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        // The mode of an ordinary new folder (the umask applies), not tempfile's 0700:
        // the staging folder becomes the published site.
        .permissions(std::fs::Permissions::from_mode(0o777))
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging folder in {}", parent.display()))?;
    Ok(dir.keep())
}

/// Removes the staging and retired folders that killed builds left beside `out`: those
/// that carry the marker and whose process is gone. Returns what it left, and why.
fn clear_leftovers(parent: &Path, name: &str) -> Vec<String> {
    let prefixes = [
        format!(".{name}.govsite-new-"),
        format!(".{name}.govsite-old-"),
    ];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let path = entry.path();
        let pid: Option<u32> = rest.split('-').next().and_then(|pid| pid.parse().ok());
        if pid.is_some_and(process_is_running) {
            continue; // another build writing right now
        }
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let marked =
            is_dir && std::fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
        if marked && std::fs::remove_dir_all(&path).is_ok() {
            continue;
        }
        kept.push(format!(
            "{} looks like a copy left by an interrupted build but {}: remove it by hand",
            path.display(),
            if marked {
                "could not be removed"
            } else {
                "has no govsite marker"
            }
        ));
    }
    kept.sort();
    kept
}

/// Whether a process with this id exists (on Linux; elsewhere every id counts as running,
/// so nothing is removed that might still be written).
fn process_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<OutputFile> {
        vec![
            OutputFile::new("index.html", "home"),
            OutputFile::new("controls/A.html", "a"),
        ]
    }

    #[test]
    fn seal_adds_a_manifest_of_every_other_file() {
        let mut sealed = files();
        seal(&mut sealed);
        let paths: Vec<&str> = sealed.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, [MARKER, MANIFEST, "controls/A.html", "index.html"]);
        let manifest = String::from_utf8(sealed[1].bytes.clone()).unwrap();
        let listed: Vec<&str> = manifest
            .lines()
            .map(|line| line.split_once("  ").unwrap().1)
            .collect();
        assert_eq!(listed, [MARKER, "controls/A.html", "index.html"]);
        // `printf a | sha256sum`
        assert!(manifest.contains(
            "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  controls/A.html\n"
        ));
    }

    #[test]
    fn writes_and_replaces_an_earlier_build() {
        let dir = tempfile::tempdir().unwrap();
        let (out, content) = (dir.path().join("public"), dir.path().join("content"));
        write_site(&out, &content, &files()).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("controls/A.html")).unwrap(),
            "a"
        );
        write_site(&out, &content, &[OutputFile::new("index.html", "new")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("controls/A.html").exists(), "stale page kept");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary folders left behind");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "keep me").unwrap();
        let error = write_site(&out, &dir.path().join("content"), &files()).unwrap_err();
        assert!(
            error.to_string().contains("was not made by govsite"),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn refuses_to_write_over_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir(&content).unwrap();
        for out in [content.clone(), dir.path().to_path_buf()] {
            let error = write_site(&out, &content, &files()).unwrap_err();
            assert!(
                error.to_string().contains("contains the content directory"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_failed_write_keeps_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let (out, content) = (dir.path().join("public"), dir.path().join("content"));
        write_site(&out, &content, &files()).unwrap();
        let escaping = [OutputFile::new("../evil.html", "x")];
        assert!(write_site(&out, &content, &escaping).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
        assert!(!dir.path().join("evil.html").exists());
    }
}
