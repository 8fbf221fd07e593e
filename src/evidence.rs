//! Evidence attachments: files under `content/evidence/` that records list in `evidence:`.
//! Each is checked to exist inside that folder, hashed, and later copied into the site from
//! a handle that refuses symbolic links, checked against that hash as it is copied.
//!
//! Files a browser could run as a page (HTML, SVG, XML, scripts, and any type not on the
//! list of passive formats) are published with `.txt` appended, so a browser or docs host
//! shows their text and never runs it: an author cannot put script on the site this way.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;
use crate::model::{EvidenceFile, Model, Source};

/// The folder under the content directory that holds evidence files.
pub const FOLDER: &str = "evidence";

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hexadecimal, as `sha256sum` prints it.
pub fn hex(digest: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(digest.len() * 2);
    for byte in digest {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// Evidence types published under their own name: documents, images, data and archives that
/// browsers display without running anything from the site's origin.
const PASSIVE: &[&str] = &[
    "7z", "asc", "avif", "bmp", "cer", "crt", "csv", "der", "doc", "docx", "eml", "gif", "gz",
    "jpeg", "jpg", "json", "log", "md", "mp3", "mp4", "msg", "odp", "ods", "odt", "ogg", "pdf",
    "pem", "png", "ppt", "pptx", "pub", "rtf", "sig", "tar", "tgz", "tif", "tiff", "toml", "tsv",
    "txt", "wav", "webm", "webp", "xls", "xlsx", "yaml", "yml", "zip",
];

/// Where the copy of evidence `path` goes under `evidence/`: the same path for a passive
/// type (`PASSIVE`, any letter case), else `path.txt`.
pub fn published_path(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let passive = name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty() && PASSIVE.contains(&extension.to_ascii_lowercase().as_str())
    });
    if passive {
        path.to_string()
    } else {
        format!("{path}.txt")
    }
}

/// Finds, checks and hashes every evidence file the records list.
pub fn load_evidence(
    content_dir: &Path,
    model: &Model,
) -> (BTreeMap<String, EvidenceFile>, Vec<Diagnostic>) {
    let mut found = BTreeMap::new();
    // Published name -> the evidence path that has it.
    let mut published: BTreeMap<String, String> = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let references = model
        .controls
        .values()
        .map(|c| (&c.evidence, &c.source))
        .chain(model.exceptions.values().map(|e| (&e.evidence, &e.source)))
        .chain(model.incidents.values().map(|i| (&i.evidence, &i.source)))
        .chain(model.reviews.values().map(|r| (&r.evidence, &r.source)));
    for (paths, source) in references {
        for (i, path) in paths.iter().enumerate() {
            if found.contains_key(path) {
                continue;
            }
            match resolve(content_dir, path) {
                Ok(file) => match published.get(&file.published) {
                    Some(other) => diagnostics.push(problem(
                        source,
                        i,
                        format!(
                            "evidence `{path}` would be published as `{}`, like `{other}`: rename one of them",
                            file.published
                        ),
                    )),
                    None => {
                        published.insert(file.published.clone(), path.clone());
                        found.insert(path.clone(), file);
                    }
                },
                Err(message) => diagnostics.push(problem(source, i, message)),
            }
        }
    }
    (found, diagnostics)
}

fn problem(source: &Source, index: usize, message: String) -> Diagnostic {
    Diagnostic::error(
        &source.path,
        source.pos(&format!("evidence[{index}]")),
        message,
    )
}

/// Checks that `path` names a regular file inside `content/evidence/` and hashes it.
fn resolve(content_dir: &Path, path: &str) -> Result<EvidenceFile, String> {
    let safe = !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if !safe {
        return Err(format!(
            "evidence path `{path}` is not allowed: give a path under {FOLDER}/ using only letters, digits, `.`, `_`, `-` and `/` (no `..`)"
        ));
    }
    let folder = content_dir.join(FOLDER);
    let source = no_symlink_on_the_way(&folder, path)?;
    let not_regular =
        || format!("evidence `{path}` is not a regular file (folders and devices are not copied)");
    let mut file = open_regular(&source).map_err(|error| match error.kind() {
        std::io::ErrorKind::InvalidInput => not_regular(),
        _ => format!("cannot read evidence `{path}`: {error}"),
    })?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let mut hasher = Sha256::new();
    let mut git = sha1::Sha1::new();
    git.update(format!("blob {size}\0"));
    let read = stream(&mut file, &mut |chunk| {
        hasher.update(chunk);
        git.update(chunk);
        Ok(())
    })
    .map_err(|error| format!("cannot read evidence `{path}`: {error}"))?;
    if read != size {
        return Err(format!(
            "evidence `{path}` changed while it was read: check again when nothing writes to it"
        ));
    }
    Ok(EvidenceFile {
        path: path.to_string(),
        published: published_path(path),
        size,
        sha256: hex(&hasher.finalize()),
        git_blob: hex(&git.finalize()),
        source,
    })
}

