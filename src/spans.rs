//! Positions of YAML keys and values, by field path, for pointing diagnostics into files.
//!
//! serde_yaml reports where a syntax error is but not where a field's value is, so a second,
//! event-level pass (yaml-rust2 keeps a marker per event) records the position of every node
//! under a path such as `owner_history[0].until` or `[3].team`. The pass runs only when a
//! diagnostic needs a position, so clean builds never pay for it.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A YAML text and where it sits in its file: enough to find any field's position later.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    text: Text,
    /// Lines in the file before the YAML text (the `---` line of front matter).
    line_offset: usize,
    /// Built on first use and shared by clones (all entries of `people.yaml` share one).
    /// Boxed, so the many spans never asked for a position stay small.
    built: Arc<OnceLock<Box<Index>>>,
}

/// Where the YAML text is found when positions are first needed.
#[derive(Debug, Clone)]
enum Text {
    /// Held in memory, as while a file is being parsed.
    Kept(Arc<str>),
    /// Read again from the file by this function. Few records ever need a position, so
    /// keeping every record's YAML for the whole run would cost memory for nothing.
    Reread(fn(&Path) -> Option<String>),
}

impl Default for Text {
    fn default() -> Self {
        Text::Kept(Arc::default())
    }
}

/// Every node's position, and the keys given twice.
#[derive(Debug, Default)]
struct Index {
    entries: HashMap<String, Entry>,
    duplicates: Vec<(String, Pos)>,
    /// The last line of the text and its width, to keep positions inside it.
    last_line: usize,
    last_width: usize,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Pos,
    value: Pos,
}

impl Spans {
    pub fn new(yaml: Arc<str>, line_offset: usize) -> Spans {
        Spans {
            text: Text::Kept(yaml),
            line_offset,
            built: Arc::default(),
        }
    }

    /// Drops the text, to be read again with `reread` (from the file the spans were made
    /// for) only if a position is ever asked for. An index already built is kept.
    pub fn reread_with(self, reread: fn(&Path) -> Option<String>) -> Spans {
        Spans {
            text: Text::Reread(reread),
            ..self
        }
    }

    /// Where the YAML text starts in the file.
    pub fn start(&self) -> Pos {
        Pos {
            line: self.line_offset + 1,
            col: 1,
        }
    }

    /// Position of the value at `field` in the YAML of the file at `path`, else of the
    /// nearest enclosing field that exists.
    pub fn value_pos(&self, path: &Path, field: &str) -> Pos {
        self.lookup(path, field, |entry| entry.value)
    }

    /// Position of the key naming `field` (for unknown fields), else as `value_pos`.
    pub fn key_pos(&self, path: &Path, field: &str) -> Pos {
        self.lookup(path, field, |entry| entry.key)
    }

    fn lookup(&self, path: &Path, field: &str, pick: impl Fn(&Entry) -> Pos) -> Pos {
        let index = self.index(path);
        let mut at = field;
        loop {
            if let Some(entry) = index.entries.get(at) {
                return index.clamp(pick(entry));
            }
            match parent(at) {
                Some(up) => at = up,
                None => return self.start(),
            }
        }
    }

    /// The first key that appears twice in one mapping, with the position of its repeat.
    pub fn first_duplicate(&self, path: &Path) -> Option<(String, Pos)> {
        self.index(path).duplicates.first().cloned()
    }

    fn index(&self, path: &Path) -> &Index {
        self.built.get_or_init(|| match &self.text {
            Text::Kept(yaml) => Box::new(self.build(yaml)),
            // A file that can no longer be read gives no positions: the file start is used.
            Text::Reread(reread) => Box::new(self.build(&reread(path).unwrap_or_default())),
        })
    }

    fn build(&self, yaml: &str) -> Index {
        let mut builder = Builder {
            line_offset: self.line_offset,
            ..Builder::default()
        };
        // A YAML syntax error is reported elsewhere; the positions read up to it still help.
        let _ = Parser::new_from_str(yaml).load(&mut builder, false);
        let last = yaml.split('\n').next_back().unwrap_or_default();
        Index {
            entries: builder.entries,
            duplicates: builder.duplicates,
            last_line: self.line_offset + yaml.split('\n').count(),
            last_width: last.trim_end_matches('\r').chars().count(),
        }
    }
}

impl Index {
    /// Keeps a position inside the text: the parser places an empty value at the end of a file
    /// without a final newline one line past it.
    fn clamp(&self, pos: Pos) -> Pos {
        if pos.line <= self.last_line {
            return pos;
        }
        Pos {
            line: self.last_line,
            col: self.last_width + 1,
        }
    }
}

/// `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> `` -> None.
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, Pos)>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    line_offset: usize,
    stack: Vec<Frame>,
    entries: HashMap<String, Entry>,
    /// Field paths seen a second time, with the repeated key's position, in document order.
    duplicates: Vec<(String, Pos)>,
}

impl Builder {
    fn pos(&self, mark: Marker) -> Pos {
        Pos {
            line: mark.line() + self.line_offset,
            col: mark.col() + 1,
        }
    }

