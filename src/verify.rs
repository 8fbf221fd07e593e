//! `govsite verify PACKAGE.zip`: what an auditor runs on a package. It unpacks the archive
//! into a private temporary folder (refusing paths that leave it, links, special files,
//! duplicate entries and more than a size limit), checks every file against `SHA256SUMS`,
//! checks the signature `SHA256SUMS.sig` when there is one, then rebuilds the site from the
//! package's `source/` (with `source-templates/`, if any) at the recorded as-of date and
//! compares every file, byte for byte.
//!
//! The rebuilt content has no git repository, so the rebuild takes the content commit and
//! govsite build recorded in the package's `provenance.json` instead of asking git; the
//! settings it recomputes from `source/site.yaml`. Every file, `provenance.json` and
//! `data/metrics.json` included, must then come out identical.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path};

use anyhow::{bail, Context};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::evidence::hex;
use crate::exports::PROVENANCE;
use crate::output::MANIFEST;
use crate::provenance::{self, Provenance};
use crate::signing::{self, AllowedSigners, SIGNATURE};
use crate::site::{self, RenderOptions};
use crate::sources;

/// At most this many differing files are named; the count covers them all.
const NAMED: usize = 50;

/// How much a package may unpack to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of all files together, as unpacked (not as the archive claims).
    pub max_bytes: u64,
    /// Entries in the archive.
    pub max_entries: usize,
}

/// One line of the verification report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A check that passed.
    Ok(String),
    /// A check that failed; the package is not verified.
    Fail(String),
    /// A fact worth knowing (what the package says about itself).
    Note(String),
}

/// What `verify` found, in the order it checked.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<Line>,
}

impl Report {
    pub fn verified(&self) -> bool {
        !self.lines.iter().any(|line| matches!(line, Line::Fail(_)))
    }

    fn ok(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Ok(text.into()));
    }

    fn fail(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Fail(text.into()));
    }

    fn note(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Note(text.into()));
    }
}

/// Verifies the package at `archive`. An archive that cannot be unpacked safely is an
/// error; everything else found is a line of the report.
pub fn verify(
    archive: &Path,
    allowed: Option<&AllowedSigners>,
    limits: Limits,
) -> anyhow::Result<Report> {
    let scratch = tempfile::Builder::new()
        .prefix("govsite-verify-")
        .tempdir()
        .context("creating a private temporary folder")?;
    let unpacked = scratch.path().join("package");
    let package = unpack(archive, &unpacked, limits)?;
    let root = unpacked.join(&package.folder);
    let mut report = Report::default();
    check_manifest(&root, &package.hashes, &mut report);
    check_signature(&root, &package.hashes, allowed, &mut report);
    let rebuilt = scratch.path().join("rebuilt").join(&package.folder);
    rebuild_and_compare(&root, &rebuilt, &package.hashes, &mut report)?;
    Ok(report)
}

/// A package unpacked: its top folder and the SHA-256 of every file under it, by path.
struct Unpacked {
    folder: String,
    hashes: BTreeMap<String, String>,
}

/// Unpacks `archive` into the new folder `into`, hashing every file as it is written.
fn unpack(archive: &Path, into: &Path, limits: Limits) -> anyhow::Result<Unpacked> {
    let shown = archive.display();
    let mut zip = open_archive(archive, limits)?;
    std::fs::create_dir(into).with_context(|| format!("creating {}", into.display()))?;
    let mut folder: Option<String> = None;
    let mut hashes = BTreeMap::new();
    let mut total = 0u64;
    for index in 0..zip.len() {
        let mut entry = zip
            .by_index(index)
            .with_context(|| format!("reading entry {} of {shown}", index + 1))?;
        let name = entry
            .name()
            .with_context(|| format!("reading the name of entry {} of {shown}", index + 1))?
            .into_owned();
        let (top, rest) =
            split_name(&name).with_context(|| format!("entry `{name}` of {shown}"))?;
        match &folder {
            None => folder = Some(top.to_string()),
            Some(first) if first != top => {
                bail!("{shown} holds both `{first}/` and `{top}/`: a package has one top folder")
            }
            Some(_) => {}
        }
        if entry.is_dir() {
            continue;
        }
        if rest.is_empty() {
            bail!("entry `{name}` of {shown} is a file beside the package's folder, not in it");
        }
        if !is_plain_file(entry.is_symlink(), entry.unix_mode()) {
            bail!("entry `{name}` of {shown} is a symbolic link or a special file: a package holds only plain files");
        }
        let target = into.join(top).join(rest);
        let budget = limits.max_bytes.saturating_sub(total);
        let (size, hash) = write_entry(&mut entry, &target, budget)
            .with_context(|| format!("unpacking `{name}` of {shown}"))?;
        total += size;
        if total > limits.max_bytes {
            bail!(
                "{shown} unpacks to more than {} MiB: if it is genuine, raise the limit with --max-mib",
                limits.max_bytes / (1024 * 1024)
            );
        }
        hashes.insert(rest.to_string(), hash);
    }
    let folder = folder.with_context(|| format!("{shown} is empty"))?;
    Ok(Unpacked { folder, hashes })
}

