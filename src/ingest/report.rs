//! The build report: everything a build saw, decided and could not use. The JSON form
//! (`--report`) is complete; the human summary on stderr gives counts and a few examples.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{FileSummary, RowIssue};
use crate::model::Board;

/// Problems of one reason: how many, and each occurrence with file, line and field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IssueGroup {
    /// How many.
    pub count: u64,
    /// The first occurrences, with file, line and field.
    pub rows: Vec<RowIssue>,
}

/// A reference that named no model the build could find.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reference {
    /// The file.
    pub file: String,
    /// Line of the row.
    pub line: u64,
    /// The field the reference is in.
    pub field: String,
    /// The model that made it.
    pub child: String,
    /// The reference as written.
    pub value: String,
}

/// References of one outcome (unresolved, self-reference, ...).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReferenceGroup {
    /// How many.
    pub count: u64,
    /// The first ones.
    pub references: Vec<Reference>,
}

/// A cycle of lineage edges (a strongly connected component).
#[derive(Debug, Clone, Serialize)]
pub struct Cycle {
    /// Member ids.
    pub members: Vec<String>,
    /// Edges that queries needing an acyclic graph skip.
    pub edges_skipped: u64,
}

/// Two inputs of one format that describe the same models: two versions of one table.
#[derive(Debug, Clone, Serialize)]
pub struct Overlap {
    /// The input read first: where the two differ, its values are the ones used.
    pub first: String,
    /// The input read later.
    pub second: String,
    /// The format of both.
    pub format: String,
    /// Models of `second` that `first` already described.
    pub models: u64,
    /// Records `second` gave in all.
    pub second_records: u64,
}

/// What a build read, made and reported: counts, problems by reason, unresolved references and cycles.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Each input file.
    pub inputs: Vec<FileSummary>,
    /// Models in the graph, stubs included.
    pub models: u64,
    /// Models some input describes.
    pub described: u64,
    /// Models only named as a parent.
    pub stubs: u64,
    /// Lineage edges.
    pub edges: u64,
    /// Edges by kind.
    pub edges_by_kind: BTreeMap<String, u64>,
    /// Leaderboard rows folded into another row of the same model.
    pub duplicates_merged: u64,
    /// Models the leaderboard flags.
    pub flagged: u64,
    /// Repos whose Hub owner differs from their namespace.
    pub moved: u64,
    /// Models whose only description was a copy of another row's metadata: their metadata
    /// is not used (`lineage info` shows the same count).
    pub metadata_not_used: u64,
    /// Inputs of one format that describe the same models.
    pub same_models: Vec<Overlap>,
    /// Distinct authors.
    pub authors: u64,
    /// Described, unflagged models with an average, per leaderboard board (`v1`, `v2`); two
    /// keys mean both boards' scores are present, on their two scales.
    pub scored: BTreeMap<String, u64>,
    /// Models whose creation date is their repo's first commit (no source gave one).
    pub created_from_commits: u64,
    /// Placeholder references (`unknown`, `[]`, `None`, `Removed`, empty), by value.
    pub placeholder_references: BTreeMap<String, u64>,
    /// Free-text names resolved through the alias table, and how.
    pub aliased: ReferenceGroup,
    /// Rows whose own id is an alias (`gpt2`): their record went to the repo it names
    /// (`openai-community/gpt2`), together with that repo's own rows.
    pub aliased_records: ReferenceGroup,
    /// References that named no model the build could find.
    pub unresolved: ReferenceGroup,
    /// Models that name themselves as a parent.
    pub self_references: ReferenceGroup,
    /// Cycles of lineage edges.
    pub cycles: Vec<Cycle>,
    /// Models whose creation date was corrected, and why.
    pub date_corrections: Vec<String>,
    /// Rows (or fields) that could not be read as they stand, by reason.
    pub rejected: BTreeMap<String, IssueGroup>,
    /// Rows that were read but look wrong, by reason.
    pub suspicious: BTreeMap<String, IssueGroup>,
}

/// `1 issue`, `2 issues`, `5,907 rows`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

impl BuildReport {
    /// Counts `issue` under its reason, as rejected or suspicious.
    pub fn add_issue(&mut self, issue: RowIssue) {
        let suspicious = [
            super::reason::COPIED,
            super::reason::SAME_METADATA,
            super::reason::REPEATED,
        ];
        let table = if suspicious.contains(&issue.reason) {
            &mut self.suspicious
        } else {
            &mut self.rejected
        };
        let group = table.entry(issue.reason.to_string()).or_default();
        group.count += 1;
        group.rows.push(issue);
    }

