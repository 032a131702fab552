//! The most prolific authors: how many models they made, when, and how those models
//! score (the interactive tool's author view).

use rustc_hash::FxHashMap;

use crate::graph::LineageGraph;
use crate::model::Day;

use super::groups::{timeline, AuthorBasis, Bots};
use super::{Cell, Scope, Table, Timeline, Unit};

#[derive(Debug, Clone, PartialEq)]
pub struct AuthorActivity {
    pub author: u32,
    pub models: usize,
    pub scored: usize,
    pub mean_average: Option<f64>,
    pub best: Option<(f64, u32)>,
    pub first: Option<Day>,
    pub last: Option<Day>,
    /// Models per period of the timeline.
    pub per_period: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopAuthors {
    pub timeline: Timeline,
    pub authors: Vec<AuthorActivity>,
}

/// The `n` authors with most selected models (ties by name). Linear in models plus
/// sorting the authors.
pub fn top_authors(
    g: &LineageGraph,
    scope: &Scope,
    unit: Unit,
    n: usize,
    basis: AuthorBasis,
    bots: &Bots,
) -> TopAuthors {
    let mask = bots.mask(g);
    let tl = timeline(g, scope, unit);
    let board = scope.board(g);
    let mut per: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    let mut authors = Vec::new();
    for v in scope.models(g) {
        basis.authors_of(g, v, &mask, &mut authors);
        for &a in &authors {
            per.entry(a).or_default().push(v);
        }
    }
    let mut ranked: Vec<(u32, Vec<u32>)> = per.into_iter().collect();
    ranked.sort_by(|a, b| {
        b.1.len()
            .cmp(&a.1.len())
            .then_with(|| g.authors.name(a.0).cmp(g.authors.name(b.0)))
    });
    ranked.truncate(n);
    let authors = ranked
        .into_iter()
        .map(|(a, models)| {
            let mut act = AuthorActivity {
                author: a,
                models: models.len(),
                scored: 0,
                mean_average: None,
                best: None,
                first: None,
                last: None,
                per_period: vec![0; tl.len()],
            };
            let mut sum = 0.0;
            for v in models {
                let m = &g.models[v as usize];
                if let Some(avg) = m.average(board) {
                    let avg = avg as f64;
                    act.scored += 1;
                    sum += avg;
                    if act.best.is_none_or(|(b, _)| avg > b) {
                        act.best = Some((avg, v));
                    }
                }
                if let Some(d) = m.created {
                    act.first = Some(act.first.map_or(d, |f| f.min(d)));
                    act.last = Some(act.last.map_or(d, |l| l.max(d)));
                    if let Some(i) = tl.index_of(d) {
                        act.per_period[i] += 1;
                    }
                }
            }
            if act.scored > 0 {
                act.mean_average = Some(sum / act.scored as f64);
            }
            act
        })
        .collect();
    TopAuthors {
        timeline: tl,
        authors,
    }
}

impl TopAuthors {
    pub fn table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new([
            "author",
            "models",
            "scored",
            "mean_average",
            "best_average",
            "best_model",
            "first_model",
            "last_model",
            "active_periods",
        ]);
        for a in &self.authors {
            t.push(vec![
                Cell::text(g.authors.name(a.author)),
                Cell::int(a.models),
                Cell::int(a.scored),
                Cell::opt_float(a.mean_average),
                Cell::opt_float(a.best.map(|b| b.0)),
                a.best.map_or(Cell::Empty, |(_, v)| Cell::text(g.name(v))),
                a.first.map_or(Cell::Empty, |d| Cell::text(d.to_string())),
                a.last.map_or(Cell::Empty, |d| Cell::text(d.to_string())),
                Cell::int(a.per_period.iter().filter(|&&c| c > 0).count()),
            ]);
        }
        t
    }

    /// Long table of models per author and period (periods with none left out).
    pub fn activity_table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new(["author", "period", "models"]);
        for a in &self.authors {
            for (i, &c) in a.per_period.iter().enumerate() {
                if c > 0 {
                    t.push(vec![
                        Cell::text(g.authors.name(a.author)),
                        Cell::text(self.timeline.label(i)),
                        Cell::int(c),
                    ]);
                }
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn ranks_authors_and_scores_their_models() {
        let details = "0,a/m1,a,2024-01-05 00:00:00+00:00,,1,,[],,,\n\
                       1,a/m2,a,2024-03-06 00:00:00+00:00,,1,,[],,,\n\
                       2,b/m3,b,2024-01-07 00:00:00+00:00,,1,,[],,,\n";
        let lb = [
            lb_row(
                "a/m1",
                "🟢 pretrained",
                40.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/m2",
                "🟢 pretrained",
                60.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let r = top_authors(
            &g,
            &Scope::default(),
            Unit::Month,
            5,
            AuthorBasis::Owners,
            &Bots::default(),
        );
        assert_eq!(r.authors.len(), 2);
        let a = &r.authors[0];
        assert_eq!(g.authors.name(a.author), "a");
        assert_eq!((a.models, a.scored, a.mean_average), (2, 2, Some(50.0)));
        assert_eq!(a.per_period, [1, 0, 1]);
        assert_eq!(r.authors[1].mean_average, None);
        assert_eq!(r.activity_table(&g).len(), 3);
    }
}
