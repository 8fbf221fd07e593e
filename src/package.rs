//! The auditor package: the whole site, exports, evidence and manifest in one zip archive,
//! with entries in path order and every timestamp set to the as-of date, so two packages of
//! the same input are byte-identical.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::model::Day;

/// `acme-corp-nhi-governance-2026-11-01`: the organisation (or title) as a file-name slug.
pub fn default_name(organisation: &str, title: &str, as_of: Day) -> String {
    let source = if organisation.trim().is_empty() {
        title
    } else {
        organisation
    };
    let mut slug = String::new();
    for c in source.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "govsite" } else { slug };
    let suffix = if slug.contains("governance") {
        ""
    } else {
        "-nhi-governance"
    };
    format!("{slug}{suffix}-{as_of}")
}

/// The folder the archive's entries go under: the archive's file stem when that is a plain
/// name (`acme.zip` -> `acme/`), else `default`. A stem such as `..` (from `...zip`) would
/// make entries that unzip outside the folder they are unpacked in.
pub fn folder_name(archive: &Path, default: &str) -> String {
    let stem = archive
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let plain = !stem.starts_with('.')
        && stem
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !stem.is_empty();
    if plain {
        stem
    } else {
        default.to_string()
    }
}

/// Refuses an archive path that would replace content or a folder.
pub fn check_output(archive: &Path, content_dir: &Path) -> anyhow::Result<()> {
    let content = crate::output::absolute(content_dir)?;
    if crate::output::absolute(archive)?.starts_with(&content) {
        anyhow::bail!(
            "refusing to write the package to `{}`: it is inside the content directory `{}`, and would replace or add to the records; choose a path outside it with -o",
            archive.display(),
            content_dir.display()
        );
    }
    if archive.is_dir() {
        anyhow::bail!(
            "`{}` is a folder: give the archive's file name with -o (for example {}/package.zip)",
            archive.display(),
            archive.display()
        );
    }
    Ok(())
}

/// Zips every file under `site` into `archive`, each as `folder/<path>`, in path order,
/// streaming each file (zip64 for those of 4 GiB or more). The archive is written to a new
/// temporary file of an unpredictable name beside `archive` and renamed into place only
/// when complete, so a failed or concurrent run never leaves or shares a partial archive.
pub fn write_zip(site: &Path, folder: &str, as_of: Day, archive: &Path) -> anyhow::Result<()> {
    let parent = match archive.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = archive
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let partial = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".partial")
        // An ordinary new file's mode (the umask applies), not tempfile's 0600.
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(parent)
        .with_context(|| format!("creating a temporary file in {}", parent.display()))?;
    write_entries(site, folder, as_of, partial.as_file())?;
    partial
        .persist(archive)
        .map_err(|error| error.error)
        .with_context(|| format!("moving the archive to {}", archive.display()))?;
    Ok(())
}

/// Signs the `SHA256SUMS` of the site in `site` with `key`, into `SHA256SUMS.sig` beside it.
pub fn sign_manifest(site: &Path, key: &ssh_key::PrivateKey) -> anyhow::Result<()> {
    let manifest = site.join(crate::output::MANIFEST);
    let bytes =
        std::fs::read(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let signature = crate::signing::sign(key, &bytes)?;
    let path = site.join(crate::signing::SIGNATURE);
    std::fs::write(&path, signature).with_context(|| format!("writing {}", path.display()))
}

/// The files under `root`, as sorted `/`-separated relative paths.
fn site_files(root: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.with_context(|| format!("reading {}", root.display()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push((parts.join("/"), entry.path().to_path_buf()));
        }
    }
    files.sort();
    Ok(files)
}

/// Sizes from which an entry needs zip64 (its size no longer fits the 32-bit fields).
const ZIP64_FROM: u64 = 0xFFFF_FFFF;

fn write_entries(
    site: &Path,
    folder: &str,
    as_of: Day,
    file: &std::fs::File,
) -> anyhow::Result<()> {
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(timestamp(as_of))
        .unix_permissions(0o644);
    for (relative, path) in site_files(site)? {
        let name = format!("{folder}/{relative}");
        let mut source =
            std::fs::File::open(&path).with_context(|| format!("reading {}", path.display()))?;
        let size = source.metadata().map(|m| m.len()).unwrap_or(0);
        zip.start_file(name.as_str(), options.large_file(size >= ZIP64_FROM))
            .with_context(|| format!("adding {name}"))?;
        std::io::copy(&mut source, &mut zip).with_context(|| format!("adding {name}"))?;
    }
    let mut writer = zip.finish().context("finishing the archive")?;
    writer.flush().context("writing the archive")?;
    Ok(())
}

/// Midnight of the as-of date; zip timestamps cannot go before 1980.
fn timestamp(as_of: Day) -> DateTime {
    let year = u16::try_from(as_of.year())
        .unwrap_or(1980)
        .clamp(1980, 2107);
    DateTime::from_date_and_time(year, as_of.month() as u8, as_of.day() as u8, 0, 0, 0)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_packages_by_organisation_and_date() {
        let day: Day = "2026-11-01".parse().unwrap();
        assert_eq!(
            default_name("Acme Corp", "x", day),
            "acme-corp-nhi-governance-2026-11-01"
        );
        assert_eq!(
            default_name("", "Acme NHI Governance", day),
            "acme-nhi-governance-2026-11-01"
        );
        assert_eq!(
            default_name(" ", "<>", day),
            "govsite-nhi-governance-2026-11-01"
        );
    }

    #[test]
    fn two_archives_of_the_same_files_are_identical() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("a")).unwrap();
        std::fs::write(site.join("index.html"), "home").unwrap();
        std::fs::write(site.join("a/b.txt"), "b").unwrap();
        let day: Day = "2026-11-01".parse().unwrap();
        let (first, second) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
        write_zip(&site, "site", day, &first).unwrap();
        write_zip(&site, "site", day, &second).unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.zip", "b.zip", "site"], "temporary files left");
    }

    #[test]
    fn entry_folders_are_plain_names() {
        let default = "acme-nhi-governance-2026-11-01";
        assert_eq!(folder_name(Path::new("out/acme.zip"), default), "acme");
        assert_eq!(folder_name(Path::new("v1.2.zip"), default), "v1.2");
        for unsafe_name in [
            "...zip",
            "..zip",
            ".zip",
            ".hidden.zip",
            "a b.zip",
            "x\\y.zip",
        ] {
            assert_eq!(
                folder_name(Path::new(unsafe_name), default),
                default,
                "{unsafe_name}"
            );
        }
    }
}