/// `folder/path`, when no part of the way there is a symbolic link: it could lead out of
/// the content directory.
fn no_symlink_on_the_way(folder: &Path, path: &str) -> Result<PathBuf, String> {
    let not_found = || {
        format!(
            "evidence file `{path}` not found: put it in {}",
            folder.display()
        )
    };
    let mut source: PathBuf = folder.to_path_buf();
    for part in std::iter::once(None).chain(path.split('/').map(Some)) {
        if let Some(part) = part {
            source.push(part);
        }
        let metadata = std::fs::symlink_metadata(&source).map_err(|_| not_found())?;
        if metadata.file_type().is_symlink() {
            return Err(format!(
                "evidence `{path}` goes through the symbolic link {}: copy the file into {} instead",
                source.display(),
                folder.display()
            ));
        }
    }
    Ok(source)
}

/// Opens `path` for reading without following a symbolic link in its last part, and only
/// if it is a regular file (a FIFO would block, a device never end): `InvalidInput` if not.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(std::io::ErrorKind::InvalidInput.into())
    }
}

/// Reads `file` to its end in 256 KiB pieces, handing each to `each`; returns the size read.
fn stream(
    file: &mut std::fs::File,
    each: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    let mut buffer = vec![0; 256 * 1024];
    let mut size = 0;
    loop {
        let read = match file.read(&mut buffer) {
            Ok(0) => return Ok(size),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        size += read as u64;
        each(&buffer[..read])?;
    }
}

/// Copies evidence into `out` from a handle that refuses symbolic links, hashing what it
/// copies: fails unless the bytes copied are exactly those hashed when the content was read
/// (a file swapped or changed since would otherwise be published under the old hash).
pub fn copy_verified(file: &EvidenceFile, out: &mut dyn Write) -> std::io::Result<()> {
    let changed = || {
        std::io::Error::other(format!(
            "evidence `{}` changed after it was checked: build again when nothing writes to it",
            file.path
        ))
    };
    let mut source = open_regular(&file.source).map_err(|error| match error.kind() {
        std::io::ErrorKind::InvalidInput => changed(),
        _ => error,
    })?;
    let mut hasher = Sha256::new();
    let size = stream(&mut source, &mut |chunk| {
        hasher.update(chunk);
        out.write_all(chunk)
    })?;
    if size != file.size || hex(&hasher.finalize()) != file.sha256 {
        return Err(changed());
    }
    Ok(())
}

/// `1536` -> `1.5 KiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_like_sha256sum() {
        // `printf abc | sha256sum`
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn refuses_paths_that_leave_the_evidence_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("evidence")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        for bad in [
            "../secret.txt",
            "/etc/passwd",
            "a//b",
            "",
            "with space.pdf",
            "./x",
        ] {
            assert!(
                resolve(dir.path(), bad)
                    .unwrap_err()
                    .contains("not allowed"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn resolves_and_hashes_a_file_in_a_subfolder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("evidence/2026")).unwrap();
        std::fs::write(dir.path().join("evidence/2026/log.txt"), "abc").unwrap();
        let file = resolve(dir.path(), "2026/log.txt").unwrap();
        assert_eq!((file.size, file.sha256.len()), (3, 64));
        assert!(resolve(dir.path(), "2026/missing.txt")
            .unwrap_err()
            .contains("not found"));
    }

    #[test]
    fn publishes_active_types_as_text() {
        assert_eq!(published_path("2026/report.pdf"), "2026/report.pdf");
        assert_eq!(published_path("scan.PNG"), "scan.PNG");
        for active in [
            "a.html", "b.svg", "c.Xhtml", "d.xml", "e.js", "f.mjs", "README", ".pdf",
        ] {
            assert_eq!(published_path(active), format!("{active}.txt"));
        }
    }

    #[test]
    fn copies_only_the_bytes_that_were_hashed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("evidence")).unwrap();
        let path = dir.path().join("evidence/log.txt");
        std::fs::write(&path, "abc").unwrap();
        let file = resolve(dir.path(), "log.txt").unwrap();
        // `printf 'blob 3\0abc' | sha1sum`, as `git hash-object` computes it.
        assert_eq!(file.git_blob, "f2ba8f84ab5c1bce84a7b441cb1959cfc7093b7f");
        let mut copy = Vec::new();
        copy_verified(&file, &mut copy).unwrap();
        assert_eq!(copy, b"abc");
        // Changed after the check: refused, whatever was copied is discarded by the caller.
        std::fs::write(&path, "abd").unwrap();
        let error = copy_verified(&file, &mut Vec::new()).unwrap_err();
        assert!(
            error.to_string().contains("changed after it was checked"),
            "{error}"
        );
        // Swapped for a link to another file: not followed.
        std::fs::write(dir.path().join("other.txt"), "abc").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(dir.path().join("other.txt"), &path).unwrap();
        assert!(copy_verified(&file, &mut Vec::new()).is_err());
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
