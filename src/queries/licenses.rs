//! `lineage query licenses` and `lineage query license-drift` as library calls: the license
//! table with its permissions, and the lineage edges whose licenses do not go together. The
//! answers are JSON values (their rows are the tables the command line prints).

use serde_json::{json, Value};

use crate::analysis::license_drift::{license_drift as drift, Rules, Verdict};
use crate::analysis::licenses::{license_distribution, permission_summary, table, Permissions};
use crate::analysis::Scope;
use crate::graph::LineageGraph;

/// What `licenses` is asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LicensesOptions {
    /// Count flagged models too.
    pub include_flagged: bool,
}

/// What `license-drift` is asked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LicenseDriftOptions {
    /// List every edge instead of counts per license pair.
    pub edges: bool,
    /// Count flagged models too.
    pub include_flagged: bool,
}

fn scope(include_flagged: bool) -> Scope {
    Scope {
        include_flagged,
        ..Scope::default()
    }
}

/// Models per license, with what each license permits, and models per permission.
pub fn licenses(g: &LineageGraph, o: &LicensesOptions, perms: &Permissions) -> Value {
    let rows = license_distribution(g, &scope(o.include_flagged), perms);
    json!({
        "licenses": table(&rows).to_json(),
        "models_by_permission": permission_summary(&rows).to_json(),
    })
}

/// The lineage edges checked against the rules: counts per license pair (or every edge) and
/// the verdict totals.
pub fn license_drift(
    g: &LineageGraph,
    o: &LicenseDriftOptions,
    perms: &Permissions,
    rules: &Rules,
) -> Value {
    let d = drift(g, &scope(o.include_flagged), perms, rules);
    let rows = if o.edges {
        d.edges_table(g)
    } else {
        d.pairs_table(rules)
    };
    json!({
        if o.edges { "edges" } else { "pairs" }: rows.to_json(),
        "checked": d.checked(),
        "ok": d.count(Verdict::Ok),
        "incompatible": d.count(Verdict::Incompatible),
        "unverifiable": d.count(Verdict::Unverifiable),
        "from_undescribed_bases": d.stub_bases,
    })
}