/// The archive, if it has no more entries than allowed and no name twice.
fn open_archive(
    archive: &Path,
    limits: Limits,
) -> anyhow::Result<zip::ZipArchive<std::io::BufReader<std::fs::File>>> {
    let shown = archive.display();
    let file = std::fs::File::open(archive).with_context(|| format!("opening {shown}"))?;
    let zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{shown} is not a readable zip archive"))?;
    if zip.len() > limits.max_entries {
        bail!(
            "{shown} has {} entries, more than the {} a package may have",
            zip.len(),
            limits.max_entries
        );
    }
    // Unzip tools would show one of two same-named entries, and verify might check the other.
    if zip.has_duplicate_names() {
        bail!("{shown} holds the same path twice: a package never does; do not trust its files");
    }
    Ok(zip)
}

/// `folder/path/to/file` -> (`folder`, `path/to/file`), refusing anything but plain names:
/// no absolute path, `..`, `.`, empty part, backslash or control character.
fn split_name(name: &str) -> anyhow::Result<(&str, &str)> {
    let name = name.strip_suffix('/').unwrap_or(name);
    let plain = |part: &str| {
        !part.is_empty()
            && part != "."
            && part != ".."
            && !part.chars().any(|c| c.is_control() || c == '\\')
    };
    if !name.split('/').all(plain) {
        bail!("its path is not a plain relative path under the package's folder (zip-slip?)");
    }
    // Belt and braces: what the OS would make of it.
    if !Path::new(name)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        bail!("its path leaves the package's folder");
    }
    Ok(name.split_once('/').unwrap_or((name, "")))
}

/// A regular file: not a link, and a Unix mode (when given) of a regular file.
fn is_plain_file(symlink: bool, mode: Option<u32>) -> bool {
    const TYPE: u32 = 0o170000;
    const REGULAR: u32 = 0o100000;
    !symlink && mode.is_none_or(|mode| mode & TYPE == 0 || mode & TYPE == REGULAR)
}

/// Writes one entry to a new file at `target` (never over an existing one), at most
/// `budget` bytes (one more is read to tell); its size and SHA-256.
fn write_entry(entry: &mut dyn Read, target: &Path, budget: u64) -> anyhow::Result<(u64, String)> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("the archive holds this path twice")
            }
            _ => anyhow::Error::new(error).context(format!("creating {}", target.display())),
        })?;
    let mut out = HashingWriter {
        file: std::io::BufWriter::new(file),
        hasher: Sha256::new(),
    };
    let size = std::io::copy(&mut entry.take(budget.saturating_add(1)), &mut out)?;
    out.file.flush()?;
    Ok((size, hex(&out.hasher.finalize())))
}

struct HashingWriter<W: Write> {
    file: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.file.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Every file against `SHA256SUMS`: each listed file present with that hash, and every file
/// but the manifest and its signature listed.
fn check_manifest(root: &Path, hashes: &BTreeMap<String, String>, report: &mut Report) {
    let listed = match read_manifest(root) {
        Ok(listed) => listed,
        Err(error) => return report.fail(format!("{error:#}")),
    };
    let mut problems = Vec::new();
    for (path, hash) in &listed {
        match hashes.get(path) {
            None => problems.push(format!(
                "{path}: listed in {MANIFEST} but not in the package"
            )),
            Some(actual) if actual != hash => {
                problems.push(format!("{path}: does not match its SHA-256 in {MANIFEST}"))
            }
            Some(_) => {}
        }
    }
    for path in hashes.keys() {
        let unlisted = !listed.contains_key(path) && path != MANIFEST && path != SIGNATURE;
        if unlisted {
            problems.push(format!(
                "{path}: in the package but not listed in {MANIFEST}"
            ));
        }
    }
    if problems.is_empty() {
        report.ok(format!(
            "every file matches {MANIFEST} ({} files)",
            listed.len()
        ));
    } else {
        fail_each(report, problems);
    }
}

/// `SHA256SUMS` as `sha256sum` writes it: `<64 hex>  <path>` per line.
fn read_manifest(root: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root.join(MANIFEST))
        .with_context(|| format!("{MANIFEST}: missing or not text"))?;
    let mut listed = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(hash, path)| {
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && split_name(&format!("x/{path}")).is_ok()
        });
        let Some((hash, path)) = parsed else {
            bail!("{MANIFEST}:{}: not `SHA256  PATH`", index + 1);
        };
        if listed.insert(path.to_string(), hash.to_string()).is_some() {
            bail!("{MANIFEST}:{}: `{path}` is listed twice", index + 1);
        }
    }
    Ok(listed)
}

