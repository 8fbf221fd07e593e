//! Property tests (issue #4, item 4): arbitrary bytes and arbitrary YAML structures through
//! the record parser, the loader, the validator, the metrics and the renderer. The properties:
//! nothing panics, and every diagnostic points at a real place — a path inside the content
//! folder, line >= 1 and column >= 1, and no further than the end of that file.
//!
//! Bounded for CI (256 cases per property; a debug run takes well under 30 s). Run longer with
//! `PROPTEST_CASES=100000 cargo test --release --test fuzz` (see docs/fuzzing.md). A failure
//! prints the smallest input found; proptest saves its seed in `tests/fuzz.proptest-regressions`
//! so the next run tries it first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

use govsite::content::{parse_yaml, split_front_matter};
use govsite::diagnostics::Diagnostic;
use govsite::model::{Control, Day, Exception, Incident, Person, Team};

/// 256 unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(256)
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    })
}

/// Runs `test` on `cases` inputs; on failure, panics with proptest's minimal input.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let started = std::time::Instant::now();
    let result = runner(cases).run(&strategy, test);
    eprintln!("{name}: {cases} cases in {:?}", started.elapsed());
    if let Err(error) = result {
        panic!("{name}: {error}");
    }
}

// ---------------------------------------------------------------------------------------
// (a) Arbitrary bytes

/// Pieces that YAML and front matter give meaning to, so random text often parses partway.
#[rustfmt::skip]
const TOKENS: &[&str] = &[
    "---\n", "---", "...\n", "\n", "\r\n", "\r", " ", "  ", "    ", "\t", "- ", "-", ": ", ":",
    "[", "]", "{", "}", ",", "&a ", "*a", "&b ", "*b", "<<: *a\n", "!!str ", "!!int ", "!tag ",
    "!!binary ", "? ", "|\n", "|-\n", ">\n", "#", "# c\n", "'", "\"", "\\", "\\u0000", "%YAML 1.2\n",
    "%TAG ! x\n", "\u{feff}", "é", "\u{2028}", "😀", "\0", "~", "null", "true", "no", "1e9",
    "0x1F", ".nan", "-.inf", "9223372036854775808", "-1", "0", "title", "owner", "approvers",
    "owner_history", "until", "id", "origin", "design", "approval", "renewals", "granted",
    "expires", "date", "control", "dana", "2026-02-30", "2026-01-01", "2024-02-29", "<script>",
    "{{ 7*7 }}", "{% raw %}",
];

fn yamlish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(prop::sample::select(TOKENS), 0..96)
            .prop_map(|tokens| tokens.concat().into_bytes()),
        // Front matter around token soup, so the YAML parser sees most of them.
        prop::collection::vec(prop::sample::select(TOKENS), 0..96).prop_map(|tokens| format!(
            "---\n{}\n---\nbody\n",
            tokens.concat()
        )
        .into_bytes()),
    ]
}

fn parse_everything(text: &str) {
    let path = Path::new("fuzz.md");
    let yaml = match split_front_matter(text) {
        Ok(front) => {
            assert!(text.len() >= front.yaml.len() + front.body.len());
            front.yaml
        }
        Err(message) => {
            assert!(!message.is_empty());
            text
        }
    };
    for offset in [0, 1] {
        let _ = parse_yaml::<Control>(path, yaml, offset);
        let _ = parse_yaml::<Exception>(path, yaml, offset);
        let _ = parse_yaml::<Incident>(path, yaml, offset);
        let _ = parse_yaml::<Vec<Person>>(path, yaml, offset);
        let _ = parse_yaml::<Vec<Team>>(path, yaml, offset);
    }
}

#[test]
fn arbitrary_bytes_never_panic_the_record_parser() {
    check("parser", cases(), yamlish(), |bytes| {
        parse_everything(&String::from_utf8_lossy(&bytes));
        Ok(())
    });
}

#[test]
fn arbitrary_bytes_in_content_files_never_panic_the_loader() {
    let strategy = (yamlish(), yamlish(), yamlish());
    check("loader", cases(), strategy, |(record, list, site)| {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        write(&content, "controls/CTL-F.md", &record);
        write(&content, "incidents/INC-F.md", &record);
        write(&content, "people.yaml", &list);
        write(&content, "site.yaml", &site);
        let diagnostics = load_and_validate(&content, None);
        check_positions(&content, &diagnostics)
    });
}

