//! The auditor package: the whole site, exports, evidence and manifest in one zip archive,
//! with entries in path order and every timestamp set to the as-of date, so two packages of
//! the same input are byte-identical.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::model::Day;
use crate::output::OutputFile;

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

/// Writes `files` into a zip at `path`, each under `folder/`. The archive is written to a
/// temporary file next to `path` and renamed into place only when complete.
pub fn write_zip(
    files: &[OutputFile],
    folder: &str,
    as_of: Day,
    path: &Path,
) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let partial = path.with_extension("zip.partial");
    let result = write_entries(files, folder, as_of, &partial).and_then(|()| {
        std::fs::rename(&partial, path)
            .with_context(|| format!("moving the archive to {}", path.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn write_entries(
    files: &[OutputFile],
    folder: &str,
    as_of: Day,
    path: &Path,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(timestamp(as_of))
        .unix_permissions(0o644);
    let mut sorted: Vec<&OutputFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for entry in sorted {
        let name = format!("{folder}/{}", entry.path);
        zip.start_file(name.as_str(), options)
            .with_context(|| format!("adding {name}"))?;
        zip.write_all(&entry.bytes)
            .with_context(|| format!("adding {name}"))?;
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
        let files = vec![
            OutputFile::new("index.html", "home"),
            OutputFile::new("a/b.txt", "b"),
        ];
        let day: Day = "2026-11-01".parse().unwrap();
        let (first, second) = (dir.path().join("a.zip"), dir.path().join("b.zip"));
        write_zip(&files, "site", day, &first).unwrap();
        write_zip(&files, "site", day, &second).unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            std::fs::read(&second).unwrap()
        );
    }
}
