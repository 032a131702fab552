//! The most prolific authors: how many models they made, when, and how those models
//! score (the interactive tool's author view).

use crate::graph::LineageGraph;
use crate::model::{Day, ModelType};

use super::groups::{timeline, AuthorBasis, Bots};
use super::{Cell, Scope, Table, Timeline, Unit};

/// What one author published.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorActivity {
    /// The author id.
    pub author: u32,
    /// Models counted.
    pub models: usize,
    /// Of them, models with a leaderboard score.
    pub scored: usize,
    /// Mean average of the scored ones.
    pub mean_average: Option<f64>,
    /// Best average and the model that has it.
    pub best: Option<(f64, u32)>,
    /// Creation date of the first model.
    pub first: Option<Day>,
    /// Creation date of the last model.
    pub last: Option<Day>,
    /// Models per period of the timeline.
    pub per_period: Vec<usize>,
    /// Models per period and type ([`ModelType::ALL`] order).
    pub per_period_type: Vec<[usize; ModelType::ALL.len()]>,
}

/// The most prolific authors and their activity over time.
#[derive(Debug, Clone, PartialEq)]
pub struct TopAuthors {
    /// The periods.
    pub timeline: Timeline,
    /// The authors, most models first.
    pub authors: Vec<AuthorActivity>,
    /// Authors counted, the top ones and the rest.
    pub all_authors: usize,
    /// Author-model pairs of all authors counted: the denominator of the top authors'
    /// share of contributions.
    pub contributions: usize,
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
    // Count first, dense by author id; only the chosen authors' models are gathered after.
    let mut counts = vec![0u32; g.authors.len()];
    let mut authors = Vec::new();
    for v in scope.models(g) {
        basis.authors_of(g, v, &mask, &mut authors);
        for &a in &authors {
            counts[a as usize] += 1;
        }
    }
    let chosen = most_models(g, &counts, n);
    let all_authors = counts.iter().filter(|&&c| c > 0).count();
    let contributions = counts.iter().map(|&c| c as usize).sum();
    // The counts are spent: the same array now maps an author id to its rank, or none.
    let mut slot = counts;
    slot.fill(u32::MAX);
    for (i, &a) in chosen.iter().enumerate() {
        slot[a as usize] = i as u32;
    }
    let mut ranked: Vec<(u32, Vec<u32>)> = chosen.iter().map(|&a| (a, Vec::new())).collect();
    if !ranked.is_empty() {
        for v in scope.models(g) {
            basis.authors_of(g, v, &mask, &mut authors);
            for &a in &authors {
                if let Some(r) = ranked.get_mut(slot[a as usize] as usize) {
                    r.1.push(v);
                }
            }
        }
    }
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
                per_period_type: vec![[0; ModelType::ALL.len()]; tl.len()],
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
                        act.per_period_type[i][m.model_type as usize] += 1;
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
        all_authors,
        contributions,
    }
}

/// The `n` authors with most models by `counts` (ties by name), most first. Selects
/// before it sorts, so names are compared only among the candidates.
fn most_models(g: &LineageGraph, counts: &[u32], n: usize) -> Vec<u32> {
    let mut ids: Vec<u32> = (0..counts.len() as u32)
        .filter(|&a| counts[a as usize] > 0)
        .collect();
    let order = |a: &u32, b: &u32| {
        counts[*b as usize]
            .cmp(&counts[*a as usize])
            .then_with(|| g.authors.name(*a).cmp(g.authors.name(*b)))
    };
    if n < ids.len() {
        if n == 0 {
            return Vec::new();
        }
        ids.select_nth_unstable_by(n - 1, order);
        ids.truncate(n);
    }
    ids.sort_unstable_by(order);
    ids
}

impl TopAuthors {
    /// The authors as a table, one row per author.
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

    /// Long table of models per author, period and type (the interactive tool colours each
    /// author's models by type); combinations with none left out.
    pub fn types_table(&self, g: &LineageGraph) -> Table {
        let mut t = Table::new(["author", "period", "type", "models"]);
        for a in &self.authors {
            for (i, counts) in a.per_period_type.iter().enumerate() {
                for (ty, &c) in ModelType::ALL.iter().zip(counts) {
                    if c > 0 {
                        t.push(vec![
                            Cell::text(g.authors.name(a.author)),
                            Cell::text(self.timeline.label(i)),
                            Cell::text(ty.as_str()),
                            Cell::int(c),
                        ]);
                    }
                }
            }
        }
        t
    }
}

crate::params!(
    /// The parameters of the `top-authors` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
        /// how many authors
        top: usize = 15,
        /// who is an author: contributors (commit authors, the papers' and the default everywhere), owners (namespaces) or both
        basis: crate::analysis::groups::AuthorBasis = crate::analysis::groups::AuthorBasis::Contributors,
        /// more author names to treat as bots
        bots: Vec<String> = Vec::new(),
    }
);

/// The `top-authors` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct TopAuthorsAnalysis;