/// The signature, when there is one (and an allowed-signers file wants one).
fn check_signature(
    root: &Path,
    hashes: &BTreeMap<String, String>,
    allowed: Option<&AllowedSigners>,
    report: &mut Report,
) {
    if !hashes.contains_key(SIGNATURE) {
        match allowed {
            Some(_) => report.fail(format!(
                "{SIGNATURE}: missing, and --allowed-signers asks for a signed package"
            )),
            None => report.note(format!("the package is not signed (no {SIGNATURE})")),
        }
        return;
    }
    let read = |name: &str| std::fs::read(root.join(name)).unwrap_or_default();
    let signer = match signing::check(&read(MANIFEST), &read(SIGNATURE)) {
        Ok(signer) => signer,
        Err(message) => return report.fail(format!("{SIGNATURE}: {message}")),
    };
    let key = format!("{} key {}", signer.key.algorithm(), signer.fingerprint);
    match allowed.map(|allowed| allowed.principals(&signer)) {
        None => report.ok(format!(
            "{MANIFEST} is signed by the {key} (namespace {}); pass --allowed-signers FILE to check that this key may sign",
            signing::NAMESPACE
        )),
        Some(Ok(principals)) => report.ok(format!(
            "{MANIFEST} is signed by {principals}, {key}, allowed by the allowed-signers file"
        )),
        Some(Err(message)) => report.fail(format!("{SIGNATURE}: {message}")),
    }
}

/// Rebuilds the site from `source/` at the recorded as-of date into `rebuilt` and compares
/// every file with the package's.
fn rebuild_and_compare(
    root: &Path,
    rebuilt: &Path,
    hashes: &BTreeMap<String, String>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let source = root.join(sources::FOLDER);
    if !source.is_dir() {
        report.fail(format!(
            "{}/: missing, so the site cannot be rebuilt (packages made before govsite recorded their sources have none)",
            sources::FOLDER
        ));
        return Ok(());
    }
    let recorded = match read_provenance(root) {
        Ok(recorded) => recorded,
        Err(error) => {
            report.fail(format!("{error:#}"));
            return Ok(());
        }
    };
    describe_provenance(&recorded, report);
    let as_of = recorded.settings.as_of;
    let checked = site::check(&source, Some(as_of))?;
    if checked.has_errors() {
        let first: Vec<String> = checked
            .diagnostics
            .iter()
            .take(5)
            .map(|d| d.to_string())
            .collect();
        report.fail(format!(
            "{}/ has content errors, so the site cannot be rebuilt:\n    {}",
            sources::FOLDER,
            first.join("\n    ")
        ));
        return Ok(());
    }
    let templates = root.join(sources::TEMPLATES_FOLDER);
    let compared = root.join(sources::COMPARED);
    if compared.is_file() {
        report.note(format!(
            "rebuilt with the comparison the package was made with ({})",
            sources::COMPARED
        ));
    }
    let options = RenderOptions {
        templates: templates.is_dir().then_some(templates),
        compare: compared.is_file().then_some(compared),
        sources: true,
        recorded: Some(recorded),
    };
    if let Err(error) = site::build(&checked, &options, &source, rebuilt) {
        report.fail(format!(
            "the site could not be rebuilt from {}/: {error:#}",
            sources::FOLDER
        ));
        return Ok(());
    }
    compare(hashes, &hash_tree(rebuilt)?, as_of, report);
    Ok(())
}

/// The package's `provenance.json`.
fn read_provenance(root: &Path) -> anyhow::Result<Provenance> {
    let text = std::fs::read_to_string(root.join(PROVENANCE)).with_context(|| {
        format!("{PROVENANCE}: missing or not text, so the as-of date is unknown")
    })?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{PROVENANCE}: not the provenance this govsite writes, so the site cannot be rebuilt"
        )
    })
}

