//! Evidence attachments: files under `content/evidence/` that records list in `evidence:`.
//! Each is checked to exist inside that folder, hashed, and later copied into the site.

use std::collections::BTreeMap;
use std::io::Read;
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

/// Finds, checks and hashes every evidence file the records list.
pub fn load_evidence(
    content_dir: &Path,
    model: &Model,
) -> (BTreeMap<String, EvidenceFile>, Vec<Diagnostic>) {
    let mut found = BTreeMap::new();
    let mut diagnostics = Vec::new();
    let references = model
        .controls
        .values()
        .map(|c| (&c.evidence, &c.source))
        .chain(model.exceptions.values().map(|e| (&e.evidence, &e.source)))
        .chain(model.incidents.values().map(|i| (&i.evidence, &i.source)));
    for (paths, source) in references {
        for (i, path) in paths.iter().enumerate() {
            if found.contains_key(path) {
                continue;
            }
            match resolve(content_dir, path) {
                Ok(file) => {
                    found.insert(path.clone(), file);
                }
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
    let not_found = || {
        format!(
            "evidence file `{path}` not found: put it in {}",
            folder.display()
        )
    };
    // No part of the way may be a symbolic link: it could lead out of the content directory.
    let mut source: PathBuf = folder.clone();
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
    if !std::fs::symlink_metadata(&source).is_ok_and(|m| m.is_file()) {
        return Err(format!(
            "evidence `{path}` is not a regular file (folders and devices are not copied)"
        ));
    }
    let (size, sha256) =
        hash_file(&source).map_err(|error| format!("cannot read evidence `{path}`: {error}"))?;
    Ok(EvidenceFile {
        path: path.to_string(),
        size,
        sha256,
        source,
    })
}

/// Size and SHA-256 of a file, streamed so large attachments need little memory.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut size = 0;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((size, hex(&hasher.finalize())))
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
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