// ---------------------------------------------------------------------------------------
// (b) Arbitrary YAML structures with the real field names

/// A YAML value; maps keep the order they were generated in.
#[derive(Debug, Clone)]
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn to_yaml(&self) -> serde_yaml::Value {
        use serde_yaml::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::Number((*i).into()),
            Node::Float(f) => Value::Number((*f).into()),
            Node::Str(s) => Value::String(s.clone()),
            Node::Seq(items) => Value::Sequence(items.iter().map(Node::to_yaml).collect()),
            Node::Map(entries) => Value::Mapping(
                entries
                    .iter()
                    .map(|(k, v)| (Value::String(k.clone()), v.to_yaml()))
                    .collect(),
            ),
        }
    }
}

/// Every field name of every record kind (and a few typos of them).
#[rustfmt::skip]
const FIELDS: &[&str] = &[
    "id", "title", "owner", "approvers", "owner_history", "until", "nhi", "frameworks",
    "shared_platform", "adoption_owners", "risk_signoff", "review", "last", "every_days",
    "status", "evidence", "controls", "control", "process", "requested_by", "approved_by",
    "granted", "expires", "closed", "risk", "renewals", "date", "detected", "resolved",
    "origin", "exception", "severity", "surfaced_by", "actions", "due", "done", "name",
    "email", "team", "active", "lead", "url", "references", "organisation", "as_of",
    "recurrence", "window_days", "threshold", "exceptions", "max_validity_days",
    "expiring_soon_days", "aging_buckets", "review_overdue_grace_days", "ownr", "titel",
];

#[rustfmt::skip]
const TEXTS: &[&str] = &[
    "", " ", "Rotation", "<script>alert(1)</script>", "{{ 7*7 }}", "{% raw %}", "é\u{feff}",
    "line\nbreak", "https://example.com", "javascript:alert(1)", "2026-01-01",
];
const INCIDENTS: &[&str] = &["INC-1", "INC-2", "INC-3", "INC-4"];

/// Strategies for one flavour of content. `wild` content draws ids that do not exist, bad
/// dates, values of the wrong type and stray fields; tame content keeps every reference and
/// value legal, so most of it passes validation and goes on to the metrics and the renderer.
#[derive(Clone, Copy)]
struct Gen {
    wild: bool,
}