/// What the package says it was made from, and a warning when this govsite is another.
fn describe_provenance(recorded: &Provenance, report: &mut Report) {
    report.note(format!(
        "packaged by govsite {} as of {} from content {}",
        recorded.describe_govsite(),
        recorded.settings.as_of,
        recorded.describe()
    ));
    let this = provenance::describe_govsite(
        env!("CARGO_PKG_VERSION"),
        provenance::build_commit(),
        provenance::build_dirty(),
    );
    if this != recorded.describe_govsite() {
        report.note(format!(
            "this is govsite {this}: a different govsite may render differently; use the one that made the package to rebuild it byte for byte"
        ));
    }
}

/// SHA-256 of every file under `root`, by `/`-separated relative path.
fn hash_tree(root: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.with_context(|| format!("reading {}", root.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            paths.push((parts.join("/"), entry.path().to_path_buf()));
        }
    }
    paths
        .par_iter()
        .map(|(name, path)| {
            let mut file =
                std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
            let mut out = HashingWriter {
                file: std::io::sink(),
                hasher: Sha256::new(),
            };
            std::io::copy(&mut file, &mut out)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok((name.clone(), hex(&out.hasher.finalize())))
        })
        .collect()
}

/// The package's files against the rebuilt ones (the signature is not rebuilt).
fn compare(
    package: &BTreeMap<String, String>,
    rebuilt: &BTreeMap<String, String>,
    as_of: crate::model::Day,
    report: &mut Report,
) {
    let mut problems = Vec::new();
    for (path, hash) in package.iter().filter(|(path, _)| *path != SIGNATURE) {
        match rebuilt.get(path) {
            None => problems.push(format!(
                "{path}: in the package but not in the rebuilt site"
            )),
            Some(other) if other != hash => {
                problems.push(format!("{path}: differs from the rebuilt site"))
            }
            Some(_) => {}
        }
    }
    for path in rebuilt.keys().filter(|path| !package.contains_key(*path)) {
        problems.push(format!(
            "{path}: in the rebuilt site but missing from the package"
        ));
    }
    if problems.is_empty() {
        report.ok(format!(
            "the site rebuilt from {}/ as of {as_of} is byte-identical to the package ({} files)",
            sources::FOLDER,
            rebuilt.len()
        ));
    } else {
        fail_each(report, problems);
    }
}

/// One failing line per problem, the first `NAMED` of them, then how many more.
fn fail_each(report: &mut Report, problems: Vec<String>) {
    let count = problems.len();
    for problem in problems.into_iter().take(NAMED) {
        report.fail(problem);
    }
    if count > NAMED {
        report.fail(format!("... and {} more", count - NAMED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_must_stay_in_the_package_folder() {
        assert_eq!(split_name("pkg/index.html").unwrap(), ("pkg", "index.html"));
        assert_eq!(split_name("pkg/a/b.csv").unwrap(), ("pkg", "a/b.csv"));
        assert_eq!(split_name("pkg/").unwrap(), ("pkg", ""));
        for bad in [
            "/etc/passwd",
            "pkg/../../x",
            "../x",
            "pkg//x",
            "pkg/./x",
            "pkg\\..\\x",
            "pkg/a\nb",
            "",
        ] {
            assert!(split_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_regular_files_are_unpacked() {
        assert!(is_plain_file(false, None));
        assert!(is_plain_file(false, Some(0o100644)));
        assert!(!is_plain_file(true, Some(0o120777)));
        // A FIFO and a character device.
        assert!(!is_plain_file(false, Some(0o010644)));
        assert!(!is_plain_file(false, Some(0o020644)));
    }

    #[test]
    fn entries_beyond_the_budget_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a/b.txt");
        let (size, hash) = write_entry(&mut &b"abc"[..], &target, 3).unwrap();
        // `printf abc | sha256sum`
        assert_eq!(
            (size, hash.as_str()),
            (
                3,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            )
        );
        let error = write_entry(&mut &b"abc"[..], &target, 3).unwrap_err();
        assert!(error.to_string().contains("twice"), "{error}");
        let (size, _) = write_entry(&mut &b"abcd"[..], &dir.path().join("c"), 3).unwrap();
        assert_eq!(
            size, 4,
            "one byte past the budget is read, so the caller can tell"
        );
    }
}
