//! Figures per kind of non-human identity: which kinds the failing and excepted controls
//! protect. Agents (`agent`) have the largest blast radius, so the dashboard shows them first.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use crate::model::{Model, Nhi};

use super::{ControlMetrics, ExceptionMetrics, IncidentMetrics};

/// The figures of one kind of non-human identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NhiFigures {
    pub nhi: Nhi,
    /// Controls whose `nhi` lists the kind (retired ones too).
    pub controls: usize,
    /// Incidents in the window of this kind: the incident's own `nhi`, or, without one,
    /// every kind its control lists.
    pub incidents_in_window: usize,
    /// Recurring controls whose `nhi` lists the kind.
    pub recurring_controls: usize,
    /// Open exceptions to controls whose `nhi` lists the kind.
    pub open_exceptions: usize,
}

/// One entry per kind, in the documented order (`Nhi::ALL`), kinds with nothing included.
pub(super) fn by_nhi(
    model: &Model,
    controls: &[ControlMetrics],
    exceptions: &[ExceptionMetrics],
    incidents: &[IncidentMetrics],
) -> Vec<NhiFigures> {
    let mut figures: Vec<NhiFigures> = Nhi::ALL
        .into_iter()
        .map(|nhi| NhiFigures {
            nhi,
            controls: 0,
            incidents_in_window: 0,
            recurring_controls: 0,
            open_exceptions: 0,
        })
        .collect();
    let kinds_of = |control: Option<&str>| -> &[Nhi] {
        control
            .and_then(|id| model.controls.get(id))
            .map_or(&[], |c| c.nhi.as_slice())
    };
    let recurring: HashMap<&str, bool> = controls
        .iter()
        .map(|c| (c.id.as_str(), c.recurring))
        .collect();
    for control in model.controls.values() {
        let recurring = recurring.get(control.id.as_str()).copied() == Some(true);
        for nhi in unique(&control.nhi) {
            let slot = &mut figures[nhi as usize];
            slot.controls += 1;
            slot.recurring_controls += usize::from(recurring);
        }
    }
    for exception in exceptions.iter().filter(|e| e.state.is_open()) {
        for nhi in unique(kinds_of(exception.control.as_deref())) {
            figures[nhi as usize].open_exceptions += 1;
        }
    }
    for incident in incidents.iter().filter(|i| i.in_window) {
        let own = model.incidents.get(&incident.id).and_then(|i| i.nhi);
        let kinds = match own {
            Some(nhi) => vec![nhi],
            None => unique(kinds_of(incident.control.as_deref())),
        };
        for nhi in kinds {
            figures[nhi as usize].incidents_in_window += 1;
        }
    }
    figures
}

/// `kinds` without repeats (a control may list a kind twice), in order.
fn unique(kinds: &[Nhi]) -> Vec<Nhi> {
    let mut seen = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        if !seen.contains(&kind) {
            seen.push(kind);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::model::Nhi::{self, Agent, Secret, Token};

    /// (controls, incidents_in_window, recurring_controls, open_exceptions) of `nhi`.
    fn of(metrics: &crate::metrics::Metrics, nhi: Nhi) -> (usize, usize, usize, usize) {
        let f = &metrics.by_nhi[nhi as usize];
        assert_eq!(f.nhi, nhi);
        (
            f.controls,
            f.incidents_in_window,
            f.recurring_controls,
            f.open_exceptions,
        )
    }

    #[test]
    fn a_kinds_place_in_the_list_is_its_discriminant() {
        for (place, nhi) in Nhi::ALL.into_iter().enumerate() {
            assert_eq!(nhi as usize, place, "{}", nhi.as_str());
        }
    }

    #[test]
    fn each_kind_counts_the_controls_that_protect_it_and_their_failures_and_exceptions() {
        // CTL-A protects agents and secrets and fails three times in the window (recurring);
        // CTL-B protects tokens (listed twice) and fails once, an incident about a secret.
        let mut ctl_a = control("CTL-A", "dana");
        ctl_a.nhi = vec![Agent, Secret];
        let mut ctl_b = control("CTL-B", "dana");
        ctl_b.nhi = vec![Token, Token];
        let mut about_a_secret = incident("INC-4", "CTL-B", "2026-10-01", &[Design]);
        about_a_secret.nhi = Some(Secret);
        let kit = Kit::default()
            .people(&["dana", "maria"])
            .control(ctl_a)
            .control(ctl_b)
            .incident(incident("INC-1", "CTL-A", "2026-03-01", &[Design]))
            .incident(incident("INC-2", "CTL-A", "2026-06-01", &[Operation]))
            .incident(incident("INC-3", "CTL-A", "2026-09-01", &[Design]))
            // Outside the 365-day window ending 2026-11-01: not counted.
            .incident(incident("INC-0", "CTL-A", "2025-10-01", &[Design]))
            .incident(about_a_secret)
            // Open, and closed before as-of: only the first counts.
            .exception(exception("EXC-1", "CTL-A", "maria", "2026-10-01", None))
            .exception({
                let mut closed = exception("EXC-2", "CTL-B", "maria", "2026-01-01", None);
                closed.closed = Some(day("2026-02-01"));
                closed
            });
        let metrics = kit.compute(AS_OF);
        assert_eq!(metrics.by_nhi.len(), Nhi::ALL.len());
        // Agents: CTL-A; INC-1..3 (no own nhi: CTL-A's kinds); CTL-A recurring; EXC-1.
        assert_eq!(of(&metrics, Agent), (1, 3, 1, 1));
        // Secrets: CTL-A; INC-1..3 and INC-4 (its own nhi, though CTL-B protects tokens).
        assert_eq!(of(&metrics, Secret), (1, 4, 1, 1));
        // Tokens: CTL-B once, though listed twice; INC-4 is about a secret; EXC-2 closed.
        assert_eq!(of(&metrics, Token), (1, 0, 0, 0));
        assert_eq!(of(&metrics, Nhi::Certificate), (0, 0, 0, 0));
    }
}