impl crate::analysis::registry::Compute for TopAuthorsAnalysis {
    const NAME: &'static str = "top-authors";
    const TITLE: &'static str = "Top authors' activity and scores";
    const DESCRIPTION: &'static str = "The authors with most models: how many, over how many periods, and how they score (the interactive tool's author view).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_axis_top_down, row_span, series};
        use crate::analysis::notes::{
            basis_text, board_note, bots, flagged_note, graph_note, SHARE_TEXT,
        };
        use crate::analysis::{self, Output};
        use crate::render::palette::TEXT;
        use crate::render::{Anchor, Axis, Figure, Layer, Layout, LegendEntry, Panel};

        let sc = p.scope();
        let r = analysis::top_authors::top_authors(g, &sc, p.unit, p.top, p.basis, &bots(&p.bots));
        let names: Vec<String> = r
            .authors
            .iter()
            .map(|a| g.authors.name(a.author).to_string())
            .collect();
        let n = names.len();
        let maxm = r.authors.iter().map(|a| a.models).max().unwrap_or(1) as f64;
        let mut models = Panel::new(
            Axis::new(match p.basis {
                crate::analysis::groups::AuthorBasis::Owners => "models",
                _ => "repositories",
            })
            .from_zero()
            .range(0.0, maxm * 1.3),
            category_axis_top_down("", &names),
        )
        .titled(match p.basis {
            crate::analysis::groups::AuthorBasis::Owners => "Models made",
            crate::analysis::groups::AuthorBasis::Contributors => "Repositories they committed to",
            crate::analysis::groups::AuthorBasis::Both => "Repositories they own or committed to",
        });
        models.weight = 1.5;
        models.layers.push(Layer::HBars {
            color: series(0),
            bars: r
                .authors
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let (y0, y1) = row_span(n, i, 0.7);
                    (y0, y1, 0.0, a.models as f64)
                })
                .collect(),
        });
        models.layers.push(Layer::Labels {
            color: TEXT,
            labels: r
                .authors
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    (
                        a.models as f64,
                        (n - 1 - i) as f64 + 0.5,
                        match a.per_period.iter().filter(|&&c| c > 0).count() {
                            0 => format!("{} (no dates)", a.models),
                            1 => format!("{} in 1 {}", a.models, p.unit),
                            k => format!("{} in {k} {}s", a.models, p.unit),
                        },
                    )
                })
                .collect(),
            anchor: Anchor::Right,
        });
        let blank: Vec<String> = names.iter().map(|_| String::new()).collect();
        let scores: Vec<f64> = r
            .authors
            .iter()
            .flat_map(|a| [a.mean_average, a.best.map(|b| b.0)])
            .flatten()
            .collect();
        let lo = scores.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() {
            ((lo - 5.0).max(0.0), (hi + 3.0).min(100.0))
        } else {
            (0.0, 100.0)
        };
        let mut score = Panel::new(
            Axis::new("leaderboard average (%)").range(lo, hi),
            category_axis_top_down("", &blank),
        )
        .titled("Mean and best score");
        score.layers.push(Layer::Points {
            color: series(1),
            points: r
                .authors
                .iter()
                .enumerate()
                .filter_map(|(i, a)| Some((a.mean_average?, (n - 1 - i) as f64 + 0.5)))
                .collect(),
            size: 7,
            opacity: 1.0,
        });
        score.layers.push(Layer::Points {
            color: series(6),
            points: r
                .authors
                .iter()
                .enumerate()
                .filter_map(|(i, a)| Some((a.best?.0, (n - 1 - i) as f64 + 0.5)))
                .collect(),
            size: 5,
            opacity: 1.0,
        });
        let mut fig = Figure::new(format!("The {} most prolific authors", n));
        let top_sum: usize = r.authors.iter().map(|a| a.models).sum();
        let share = top_sum as f64 / r.contributions.max(1) as f64 * 100.0;
        fig.subtitle = Some(format!(
            "Authors: {}, bots left out; these {n} made {share:.1}% of {} {SHARE_TEXT}",
            basis_text(p.basis),
            r.contributions
        ));
        fig.layout = Layout::Columns;
        fig.height = (260 + 34 * n as u32).max(700);
        fig.panels = vec![models, score];
        fig.legend = vec![
            LegendEntry::point("mean score of their models", series(1)),
            LegendEntry::point("best score", series(6)),
        ];
        fig.note = Some(format!(
            "{}; {}; authors without scored models have no dots",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        board_note(&mut fig, g, p.board);
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Top authors' activity and scores".into(),
        description: format!("The authors with most models: how many they made, in how many {}s, and how those models score (the interactive tool's author view); their models per {} are in the second table.", p.unit, p.unit),
        table: r.table(g),
        extra: vec![
            ("activity".into(), format!("Models per author and {}", p.unit), r.activity_table(g)),
            ("types".into(), format!("Models per author, {} and type", p.unit), r.types_table(g)),
        ],
        figure: fig,
        notes: vec![format!(
            "authors: {}; the top {n} of {} made {share:.2}% of {} {SHARE_TEXT}",
            basis_text(p.basis),
            r.all_authors,
            r.contributions
        )],
    })
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
        // by type: a's two pretrained models in January and March; b's unscored one in
        // January has no type the inputs state
        let types = r.types_table(&g).to_csv_string();
        assert_eq!(
            types,
            "author,period,type,models\n\
             a,2024-01,pretrained,1\n\
             a,2024-03,pretrained,1\n\
             b,2024-01,unknown,1\n"
        );
    }
}