impl Gen {
    /// `tame` ids always exist; wild content adds ids that dangle or are invalid.
    fn name(
        self,
        tame: &'static [&'static str],
        wild: &'static [&'static str],
    ) -> BoxedStrategy<&'static str> {
        let tame = prop::sample::select(tame);
        if self.wild {
            prop_oneof![3 => tame, 1 => prop::sample::select(wild)].boxed()
        } else {
            tame.boxed()
        }
    }

    fn pool(
        self,
        tame: &'static [&'static str],
        wild: &'static [&'static str],
    ) -> BoxedStrategy<Node> {
        self.name(tame, wild)
            .prop_map(|s| Node::Str(s.to_string()))
            .boxed()
    }

    fn person(self) -> BoxedStrategy<Node> {
        self.pool(&["dana", "mgr", "sam"], &["DANA", "ghost", "../x", ""])
    }

    fn enumeration(self, field: &str) -> BoxedStrategy<Node> {
        let tame: &'static [&'static str] = match field {
            "nhi" => &[
                "secret",
                "service-account",
                "token",
                "api-key",
                "certificate",
                "agent",
                "workload-identity",
            ],
            "status" => &["active", "retired"],
            "risk" | "severity" => &["low", "medium", "high", "critical"],
            "surfaced_by" => &[
                "leaked-credential",
                "overbroad-access",
                "approval-bypass",
                "audit",
                "monitoring",
                "other",
            ],
            _ => &["design", "operation", "approval"],
        };
        self.pool(tame, &["Design", "sometimes", "secret", "high", "design"])
    }

    fn date(self) -> BoxedStrategy<Node> {
        let valid = (2023i32..2028, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| Node::Str(format!("{y:04}-{m:02}-{d:02}")));
        if !self.wild {
            return valid.boxed();
        }
        let odd = prop::sample::select(
            &[
                "2026-02-30",
                "2026-13-01",
                "2026-00-10",
                "2024-02-29",
                "2026-02-29",
                "0000-01-01",
                "9999-12-31",
                "2026-1-1",
                "26-01-01",
                "2026/01/01",
                "",
                "+2026-01-01",
                "2026-01-01T00:00",
            ][..],
        )
        .prop_map(|s| Node::Str(s.to_string()));
        prop_oneof![6 => valid, 1 => odd].boxed()
    }

    /// A day count; huge values are legal and must not overflow the calendar.
    fn days(self) -> BoxedStrategy<Node> {
        let low = if self.wild { -3i64 } else { 1 };
        prop_oneof![
            8 => (low..800).prop_map(Node::Int),
            1 => prop::sample::select(&[i64::MAX, 7_000_001, 36_500][..]).prop_map(Node::Int),
            if self.wild { 1 } else { 0 } => prop::sample::select(&[i64::MIN, -7_000_001, 0][..]).prop_map(Node::Int),
            if self.wild { 1 } else { 0 } => any::<i64>().prop_map(Node::Int),
        ]
        .boxed()
    }

    fn buckets(self) -> BoxedStrategy<Node> {
        let wild = self.wild;
        prop::collection::btree_set(0i64..2000, 0..5)
            .prop_map(move |set| {
                let mut values: Vec<Node> = set.into_iter().map(Node::Int).collect();
                if wild {
                    values.reverse();
                }
                Node::Seq(values)
            })
            .boxed()
    }

    fn list(self, item: BoxedStrategy<Node>, max: usize) -> BoxedStrategy<Node> {
        prop::collection::vec(item, 0..max)
            .prop_map(Node::Seq)
            .boxed()
    }

    /// Origins: tame ones are distinct and never empty.
    fn origins(self) -> BoxedStrategy<Node> {
        if self.wild {
            return prop_oneof![
                self.enumeration("origin"),
                self.list(self.enumeration("origin"), 4)
            ]
            .boxed();
        }
        prop::sample::subsequence(&["design", "operation", "approval"][..], 1..=3)
            .prop_map(|origins| {
                Node::Seq(origins.into_iter().map(|o| Node::Str(o.into())).collect())
            })
            .boxed()
    }

    /// A list of mappings sorted by the date under `key` (tame), as validation requires.
    fn dated(
        self,
        fields: &'static [(&'static str, u32)],
        key: &'static str,
    ) -> BoxedStrategy<Node> {
        let wild = self.wild;
        prop::collection::vec(self.map(fields), 0..3)
            .prop_map(move |mut items| {
                if !wild {
                    let date = |node: &Node| match node {
                        Node::Map(entries) => {
                            entries.iter().find(|(k, _)| k == key).map(|(_, v)| text(v))
                        }
                        _ => None,
                    };
                    items.sort_by_key(date);
                    items.dedup_by_key(|item| date(item));
                }
                Node::Seq(items)
            })
            .boxed()
    }

    /// A value that fits `field`; wild content sometimes puts anything at all there.
    fn value(self, field: &str) -> BoxedStrategy<Node> {
        let controls = self.pool(&["CTL-A", "CTL-B"], &["ctl-a", "CTL-GONE"]);
        let fitting = match field {
            "until" | "granted" | "expires" | "closed" | "date" | "detected" | "resolved"
            | "due" | "done" | "last" | "as_of" => self.date(),
            "owner" | "approved_by" | "requested_by" | "risk_signoff" | "lead" => self.person(),
            "approvers" => self.list(self.person(), 3),
            "adoption_owners" => self.list(self.pool(&["t1", "t2"], &["t-gone"]), 3),
            "team" => self.pool(&["t1", "t2"], &["t-gone"]),
            "control" => controls,
            "controls" => self.list(controls, 3),
            "process" => self.pool(&["p1", "p2"], &["p-gone"]),
            "exception" => self.pool(&["EXC-1", "EXC-2"], &["EXC-GONE"]),
            "every_days"
            | "window_days"
            | "max_validity_days"
            | "expiring_soon_days"
            | "review_overdue_grace_days" => self.days(),
            "threshold" => self.days(),
            "aging_buckets" => self.buckets(),
            "active" => any::<bool>().prop_map(Node::Bool).boxed(),
            "origin" => self.origins(),
            "nhi" | "status" | "risk" | "severity" | "surfaced_by" => self.enumeration(field),
            "evidence" => self.list(
                self.pool(
                    &["a.txt", "sub/b.txt"],
                    &["../x", "/etc/passwd", "gone.pdf"],
                ),
                2,
            ),
            "owner_history" => self.dated(&[("owner", 10), ("until", 10)], "until"),
            "renewals" => self.dated(
                &[("approved_by", 10), ("granted", 10), ("expires", 6)],
                "granted",
            ),
            "actions" => self.list(
                self.map(&[("title", 10), ("owner", 6), ("due", 6), ("done", 4)]),
                3,
            ),
            "review" => self.map(&[("last", 10), ("every_days", 10)]),
            "shared_platform" => self.map(&[("adoption_owners", 8), ("risk_signoff", 6)]),
            "frameworks" => {
                let framework = self.name(&["fw", "fw2"], &["fw-gone"]);
                let reference = self.pool(&["R-1", "R-2", "GOVERN 2.1"], &["r-gone"]);
                prop::collection::btree_map(framework, self.list(reference, 3), 0..3)
                    .prop_map(|entries| {
                        Node::Map(
                            entries
                                .into_iter()
                                .map(|(k, v)| (k.to_string(), v))
                                .collect(),
                        )
                    })
                    .boxed()
            }
            "references" if !self.wild => prop::collection::vec(pick(TEXTS), 3)
                .prop_map(|titles| {
                    let ids = ["R-1", "R-2", "GOVERN 2.1"];
                    let references = ids.iter().zip(titles).map(|(id, title)| {
                        Node::Map(vec![
                            ("id".into(), Node::Str(id.to_string())),
                            ("title".into(), title),
                        ])
                    });
                    Node::Seq(references.collect())
                })
                .boxed(),
            "references" => self.list(self.map(&[("id", 10), ("title", 6)]), 4),
            "id" => pick(&["R-1", "R-2", "GOVERN 2.1", "NHI7:2025", "CTL-A"]),
            "url" if !self.wild => pick(&["https://example.com/nhi", "http://example.com"]),
            _ => pick(TEXTS),
        };
        if self.wild {
            prop_oneof![12 => fitting, 1 => any_node()].boxed()
        } else {
            fitting
        }
    }

    /// A mapping of `fields`, each present with the given weight out of 10; wild mappings
    /// now and then carry a field that does not belong.
    fn map(self, fields: &[(&'static str, u32)]) -> BoxedStrategy<Node> {
        let entries: Vec<BoxedStrategy<Option<(String, Node)>>> = fields
            .iter()
            .map(|&(field, weight)| {
                let present = if weight >= 10 {
                    self.value(field).prop_map(Some).boxed()
                } else {
                    proptest::option::weighted(f64::from(weight) / 10.0, self.value(field)).boxed()
                };
                present
                    .prop_map(move |v| v.map(|v| (field.to_string(), v)))
                    .boxed()
            })
            .collect();
        let stray = if self.wild {
            let field = (prop::sample::select(FIELDS), any_node());
            proptest::option::weighted(0.05, field.prop_map(|(k, v)| (k.to_string(), v))).boxed()
        } else {
            Just(None).boxed()
        };
        (entries, stray)
            .prop_map(|(entries, stray)| {
                let mut entries: Vec<(String, Node)> = entries.into_iter().flatten().collect();
                entries.extend(stray);
                Node::Map(entries)
            })
            .boxed()
    }

    fn control(self) -> BoxedStrategy<Node> {
        let wild = self.wild;
        self.map(&[
            ("title", 8),
            ("owner", 10),
            ("approvers", 3),
            ("owner_history", 3),
            ("nhi", 2),
            ("frameworks", 3),
            ("shared_platform", 2),
            ("evidence", 2),
            ("review", 4),
            ("status", 2),
        ])
        // A control lists its kinds of NHI; an incident names one.
        .prop_map(move |node| {
            if wild {
                node
            } else {
                edit(node, "nhi", |nhi| Node::Seq(vec![nhi]))
            }
        })
        .boxed()
    }

    fn process(self) -> BoxedStrategy<Node> {
        self.map(&[("title", 8), ("owner", 10), ("controls", 7)])
    }

    fn exception(self) -> BoxedStrategy<Node> {
        let wild = self.wild;
        self.map(&[
            ("title", 5),
            ("control", 10),
            ("process", 3),
            ("requested_by", 6),
            ("approved_by", 10),
            ("granted", 10),
            ("expires", 7),
            ("closed", 3),
            ("risk", 4),
            ("renewals", 4),
            ("evidence", 1),
        ])
        .prop_map(move |node| {
            if wild {
                node
            } else {
                grant_before_renewals(node)
            }
        })
        .boxed()
    }

    fn incident(self) -> BoxedStrategy<Node> {
        // Tame incidents always name an approver, so an `approval` origin is attributable.
        let approver = if self.wild { 7 } else { 10 };
        self.map(&[
            ("title", 8),
            ("date", 10),
            ("detected", 3),
            ("resolved", 4),
            ("control", 10),
            ("process", 5),
            ("origin", 10),
            ("exception", 3),
            ("approved_by", approver),
            ("nhi", 2),
            ("severity", 5),
            ("surfaced_by", 3),
            ("actions", 4),
            ("evidence", 1),
        ])
    }

    fn site(self) -> BoxedStrategy<Node> {
        let recurrence = self.map(&[("window_days", 6), ("threshold", 6)]);
        let exceptions = self.map(&[
            ("max_validity_days", 5),
            ("expiring_soon_days", 5),
            ("aging_buckets", 5),
        ]);
        (
            self.map(&[
                ("title", 3),
                ("organisation", 3),
                ("as_of", 5),
                ("review_overdue_grace_days", 3),
            ]),
            proptest::option::weighted(0.5, recurrence),
            proptest::option::weighted(0.5, exceptions),
        )
            .prop_map(|(base, recurrence, exceptions)| {
                let base = match recurrence {
                    Some(r) => prepend("recurrence", r, base),
                    None => base,
                };
                match exceptions {
                    Some(e) => prepend("exceptions", e, base),
                    None => base,
                }
            })
            .boxed()
    }

    /// Entries of a list file: every tame id once, with random other fields; wild lists
    /// draw ids from a pool that repeats and dangles.
    fn entries(
        self,
        ids: &'static [&'static str],
        wild_ids: &'static [&'static str],
        fields: &'static [(&'static str, u32)],
    ) -> BoxedStrategy<Vec<Node>> {
        let rest = self.map(fields);
        if self.wild {
            prop::collection::vec((self.pool(ids, wild_ids), rest), 0..5)
                .prop_map(|items| {
                    items
                        .into_iter()
                        .map(|(id, rest)| prepend("id", id, rest))
                        .collect()
                })
                .boxed()
        } else {
            prop::collection::vec(rest, ids.len())
                .prop_map(move |items| {
                    ids.iter()
                        .zip(items)
                        .map(|(id, rest)| prepend("id", Node::Str(id.to_string()), rest))
                        .collect()
                })
                .boxed()
        }
    }

    /// Record files of one kind: tame content always has every referenced id.
    fn records(
        self,
        folder: &'static str,
        stems: &'static [&'static str],
        wild_stems: &'static [&'static str],
        record: BoxedStrategy<Node>,
    ) -> BoxedStrategy<Vec<Record>> {
        let item = (record, markdown(), dress(self.wild));
        let wild = self.wild;
        let stem = self.pool(stems, wild_stems);
        if wild || folder == "incidents" {
            prop::collection::vec((stem, item), 0..5)
                .prop_map(move |items| {
                    items
                        .into_iter()
                        .map(|(stem, (node, body, dress))| Record {
                            folder,
                            stem: text(&stem),
                            node,
                            body,
                            dress,
                        })
                        .collect()
                })
                .boxed()
        } else {
            prop::collection::vec(item, stems.len())
                .prop_map(move |items| {
                    stems
                        .iter()
                        .zip(items)
                        .map(|(stem, (node, body, dress))| Record {
                            folder,
                            stem: stem.to_string(),
                            node,
                            body,
                            dress,
                        })
                        .collect()
                })
                .boxed()
        }
    }

    fn content(self) -> BoxedStrategy<Content> {
        let lists = (
            proptest::option::weighted(0.4, self.site()),
            self.entries(
                &["dana", "mgr", "sam"],
                &["DANA", "ghost", "../x"],
                &[
                    ("name", 10),
                    ("email", 3),
                    ("team", 4),
                    ("title", 3),
                    ("active", 2),
                ],
            ),
            self.entries(&["t1", "t2"], &["t-gone"], &[("name", 10), ("lead", 6)]),
            self.entries(
                &["fw", "fw2"],
                &["fw-gone"],
                &[("name", 10), ("url", 5), ("references", 10)],
            ),
        );
        let files = (
            self.records(
                "controls",
                &["CTL-A", "CTL-B"],
                &["ctl-a", "CTL-C"],
                self.control(),
            ),
            self.records("processes", &["p1", "p2"], &["p-3"], self.process()),
            self.records(
                "exceptions",
                &["EXC-1", "EXC-2"],
                &["EXC-3"],
                self.exception(),
            ),
            self.records("incidents", INCIDENTS, &["INC-5"], self.incident()),
        );
        (lists, files, self.date())
            .prop_map(
                |((site, people, teams, frameworks), (c, p, e, i), as_of)| Content {
                    site,
                    people,
                    teams,
                    frameworks,
                    records: [c, p, e, i].concat(),
                    as_of,
                },
            )
            .boxed()
    }
}

