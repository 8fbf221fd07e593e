//! Reading a content directory into a `Model`: finds files with walkdir, parses them in
//! parallel, and collects every problem instead of stopping at the first.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::bail;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::content::{self, parse_yaml, MAX_FILE_BYTES};
use crate::diagnostics::Diagnostic;
use crate::evidence;
use crate::markdown;
use crate::model::{
    Control, Exception, Framework, Incident, Model, Person, Process, ProcessReview, SiteConfig,
    Source, Team,
};
use crate::spans::Pos;

/// The model and every problem found while reading it.
pub struct Loaded {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `content_dir`. Fails only when the directory itself cannot be read; problems in
/// files become diagnostics.
pub fn load(content_dir: &Path) -> anyhow::Result<Loaded> {
    require_content_dir(content_dir)?;
    // The five folders and the files at the top at once: each has a serial part (listing,
    // duplicate ids, a list file parsed whole) that the others' parsing can overlap.
    // Incidents, by far the most files, start first, so their listing runs while the other
    // thread reads the top files and the smaller folders.
    let (incidents, (top, ((controls, processes), (exceptions, reviews)))) = rayon::join(
        || load_records(content_dir),
        || {
            rayon::join(
                || load_top_files(content_dir),
                || {
                    rayon::join(
                        || rayon::join(|| load_records(content_dir), || load_records(content_dir)),
                        || rayon::join(|| load_records(content_dir), || load_records(content_dir)),
                    )
                },
            )
        },
    );
    let (mut model, mut diagnostics) = top;
    // Problems in folder order, whichever folder finished first.
    model.controls = merge_folder(controls, &mut diagnostics);
    model.processes = merge_folder(processes, &mut diagnostics);
    model.exceptions = merge_folder(exceptions, &mut diagnostics);
    model.incidents = merge_folder(incidents, &mut diagnostics);
    model.reviews = merge_folder(reviews, &mut diagnostics);
    let (evidence, problems) = evidence::load_evidence(content_dir, &model);
    model.evidence = evidence;
    diagnostics.extend(problems);
    Ok(Loaded { model, diagnostics })
}

/// `site.yaml` and the list files (people, teams, frameworks): a model without records yet,
/// and the problems found in them, in that order.
fn load_top_files(content_dir: &Path) -> (Model, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut model = Model::default();
    let site_path = content_dir.join("site.yaml");
    if let Some((mut site, source)) = load_yaml_file::<SiteConfig>(&site_path, &mut diagnostics) {
        site.source = source;
        model.site = site;
    }
    let [people, teams, frameworks] = LIST_FILES;
    model.people = load_list(content_dir, people, &mut diagnostics);
    model.teams = load_list(content_dir, teams, &mut diagnostics);
    model.frameworks = load_list(content_dir, frameworks, &mut diagnostics);
    (model, diagnostics)
}

/// Fails unless `content_dir` is a directory, saying what to pass instead: every command
/// that reads content calls this before doing anything else.
pub fn require_content_dir(content_dir: &Path) -> anyhow::Result<()> {
    if content_dir.is_dir() {
        return Ok(());
    }
    let shown = content_dir.display();
    if content_dir.exists() {
        let parent = content_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| ".".to_string(), |p| p.display().to_string());
        bail!(
            "--content `{shown}` is a file, but it must be the content directory (the folder \
             that holds site.yaml, people.yaml, controls/ ...): pass --content {parent}, or \
             run `govsite init DIR` to start one"
        );
    }
    bail!(
        "content directory `{shown}` not found: pass --content DIR, or run `govsite init DIR` to start one"
    );
}

/// The list files at the top of a content directory, besides `site.yaml`.
pub const LIST_FILES: [&str; 3] = ["people.yaml", "teams.yaml", "frameworks.yaml"];

/// The folders of one record per file.
pub const RECORD_FOLDERS: [&str; 5] = [
    <Control as Record>::FOLDER,
    <Process as Record>::FOLDER,
    <Exception as Record>::FOLDER,
    <Incident as Record>::FOLDER,
    <ProcessReview as Record>::FOLDER,
];

