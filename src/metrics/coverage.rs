//! Framework coverage: which references some control maps to through its `frameworks:` field.

use std::collections::BTreeSet;

use crate::model::Model;

use super::FrameworkCoverage;

/// One entry per framework, sorted by id. Every control counts, retired ones too (a retired
/// control still documents the mapping); a mapping to a reference the framework does not
/// list covers nothing.
pub(super) fn compute_frameworks(model: &Model) -> Vec<FrameworkCoverage> {
    let mapped: BTreeSet<(&str, &str)> = model
        .controls
        .values()
        .flat_map(|control| &control.frameworks)
        .flat_map(|(framework, references)| {
            references
                .iter()
                .map(move |reference| (framework.as_str(), reference.as_str()))
        })
        .collect();
    model
        .frameworks
        .values()
        .map(|framework| {
            let uncovered: Vec<String> = framework
                .references
                .iter()
                .filter(|r| !mapped.contains(&(framework.id.as_str(), r.id.as_str())))
                .map(|r| r.id.clone())
                .collect();
            FrameworkCoverage {
                id: framework.id.clone(),
                references: framework.references.len(),
                covered: framework.references.len() - uncovered.len(),
                uncovered,
            }
        })
        .collect()
}