    /// Records a node starting at `pos`; returns its path when it is a value (not a key).
    fn place(&mut self, pos: Pos, scalar: Option<&str>) -> Option<String> {
        let (path, key) = match self.stack.last_mut() {
            None => (String::new(), pos),
            Some(Frame::Map {
                key: slot @ None, ..
            }) => {
                *slot = Some((scalar.unwrap_or("?").to_string(), pos));
                return None;
            }
            Some(Frame::Map { path, key }) => {
                let (name, key_pos) = key.take().unwrap_or_default();
                (join(path, &name), key_pos)
            }
            Some(Frame::Seq { path, next }) => {
                *next += 1;
                (format!("{path}[{}]", *next - 1), pos)
            }
        };
        if self.entries.contains_key(&path) {
            self.duplicates.push((path.clone(), key));
        } else {
            self.entries.insert(path.clone(), Entry { key, value: pos });
        }
        Some(path)
    }

    /// yaml-rust2 marks a block mapping at its first `:`; the first child's position is where
    /// a reader expects a mapping to start.
    fn pull_container_start(&mut self, pos: Pos) {
        let path = match self.stack.last() {
            Some(Frame::Map { path, .. } | Frame::Seq { path, .. }) => path,
            None => return,
        };
        if let Some(entry) = self.entries.get_mut(path) {
            entry.value = entry.value.min(pos);
        }
    }

    fn open(&mut self, pos: Pos, map: bool) {
        // A complex (non-scalar) key gets a throwaway path; its children never matter.
        let path = self.place(pos, None).unwrap_or_else(|| "?".to_string());
        self.stack.push(if map {
            Frame::Map { path, key: None }
        } else {
            Frame::Seq { path, next: 0 }
        });
    }
}

impl Default for Pos {
    fn default() -> Self {
        Pos::START
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let pos = self.pos(mark);
        if matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        ) {
            self.pull_container_start(pos);
        }
        match event {
            Event::Scalar(text, ..) => {
                self.place(pos, Some(&text));
            }
            Event::Alias(_) => {
                self.place(pos, None);
            }
            Event::MappingStart(..) => self.open(pos, true),
            Event::SequenceStart(..) => self.open(pos, false),
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(yaml: &str, offset: usize) -> Spans {
        Spans::new(Arc::from(yaml), offset)
    }

    #[test]
    fn finds_nested_values_in_file_coordinates() {
        let yaml = "title: X\nowner_history:\n  - owner: sam\n    until: 2026-03-31\n";
        let spans = spans(yaml, 1);
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "title"),
            Pos { line: 2, col: 8 }
        );
        assert_eq!(
            spans.key_pos(Path::new("x.md"), "owner_history"),
            Pos { line: 3, col: 1 }
        );
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "owner_history[0].until"),
            Pos { line: 5, col: 12 }
        );
    }

    #[test]
    fn falls_back_to_the_nearest_parent() {
        let yaml = "review:\n  last: 2026-01-01\n";
        let spans = spans(yaml, 0);
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "review.every_days"),
            Pos { line: 2, col: 3 }
        );
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "missing"),
            Pos { line: 1, col: 1 }
        );
    }

    #[test]
    fn finds_the_repeat_of_a_duplicated_key() {
        let yaml = "title: A\nowner: x\nreview:\n  last: 1\nowner: y\n";
        assert_eq!(
            spans(yaml, 1).first_duplicate(Path::new("x.md")),
            Some(("owner".to_string(), Pos { line: 6, col: 1 }))
        );
    }

    #[test]
    fn reads_the_text_again_only_when_a_position_is_asked_for() {
        let yaml = "title: X\nreview:\n  last: 2026-01-01";
        let kept = spans(yaml, 1);
        let reread =
            spans("", 1).reread_with(|_| Some("title: X\nreview:\n  last: 2026-01-01".into()));
        for field in ["title", "review.last", "review.every_days", "missing"] {
            assert_eq!(
                reread.value_pos(Path::new("x.md"), field),
                kept.value_pos(Path::new("x.md"), field),
                "{field}"
            );
        }
        let gone = spans(yaml, 1).reread_with(|_| None);
        assert_eq!(
            gone.value_pos(Path::new("x.md"), "title"),
            Pos { line: 2, col: 1 }
        );
    }

    #[test]
    fn keeps_an_index_built_before_the_text_was_dropped() {
        let kept = spans("title: X\n", 0);
        assert_eq!(
            kept.value_pos(Path::new("x.md"), "title"),
            Pos { line: 1, col: 8 }
        );
        let dropped = kept.reread_with(|_| None);
        assert_eq!(
            dropped.value_pos(Path::new("x.md"), "title"),
            Pos { line: 1, col: 8 }
        );
    }

    #[test]
    fn indexes_top_level_sequences_and_flow_lists() {
        let yaml = "- id: a\n  team: t\n- id: b\n  tags: [x, y]\n";
        let spans = spans(yaml, 0);
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "[1].id"),
            Pos { line: 3, col: 7 }
        );
        assert_eq!(
            spans.value_pos(Path::new("x.md"), "[1].tags[1]"),
            Pos { line: 4, col: 13 }
        );
    }
}