/// Whether a `/`-separated path relative to the content directory is one a build reads as
/// content (evidence aside): `site.yaml`, a list file, or a `.md` file in a record folder
/// with no hidden part.
pub fn is_content_path(relative: &str) -> bool {
    if relative == "site.yaml" || LIST_FILES.contains(&relative) {
        return true;
    }
    let mut parts = relative.split('/');
    parts
        .next()
        .is_some_and(|folder| RECORD_FOLDERS.contains(&folder))
        && relative.ends_with(".md")
        && parts.all(|part| !part.starts_with('.'))
}

/// A parsed record with its id and its id folded to lower case.
type Named<T> = (String, String, T);

/// Records of one folder and the problems found in it.
type Folder<T> = (BTreeMap<String, T>, Vec<Diagnostic>);

/// The records of a folder, its problems appended to `diagnostics`.
fn merge_folder<T>(
    (records, problems): Folder<T>,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, T> {
    diagnostics.extend(problems);
    records
}

/// Reads a whole file as UTF-8 text, refusing files over the size limit.
fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let unreadable = |error: std::io::Error| {
        Diagnostic::error(path, Pos::START, format!("cannot read the file: {error}"))
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // The size is only a hint (the file may change while read); the limit applies to what
    // is read. Sized up front, the buffer is filled in one read instead of growing.
    let hint = file
        .metadata()
        .map_or(0, |meta| meta.len().min(MAX_FILE_BYTES));
    let mut bytes = Vec::with_capacity(hint as usize + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            path,
            Pos::START,
            format!(
                "the file is larger than {} KiB: split it, or move attachments out of the record",
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        Diagnostic::error(
            path,
            Pos { line, col },
            "the file is not valid UTF-8: save it with UTF-8 encoding",
        )
    })
}

/// Reads and parses one optional YAML file (`site.yaml`, `people.yaml` ...).
fn load_yaml_file<T: DeserializeOwned>(
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(T, Source)> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() {
        diagnostics.push(Diagnostic::warning(path, Pos::START, SYMLINK));
        return None;
    }
    if !meta.is_file() {
        diagnostics.push(Diagnostic::error(
            path,
            Pos::START,
            "not a regular file: replace it with a YAML file (or remove it)",
        ));
        return None;
    }
    let text = read_text(path)
        .map_err(|diagnostic| diagnostics.push(diagnostic))
        .ok()?;
    let parsed = parse_yaml::<Option<T>>(path, content::strip_bom(&text), 0);
    diagnostics.extend(parsed.diagnostics);
    let source = Source {
        path: path.to_path_buf(),
        spans: parsed.spans.reread_with(reread_yaml_file),
        removed: parsed.removed,
    };
    Some((parsed.value.flatten()?, source))
}

/// The text of a YAML file, read again when a position in it is needed.
fn reread_yaml_file(path: &Path) -> Option<String> {
    let text = read_text(path).ok()?;
    Some(content::strip_bom(&text).to_string())
}

/// The front matter of a record file, read again when a position in it is needed.
fn reread_front_matter(path: &Path) -> Option<String> {
    let text = read_text(path).ok()?;
    let front = content::split_front_matter(&text).ok()?;
    Some(front.yaml.to_string())
}

/// An entry of a list file (`people.yaml`, `teams.yaml`, `frameworks.yaml`).
pub trait ListEntry: DeserializeOwned {
    fn id(&self) -> &str;
    fn set_source(&mut self, source: Source, index: usize);
}

macro_rules! list_entry {
    ($($kind:ty),*) => {$(
        impl ListEntry for $kind {
            fn id(&self) -> &str {
                &self.id
            }
            fn set_source(&mut self, source: Source, index: usize) {
                self.source = source;
                self.index = index;
            }
        }
    )*};
}
list_entry!(Person, Team, Framework);

fn load_list<T: ListEntry>(
    content_dir: &Path,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, T> {
    let path = content_dir.join(file);
    let mut entries = BTreeMap::new();
    let Some((list, file_source)) = load_yaml_file::<Vec<T>>(&path, diagnostics) else {
        return entries;
    };
    // Ids become file names, so `dana` and `DANA` would collide on some file systems.
    let mut seen = std::collections::HashSet::new();
    for (index, mut entry) in list.into_iter().enumerate() {
        let source = file_source.clone();
        let id_field = format!("[{index}].id");
        if let Some(problem) = id_problem(entry.id()) {
            diagnostics.push(Diagnostic::error(&path, source.pos(&id_field), problem));
        } else if !seen.insert(entry.id().to_lowercase()) {
            diagnostics.push(Diagnostic::error(
                &path,
                source.pos(&id_field),
                format!(
                    "duplicate id `{}`: ids must be unique in {file} (ignoring case, since they become file names)",
                    entry.id()
                ),
            ));
            continue;
        }
        entry.set_source(source, index);
        entries.insert(entry.id().to_string(), entry);
    }
    entries
}

/// A record kind stored one per Markdown file in its own folder.
pub trait Record: DeserializeOwned + Send {
    /// The folder under the content directory, e.g. `controls`.
    const FOLDER: &'static str;
    /// The record kind in messages, e.g. `control`.
    const KIND: &'static str;
    fn declared_id(&self) -> Option<&str>;
    fn source(&self) -> &Source;
    fn fill(&mut self, id: String, source: Source, body_html: String);
}

macro_rules! record {
    ($($kind:ty => $folder:literal, $kind_name:literal);* $(;)?) => {$(
        impl Record for $kind {
            const FOLDER: &'static str = $folder;
            const KIND: &'static str = $kind_name;
            fn declared_id(&self) -> Option<&str> {
                self.declared_id.as_deref()
            }
            fn source(&self) -> &Source {
                &self.source
            }
            fn fill(&mut self, id: String, source: Source, body_html: String) {
                self.id = id;
                self.source = source;
                self.body_html = body_html;
            }
        }
    )*};
}

/// A boxed record loads as its record does (incidents are kept boxed, see `Model`).
impl<T: Record> Record for Box<T> {
    const FOLDER: &'static str = T::FOLDER;
    const KIND: &'static str = T::KIND;
    fn declared_id(&self) -> Option<&str> {
        (**self).declared_id()
    }
    fn source(&self) -> &Source {
        (**self).source()
    }
    fn fill(&mut self, id: String, source: Source, body_html: String) {
        (**self).fill(id, source, body_html)
    }
}

record!(
    Control => "controls", "control";
    Process => "processes", "process";
    Exception => "exceptions", "exception";
    Incident => "incidents", "incident";
    ProcessReview => "reviews", "review";
);

/// Loads every record of one kind; duplicates and unparseable files become diagnostics.
fn load_records<T: Record>(content_dir: &Path) -> Folder<T> {
    let mut diagnostics = Vec::new();
    let folder = content_dir.join(T::FOLDER);
    let files = find_record_files(&folder, &mut diagnostics);
    // The id, and the id folded to lower case, are found on the parsing threads too.
    let parsed: Vec<(Option<Named<T>>, Vec<Diagnostic>)> = files
        .into_par_iter()
        .map(|path| {
            let mut problems = Vec::new();
            let record = parse_record::<T>(path, &mut problems).ok().map(|record| {
                let id = record_id(&record.source().path);
                let folded = id.to_lowercase();
                (id, folded, record)
            });
            (record, problems)
        })
        .collect();
    // Folded id -> the last file seen with it.
    let mut seen: HashMap<String, PathBuf> =
        HashMap::with_capacity_and_hasher(parsed.len(), Default::default());
    let records = parsed.into_iter().filter_map(|(record, problems)| {
        diagnostics.extend(problems);
        let (id, folded, record) = record?;
        let path = &record.source().path;
        if let Some(first) = seen.insert(folded, path.clone()) {
            let kind = T::KIND;
            diagnostics.push(Diagnostic::error(
                path,
                Pos::START,
                format!(
                    "duplicate {kind} id `{id}`: {} has the same id (ids are compared ignoring case, since they become file names); rename one file",
                    first.display()
                ),
            ));
            return None;
        }
        Some((id, record))
    });
    // Built from all records at once, the map's nodes are full; inserted one at a time in
    // order, they would be left about half empty.
    let records = records.collect();
    (records, diagnostics)
}

/// All `.md` files under `folder`, sorted; symlinks are reported and not followed.
fn find_record_files(folder: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    match std::fs::symlink_metadata(folder) {
        Ok(meta) if meta.file_type().is_symlink() => {
            diagnostics.push(Diagnostic::warning(folder, Pos::START, SYMLINK));
            return Vec::new();
        }
        Ok(meta) if meta.is_dir() => {}
        _ => return Vec::new(),
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(folder)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        // Hidden folders (`.git`, editor state) are not content.
        .filter_entry(|e| e.depth() == 0 || !(e.file_type().is_dir() && is_hidden(e.file_name())));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(folder).to_path_buf();
                diagnostics.push(Diagnostic::error(
                    &path,
                    Pos::START,
                    format!("cannot read: {error}"),
                ));
                continue;
            }
        };
        if let Some(problem) = record_file_problem(&entry) {
            diagnostics.push(problem);
        } else if entry.file_type().is_file() && !is_hidden(entry.file_name()) {
            files.push(entry.path().to_path_buf());
        }
    }
    files
}

