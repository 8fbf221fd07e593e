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

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::FrameworkCoverage;
    use crate::model::ControlStatus;

    #[test]
    fn a_reference_is_covered_when_any_control_maps_it_retired_ones_too() {
        let mut retired = maps(control("CTL-R", "dana"), "nist", &["GV.OV-01"]);
        retired = maps(retired, "owasp", &["NHI9:2025"]); // not listed by owasp: covers nothing
        retired.status = ControlStatus::Retired;
        let kit = Kit::default()
            .framework(framework(
                "nist",
                &["PR.AA-01", "ID.IM-03", "GV.OV-01", "GOVERN 2.1"],
            ))
            .framework(framework("owasp", &["NHI1:2025", "NHI2:2025"]))
            .framework(framework("empty", &[]))
            .control(maps(control("CTL-A", "dana"), "nist", &["PR.AA-01"]))
            .control(maps(control("CTL-B", "dana"), "nist", &["PR.AA-01"]))
            .control(retired)
            .control(maps(control("CTL-X", "dana"), "missing", &["X"]));
        let coverage = |id: &str, references, covered, uncovered: &[&str]| FrameworkCoverage {
            id: id.to_string(),
            references,
            covered,
            uncovered: uncovered.iter().map(|r| r.to_string()).collect(),
        };
        let expected = vec![
            coverage("empty", 0, 0, &[]),
            // In the framework's order, not sorted: ID.IM-03 before GOVERN 2.1.
            coverage("nist", 4, 2, &["ID.IM-03", "GOVERN 2.1"]),
            coverage("owasp", 2, 0, &["NHI1:2025", "NHI2:2025"]),
        ];
        assert_eq!(kit.compute(AS_OF).frameworks, expected);
    }
}
