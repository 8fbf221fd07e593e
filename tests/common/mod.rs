//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

/// Writes into `dir` a copy of every built-in page template (those extending `base.html`),
/// each with a comment appended outside its blocks: the pages look the same, but as
/// templates replaced with `--templates` they are rendered whole by Tera, never written by
/// govsite's Rust fast paths or put into a cached frame. Returns the folder.
pub fn replaced_page_templates(dir: &Path) -> PathBuf {
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut replaced = 0;
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if text.starts_with(r#"{% extends "base.html" %}"#) {
            let copy = format!("{text}{{# copy #}}\n");
            std::fs::write(templates.join(path.file_name().unwrap()), copy).unwrap();
            replaced += 1;
        }
    }
    assert!(replaced >= 15, "only {replaced} page templates found");
    templates
}

/// Whether two sites (path -> bytes) have the same files; if not, names the first file
/// that differs, with the text around the first difference. The manifests are compared
/// last, since they differ whenever a page does.
pub fn same_files<'a>(
    what: &str,
    expected: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    actual: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<(), String> {
    let expected: std::collections::BTreeMap<_, _> = expected.into_iter().collect();
    let actual: std::collections::BTreeMap<_, _> = actual.into_iter().collect();
    if !expected.keys().eq(actual.keys()) {
        return Err(format!(
            "{what}: not the same files: {:?} against {:?}",
            expected.keys().collect::<Vec<_>>(),
            actual.keys().collect::<Vec<_>>()
        ));
    }
    let last = |path: &&str| path.starts_with("SHA256SUMS") || path.starts_with(".govsite");
    let (seals, pages): (Vec<&str>, Vec<&str>) = expected.keys().copied().partition(last);
    for path in pages.into_iter().chain(seals) {
        let (want, got) = (expected[path], actual[path]);
        if want != got {
            let at = want.iter().zip(got).take_while(|(a, b)| a == b).count();
            let around = |bytes: &[u8]| {
                let from = at.saturating_sub(80);
                String::from_utf8_lossy(&bytes[from..(at + 80).min(bytes.len())]).into_owned()
            };
            return Err(format!(
                "{what}: {path} differs at byte {at}\n  expected: {:?}\n  actual:   {:?}",
                around(want),
                around(got)
            ));
        }
    }
    Ok(())
}