const SYMLINK: &str =
    "symbolic link not followed: copy the file into the content directory instead";

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Why an entry of a record folder is skipped, when the user should hear about it.
fn record_file_problem(entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let path = entry.path();
    let file_type = entry.file_type();
    let markdown = path.extension().is_some_and(|ext| ext == "md");
    let message = if entry.path_is_symlink() {
        SYMLINK
    } else if file_type.is_dir() {
        return None;
    } else if !file_type.is_file() {
        "not a regular file (a pipe, socket or device): skipped"
    } else if is_hidden(entry.file_name()) {
        if !markdown {
            return None;
        }
        "hidden file skipped: remove the leading `.` from the name to make it a record"
    } else if !markdown {
        "ignored: only `.md` files are records (rename it to .md, or move it out of this folder)"
    } else {
        return None;
    };
    Some(Diagnostic::warning(path, Pos::START, message))
}

fn record_id(path: &Path) -> String {
    path.file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// Reads and parses one record file; `Err` when nothing usable came out of it.
fn parse_record<T: Record>(path: PathBuf, diagnostics: &mut Vec<Diagnostic>) -> Result<T, ()> {
    let text = read_text(&path).map_err(|diagnostic| diagnostics.push(diagnostic))?;
    let front = content::split_front_matter(&text)
        .map_err(|message| diagnostics.push(Diagnostic::error(&path, Pos::START, message)))?;
    let parsed = parse_yaml::<T>(&path, front.yaml, front.line_offset);
    diagnostics.extend(parsed.diagnostics);
    let mut record = parsed.value.ok_or(())?;
    let id = record_id(&path);
    if let Some(problem) = id_problem(&id) {
        diagnostics.push(Diagnostic::error(
            &path,
            Pos::START,
            format!("file name: {problem}"),
        ));
        return Err(());
    }
    let source = Source {
        path,
        spans: parsed.spans.reread_with(reread_front_matter),
        removed: parsed.removed,
    };
    if let Some(declared) = record.declared_id() {
        if declared != id {
            diagnostics.push(Diagnostic::error(
                &source.path,
                source.pos("id"),
                format!("`id: {declared}` does not match the file name `{id}`: remove the `id:` line or rename the file"),
            ));
        }
    }
    let body = match markdown::render(front.body) {
        Ok(body) => body,
        Err(deep) => {
            let offset = front.body.as_ptr() as usize - text.as_ptr() as usize + deep.offset;
            diagnostics.push(Diagnostic::error(
                &source.path,
                position_of(&text, offset),
                format!(
                    "the body nests HTML more than {} elements deep from here: flatten the HTML, or write it as Markdown",
                    markdown::MAX_HTML_NESTING
                ),
            ));
            String::new()
        }
    };
    record.fill(id, source, body);
    Ok(record)
}

/// The line and column (in characters) of byte `offset` of `text`.
fn position_of(text: &str, offset: usize) -> Pos {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Pos { line, col }
}

/// Why `id` is not a valid record id, if it is not. Ids become file names in the site.
pub fn id_problem(id: &str) -> Option<String> {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if first_ok && rest_ok {
        None
    } else {
        Some(format!(
            "invalid id `{id}`: ids start with a letter or digit and use only A-Z, a-z, 0-9, `.`, `_` and `-`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_file_name_safe_ids() {
        for good in ["CTL-SECRET-ROTATION", "a", "INC-2026.031", "x_y"] {
            assert_eq!(id_problem(good), None, "{good}");
        }
        for bad in ["", "../x", "a/b", "has space", "-lead", ".hidden", "café"] {
            assert!(id_problem(bad).is_some(), "{bad:?} accepted");
        }
    }
}