fn text(node: &Node) -> String {
    match node {
        Node::Str(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

fn pick(pool: &'static [&'static str]) -> BoxedStrategy<Node> {
    prop::sample::select(pool)
        .prop_map(|s| Node::Str(s.to_string()))
        .boxed()
}

/// A random YAML tree: keys from the real field names, leaves of every type.
fn any_node() -> BoxedStrategy<Node> {
    let wild = Gen { wild: true };
    let leaf = prop_oneof![
        Just(Node::Null),
        any::<bool>().prop_map(Node::Bool),
        any::<i64>().prop_map(Node::Int),
        prop::sample::select(&[0.5, -1.5, 1e308, f64::NAN, f64::INFINITY][..])
            .prop_map(Node::Float),
        wild.date(),
        wild.person(),
        wild.enumeration("origin"),
        pick(TEXTS),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Node::Seq),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..5).prop_map(
                |entries| Node::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect()
                )
            ),
        ]
    })
    .boxed()
}

/// `node` with the value under `key` (if any) replaced by `change(value)`.
fn edit(node: Node, key: &str, change: impl Fn(Node) -> Node) -> Node {
    match node {
        Node::Map(entries) => Node::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    if k == key {
                        let v = change(v);
                        (k, v)
                    } else {
                        (k, v)
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// The value under `key` of a mapping.
fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match node {
        Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

/// An exception granted no later than its first renewal, as validation requires.
fn grant_before_renewals(node: Node) -> Node {
    let first_renewal = get(&node, "renewals")
        .and_then(|renewals| match renewals {
            Node::Seq(items) => items.first(),
            _ => None,
        })
        .and_then(|renewal| get(renewal, "granted"))
        .map(text);
    match first_renewal {
        Some(first) => edit(node, "granted", |granted| {
            if text(&granted) > first {
                Node::Str(first.clone())
            } else {
                granted
            }
        }),
        None => node,
    }
}

fn prepend(key: &str, value: Node, rest: Node) -> Node {
    match rest {
        Node::Map(mut entries) => {
            entries.insert(0, (key.to_string(), value));
            Node::Map(entries)
        }
        other => other,
    }
}

/// How a record file's text is dressed: BOM, CRLF, and (wild only) a random token spliced in.
#[derive(Debug, Clone)]
struct Dress {
    bom: bool,
    crlf: bool,
    splice: Option<(usize, &'static str)>,
}

fn dress(wild: bool) -> impl Strategy<Value = Dress> {
    (
        proptest::bool::weighted(0.1),
        proptest::bool::weighted(0.15),
        if wild {
            proptest::option::weighted(0.15, (any::<usize>(), prop::sample::select(TOKENS))).boxed()
        } else {
            Just(None).boxed()
        },
    )
        .prop_map(|(bom, crlf, splice)| Dress { bom, crlf, splice })
}

fn markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            &[
                "text ",
                "\n\n",
                "# H\n",
                "- [x] done\n",
                "| a | b |\n|---|---|\n| 1 | 2 |\n",
                "<script>alert(1)</script>",
                "[x](javascript:alert(1))",
                "<img src=x onerror=y>",
                "[^1]\n\n[^1]: note\n",
                "```\ncode\n```\n",
                "{{ 7*7 }}",
                "---\n",
                "<!--",
                "&amp;",
            ][..],
        ),
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// One record file.
#[derive(Debug, Clone)]
struct Record {
    folder: &'static str,
    stem: String,
    node: Node,
    body: String,
    dress: Dress,
}

/// One generated content directory.
#[derive(Debug, Clone)]
struct Content {
    site: Option<Node>,
    people: Vec<Node>,
    teams: Vec<Node>,
    frameworks: Vec<Node>,
    records: Vec<Record>,
    as_of: Node,
}

/// Tame and wild content, half and half.
fn content() -> BoxedStrategy<Content> {
    prop_oneof![Gen { wild: false }.content(), Gen { wild: true }.content()].boxed()
}

/// Three tame cases in four: for the properties of sites that pass validation, which
/// wild content seldom does.
fn mostly_tame_content() -> BoxedStrategy<Content> {
    prop_oneof![3 => Gen { wild: false }.content(), 1 => Gen { wild: true }.content()].boxed()
}

fn yaml(node: &Node) -> String {
    serde_yaml::to_string(&node.to_yaml()).expect("serialising generated YAML")
}

fn record_text(node: &Node, body: &str, dress: &Dress) -> String {
    let mut text = format!("---\n{}---\n{body}", yaml(node));
    if let Some((at, token)) = dress.splice {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert_str(at, token);
    }
    if dress.crlf {
        text = text.replace('\n', "\r\n");
    }
    if dress.bom {
        text.insert(0, '\u{feff}');
    }
    text
}

fn write(content: &Path, relative: &str, bytes: &[u8]) {
    let path = content.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn write_content(dir: &Path, content: &Content) -> PathBuf {
    let root = dir.join("content");
    std::fs::create_dir_all(&root).unwrap();
    if let Some(site) = &content.site {
        write(&root, "site.yaml", yaml(site).as_bytes());
    }
    let lists = [
        ("people.yaml", &content.people),
        ("teams.yaml", &content.teams),
        ("frameworks.yaml", &content.frameworks),
    ];
    for (file, entries) in lists {
        write(&root, file, yaml(&Node::Seq(entries.clone())).as_bytes());
    }
    for record in &content.records {
        let text = record_text(&record.node, &record.body, &record.dress);
        let path = format!("{}/{}.md", record.folder, record.stem);
        write(&root, &path, text.as_bytes());
    }
    write(&root, "evidence/a.txt", b"evidence\n");
    write(&root, "evidence/sub/b.txt", b"more evidence\n");
    root
}

/// Loads and validates; with no errors, also computes the metrics and renders the site, as
/// `govsite build` would. Returns every diagnostic.
fn load_and_validate(content: &Path, as_of: Option<Day>) -> Vec<Diagnostic> {
    let loaded = govsite::load::load(content).expect("the content folder exists");
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(govsite::validate::validate(&loaded.model));
    if !diagnostics.iter().any(Diagnostic::is_error) {
        let as_of = as_of
            .or(loaded.model.site.as_of)
            .unwrap_or_else(|| "2026-11-01".parse().unwrap());
        let metrics = govsite::metrics::compute(&loaded.model, as_of);
        let _ = govsite::metrics::findings(&metrics);
        VALID.fetch_add(1, Ordering::Relaxed);
    }
    diagnostics
}

/// Line lengths in characters. `lone_cr` also breaks lines at a lone `\r` (old Mac files):
/// serde_yaml's positions do, yaml-rust2's field positions do not, and both are accepted.
fn line_widths(text: &str, lone_cr: bool) -> Vec<usize> {
    let text = text.replace("\r\n", "\n");
    let text = if lone_cr {
        text.replace('\r', "\n")
    } else {
        text
    };
    text.split('\n').map(|line| line.chars().count()).collect()
}

/// Whether `line:column` lies in a file with these line widths.
fn inside(widths: &[usize], line: usize, column: usize) -> bool {
    line <= widths.len() && column <= widths[line - 1] + 1
}

/// Every diagnostic names a file inside `content` and a position inside that file.
///
/// Lines are counted as editors count them (`\n`, `\r\n`, a lone `\r`), not as libyaml does.
fn check_positions(content: &Path, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    let mut files: BTreeMap<PathBuf, Option<String>> = BTreeMap::new();
    for diagnostic in diagnostics {
        prop_assert!(
            diagnostic.path.starts_with(content),
            "outside the content folder: {diagnostic}"
        );
        prop_assert!(
            diagnostic.line >= 1 && diagnostic.column >= 1,
            "{diagnostic}"
        );
        // Positions are checked when the diagnostic is about a readable text file.
        let text = files
            .entry(diagnostic.path.clone())
            .or_insert_with(|| String::from_utf8(std::fs::read(&diagnostic.path).ok()?).ok());
        if let Some(text) = text {
            let (line, column) = (diagnostic.line, diagnostic.column);
            prop_assert!(
                inside(&line_widths(text, true), line, column)
                    || inside(&line_widths(text, false), line, column),
                "position outside the file: {diagnostic}\nfile: {text:?}"
            );
        }
    }
    Ok(())
}

static VALID: AtomicUsize = AtomicUsize::new(0);

#[test]
fn arbitrary_yaml_structures_never_panic_and_point_into_their_files() {
    check("structures", cases(), content(), |content| {
        let dir = tempfile::tempdir().unwrap();
        let root = write_content(dir.path(), &content);
        let as_of = text(&content.as_of).parse::<Day>().ok();
        let diagnostics = load_and_validate(&root, as_of);
        check_positions(&root, &diagnostics)
    });
    eprintln!(
        "structures: {} error-free content folders went on to the metrics",
        VALID.load(Ordering::Relaxed)
    );
}

#[test]
fn error_free_structures_render_a_whole_site() {
    // Rendering draws charts and writes every page: fewer cases, but a model that passes
    // validation must never fail or panic further down the pipeline. Enough of the cases
    // must pass validation for this to test anything: a generator that only made invalid
    // content would pass it by rendering nothing.
    let cases = (cases() / 8).max(1);
    let rendered = AtomicUsize::new(0);
    check("render", cases, mostly_tame_content(), |content| {
        let dir = tempfile::tempdir().unwrap();
        let root = write_content(dir.path(), &content);
        let checked = govsite::site::check(&root, Some("2026-11-01".parse().unwrap()))
            .expect("the content folder exists");
        if checked.has_errors() {
            return Ok(());
        }
        let built = govsite::site::render_in_memory(&checked, &Default::default());
        let (_, files) = built.map_err(|error| TestCaseError::fail(format!("{error:#}")))?;
        prop_assert!(
            files.iter().any(|f| f.path == "index.html"),
            "a site without a dashboard"
        );
        rendered.fetch_add(1, Ordering::Relaxed);
        Ok(())
    });
    let rendered = rendered.into_inner();
    eprintln!("render: {rendered} of {cases} sites rendered");
    // Fewer than 8 cases (`PROPTEST_CASES` below 64) are too few to count on.
    assert!(
        cases < 8 || rendered * 4 >= cases as usize,
        "only {rendered} of {cases} generated sites were valid and rendered"
    );
}