    /// Rows or fields rejected, over all reasons.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().map(|g| g.count).sum()
    }

    /// Rows marked suspicious, over all reasons.
    pub fn suspicious_total(&self) -> u64 {
        self.suspicious.values().map(|g| g.count).sum()
    }

    /// The human summary: counts, then up to `examples` examples of each problem.
    pub fn summary(&self, examples: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "inputs:");
        for f in &self.inputs {
            let fmt = f.format.map(|f| f.as_str()).unwrap_or("?");
            let _ = writeln!(
                s,
                "  {} ({fmt}): {}, {}, {}{}{}",
                f.path,
                count(f.rows, "row", "rows"),
                count(f.records, "record", "records"),
                count(f.issues, "issue", "issues"),
                if f.rows_rejected > 0 {
                    format!(", {} rejected", count(f.rows_rejected, "row", "rows"))
                } else {
                    String::new()
                },
                if f.duplicates_merged > 0 {
                    format!(
                        ", {} merged into another of the same model",
                        count(f.duplicates_merged, "repeated row", "repeated rows")
                    )
                } else {
                    String::new()
                }
            );
        }
        let kinds: Vec<String> = self
            .edges_by_kind
            .iter()
            .map(|(k, v)| format!("{k} {}", thousands(*v)))
            .collect();
        let _ = writeln!(
            s,
            "models: {} ({} described, {} stubs), authors: {}, flagged: {}, moved: {}, \
             metadata not used: {}",
            thousands(self.models),
            thousands(self.described),
            thousands(self.stubs),
            thousands(self.authors),
            thousands(self.flagged),
            thousands(self.moved),
            thousands(self.metadata_not_used)
        );
        for o in &self.same_models {
            let _ = writeln!(
                s,
                "warning: {} and {} are both {} tables and describe the same models ({} of \
                 the {} in {}): {} was read first, so its values win where they differ; \
                 build from one of them",
                o.first, o.second, o.format, o.models, o.second_records, o.second, o.first
            );
        }
        let _ = writeln!(s, "edges: {} ({})", thousands(self.edges), kinds.join(", "));
        let boards: Vec<(Board, u64)> = Board::ALL
            .into_iter()
            .filter_map(|b| self.scored.get(b.as_str()).map(|&n| (b, n)))
            .collect();
        let scored: Vec<String> = boards
            .iter()
            .map(|(b, n)| {
                let s = if *n == 1 { "" } else { "s" };
                format!("{} {} unflagged model{s}", b.label(), thousands(*n))
            })
            .collect();
        if !scored.is_empty() {
            let _ = writeln!(s, "scored on leaderboard {}", scored.join(", "));
        }
        if boards.len() > 1 {
            // The default board: more scored models, v1 on a tie (LineageGraph::default_board).
            let default = if boards[1].1 > boards[0].1 {
                boards[1].0
            } else {
                boards[0].0
            };
            let _ = writeln!(
                s,
                "both leaderboards are present: their averages are on different scales and are \
                 never mixed; score queries use one (--board v1|v2; default {default}, the one \
                 with more scored models)"
            );
        }
        if self.created_from_commits > 0 {
            let _ = writeln!(
                s,
                "creation dates from first commits: {} models without one in any other source \
                 (--no-commit-dates to leave them undated)",
                self.created_from_commits
            );
        }
        if !self.placeholder_references.is_empty() {
            let p: Vec<String> = self
                .placeholder_references
                .iter()
                .map(|(k, v)| format!("'{k}' {v}"))
                .collect();
            let _ = writeln!(s, "placeholder references (no edge): {}", p.join(", "));
        }
        let refs = |s: &mut String, title: &str, g: &ReferenceGroup| {
            if g.count == 0 {
                return;
            }
            let _ = writeln!(s, "{title}: {}", g.count);
            for r in g.references.iter().take(examples) {
                let _ = writeln!(
                    s,
                    "  {}:{}: {} '{}' (in {})",
                    r.file,
                    r.line,
                    r.field,
                    super::shown(&r.value),
                    super::shown(&r.child)
                );
            }
        };
        refs(&mut s, "resolved through aliases", &self.aliased);
        refs(
            &mut s,
            "rows whose id is an alias, merged into the repo it names",
            &self.aliased_records,
        );
        refs(&mut s, "unresolved references", &self.unresolved);
        refs(&mut s, "self-references dropped", &self.self_references);
        if !self.cycles.is_empty() {
            let _ = writeln!(s, "cycles: {}", self.cycles.len());
            for c in self.cycles.iter().take(examples) {
                let _ = writeln!(s, "  {}", c.members.join(" -> "));
            }
        }
        for c in &self.date_corrections {
            let _ = writeln!(s, "date corrected: {c}");
        }
        for (title, table) in [
            ("rejected", &self.rejected),
            ("suspicious", &self.suspicious),
        ] {
            for (reason, g) in table {
                let _ = writeln!(s, "{title}: {reason}: {}", g.count);
                for r in g.rows.iter().take(examples) {
                    let field = if r.field.is_empty() {
                        String::new()
                    } else {
                        format!(" field '{}':", r.field)
                    };
                    let _ = writeln!(s, "  {}:{}:{field} {}", r.file, r.line, r.message);
                }
            }
        }
        s
    }
}
