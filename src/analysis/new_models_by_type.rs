//! New models per period by model type, in numbers and as shares (paper figure 4).

use crate::graph::LineageGraph;
use crate::model::ModelType;

use super::groups::timeline;
use super::{Cell, Scope, Table, Timeline, Unit};

/// Counts of new models per period and category; shared by the type and architecture
/// trends.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodCounts {
    /// The periods counted.
    pub timeline: Timeline,
    /// The categories, in column order.
    pub categories: Vec<String>,
    /// `counts[period][category]`.
    pub counts: Vec<Vec<usize>>,
    /// Selected models without a creation date (not on the timeline).
    pub undated: usize,
}

impl PeriodCounts {
    /// Zero counts for every period and category.
    pub fn new(timeline: Timeline, categories: Vec<String>) -> PeriodCounts {
        let counts = vec![vec![0; categories.len()]; timeline.len()];
        PeriodCounts {
            timeline,
            categories,
            counts,
            undated: 0,
        }
    }

    /// Models counted in `period`, over all categories.
    pub fn total(&self, period: usize) -> usize {
        self.counts[period].iter().sum()
    }

    /// Share of `period`'s models in `category`, 0 to 1 (0 for an empty period).
    pub fn share(&self, period: usize, category: usize) -> f64 {
        let t = self.total(period);
        if t == 0 {
            0.0
        } else {
            self.counts[period][category] as f64 / t as f64
        }
    }

    /// All periods' counts of one category.
    pub fn category_total(&self, category: usize) -> usize {
        self.counts.iter().map(|row| row[category]).sum()
    }

    /// Wide table: period, one count column per category, total, one share column per
    /// category.
    pub fn table(&self) -> Table {
        let mut cols = vec!["period".to_string()];
        cols.extend(self.categories.iter().cloned());
        cols.push("total".into());
        cols.extend(self.categories.iter().map(|c| format!("share {c}")));
        let mut t = Table::new(cols);
        for p in 0..self.timeline.len() {
            let mut row = vec![Cell::text(self.timeline.label(p))];
            row.extend(self.counts[p].iter().map(|&c| Cell::int(c)));
            row.push(Cell::int(self.total(p)));
            row.extend((0..self.categories.len()).map(|c| Cell::float(self.share(p, c))));
            t.push(row);
        }
        t
    }
}

/// Counts new models per period and type. Linear in models.
pub fn new_models_by_type(g: &LineageGraph, scope: &Scope, unit: Unit) -> PeriodCounts {
    let tl = timeline(g, scope, unit);
    let cats = ModelType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let mut pc = PeriodCounts::new(tl, cats);
    for v in scope.models(g) {
        let m = &g.models[v as usize];
        match m.created.and_then(|d| pc.timeline.index_of(d)) {
            Some(p) => pc.counts[p][m.model_type as usize] += 1,
            None => pc.undated += usize::from(m.created.is_none()),
        }
    }
    pc
}

crate::params!(
    /// The parameters of the `new-models-by-type` analysis.
    Params {
        /// aggregation period: day, week (ISO, from Monday) or month
        unit: crate::analysis::Unit = crate::analysis::Unit::Month,
    }
);

/// The `new-models-by-type` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct NewModelsByTypeAnalysis;

impl crate::analysis::registry::Compute for NewModelsByTypeAnalysis {
    const NAME: &'static str = "new-models-by-type";
    const TITLE: &'static str = "New models by type";
    const DESCRIPTION: &'static str =
        "New models per period by type, in numbers and as shares (paper figure 4).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::stacked_periods;
        use crate::analysis::notes::{flagged_note, graph_note, join_notes, partial_note};
        use crate::analysis::{self, Output};

        let sc = p.scope();
        let pc = analysis::new_models_by_type::new_models_by_type(g, &sc, p.unit);
        let mut fig = stacked_periods(
            &pc,
            true,
            &format!("New models per {} by type", p.unit),
            "models",
            &[],
        );
        fig.note = Some(join_notes(
            [
                graph_note(g),
                flagged_note(p.include_flagged).to_string(),
                format!("{} models without a creation date not shown", pc.undated),
            ]
            .into_iter()
            .chain(partial_note(
                g,
                p.unit,
                pc.timeline.starts.last().copied(),
                sc.to,
            )),
        ));
        Ok(Output {
                name: String::new(),
                analysis: Self::NAME,
                title: format!("New models per {} by type", p.unit),
                description: format!("How many models of each type (pretrained, fine-tuned, chat, merge, ...) were created each {}, in numbers and as shares of the {}'s new models (paper figure 4).", p.unit, p.unit),
                table: pc.table(),
                extra: Vec::new(),
                figure: fig,
                notes: vec![format!("{} models counted; {} without a creation date", (0..pc.timeline.len()).map(|i| pc.total(i)).sum::<usize>(), pc.undated)],
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn counts_and_shares_by_type_without_flagged() {
        let details = "0,a/m1,a,2024-01-05 00:00:00+00:00,,1,,[],,,\n\
                       1,a/m2,a,2024-01-06 00:00:00+00:00,,1,,[],,,\n\
                       2,a/m3,a,2024-01-07 00:00:00+00:00,,1,,[],,,\n\
                       3,b/m4,b,2024-02-01 00:00:00+00:00,,1,,[],,,\n";
        let lb = [
            lb_row(
                "a/m1",
                "💬 chat models (RLHF, DPO, IFT, ...)",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/m2",
                "🤝 base merges and moerges",
                60.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/m3",
                "🤝 base merges and moerges",
                61.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                true,
            ),
            lb_row(
                "b/m4",
                "🤝 base merges and moerges",
                62.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let r = new_models_by_type(&g, &Scope::default(), Unit::Month);
        let chat = ModelType::Chat as usize;
        let merge = ModelType::Merge as usize;
        assert_eq!(r.counts[0][chat], 1);
        assert_eq!(r.counts[0][merge], 1); // the flagged one is left out
        assert_eq!(r.total(0), 2);
        assert_eq!(r.share(0, chat), 0.5);
        assert_eq!(r.counts[1][merge], 1);
        let all = Scope {
            include_flagged: true,
            ..Scope::default()
        };
        assert_eq!(
            new_models_by_type(&g, &all, Unit::Month).counts[0][merge],
            2
        );
        let t = r.table();
        assert_eq!(t.get(0, "chat"), Some(&Cell::Int(1)));
        assert_eq!(t.get(0, "share merge"), Some(&Cell::Float(0.5)));
    }
}
