//! Downloads by parameter size (paper figure 9): per size class, how many models and how
//! often they are downloaded, with the most downloaded model of each class.

use crate::graph::LineageGraph;

use super::groups::SizeClasses;
use super::{quantile, Cell, Scope, Table};

/// Downloads of the models of one size class.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeDownloads {
    /// The class's label (`<1.5B`, ...).
    pub class: String,
    /// Models in the class with a download count.
    pub models: usize,
    /// Their downloads summed.
    pub total: u64,
    /// Median downloads.
    pub median: f64,
    /// Mean downloads.
    pub mean: f64,
    /// Most downloaded model and its downloads.
    pub top: Option<(u32, u64)>,
}

/// Models with both a parameter count and a download count. O(n log n) in models.
pub fn downloads_by_size(
    g: &LineageGraph,
    scope: &Scope,
    sizes: &SizeClasses,
) -> Vec<SizeDownloads> {
    let mut per: Vec<Vec<(u64, u32)>> = vec![Vec::new(); sizes.len()];
    for v in scope.models(g) {
        let m = &g.models[v as usize];
        if let (Some(p), Some(d)) = (m.params_b, m.downloads) {
            per[sizes.class_of(p as f64)].push((d, v));
        }
    }
    per.into_iter()
        .enumerate()
        .map(|(c, mut list)| {
            list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let total: u64 = list.iter().map(|x| x.0).sum();
            let mut asc: Vec<f64> = list.iter().map(|x| x.0 as f64).collect();
            asc.reverse();
            SizeDownloads {
                class: sizes.label(c),
                models: list.len(),
                total,
                median: quantile(&asc, 0.5),
                mean: if list.is_empty() {
                    f64::NAN
                } else {
                    total as f64 / list.len() as f64
                },
                top: list.first().map(|&(d, v)| (v, d)),
            }
        })
        .collect()
}

/// The classes as a table, one row per class.
pub fn table(g: &LineageGraph, rows: &[SizeDownloads]) -> Table {
    let mut t = Table::new([
        "size",
        "models",
        "total_downloads",
        "median_downloads",
        "mean_downloads",
        "top_model",
        "top_downloads",
    ]);
    for r in rows {
        t.push(vec![
            Cell::text(&r.class),
            Cell::int(r.models),
            Cell::int(r.total),
            Cell::float(r.median),
            Cell::float(r.mean),
            r.top.map_or(Cell::Empty, |(v, _)| Cell::text(g.name(v))),
            r.top.map_or(Cell::Empty, |(_, d)| Cell::int(d)),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `downloads-by-size` analysis.
    Params {
        /// size class edges in billions of parameters
        size_edges: Vec<f64> = vec![1.5, 4.0, 8.0, 15.0, 40.0, 80.0],
    }
);

/// The `downloads-by-size` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct DownloadsBySizeAnalysis;

impl crate::analysis::registry::Compute for DownloadsBySizeAnalysis {
    const NAME: &'static str = "downloads-by-size";
    const TITLE: &'static str = "Downloads by parameter size";
    const DESCRIPTION: &'static str = "Total and median downloads per size class (paper figure 9).";
    type Params = Params;

    fn compute(
        &self,
        g: &crate::graph::LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::charts::{category_bars, series};
        use crate::analysis::notes::{flagged_note, graph_note, rounded_sizes_note};
        use crate::analysis::{self, Output};

        use crate::analysis::groups::SizeClasses;
        use crate::render::Figure;

        let sc = p.scope();
        let rows = analysis::downloads_by_size::downloads_by_size(
            g,
            &sc,
            &SizeClasses::new(p.size_edges.clone()),
        );
        let names: Vec<String> = rows.iter().map(|r| r.class.clone()).collect();
        let totals: Vec<f64> = rows.iter().map(|r| r.total as f64).collect();
        let medians: Vec<f64> = rows
            .iter()
            .map(|r| if r.median.is_finite() { r.median } else { 0.0 })
            .collect();
        let mut a = category_bars(
            "",
            "",
            "total downloads (log scale)",
            &names,
            &totals,
            true,
            series(0),
        )
        .panels
        .remove(0);
        a.title = Some("All downloads of the class's models".into());
        let mut b = category_bars(
            "",
            "",
            "median downloads (log scale)",
            &names,
            &medians,
            true,
            series(1),
        )
        .panels
        .remove(0);
        b.title = Some("Downloads of the median model".into());
        b.x.label = "model size (parameters)".into();
        let mut fig = Figure::new("Downloads by model size");
        fig.subtitle = Some(format!(
            "Models with a known size and download count: {}",
            rows.iter().map(|r| r.models).sum::<usize>()
        ));
        fig.height = 1000;
        fig.panels = vec![a, b];
        fig.note = Some(format!(
            "{}; {}; downloads as the Hub reported them when the data was collected",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(Output {
        name: String::new(),
        analysis: Self::NAME,
        title: "Downloads by parameter size".into(),
        description: "How often models of each size class are downloaded, in total and for the median model (paper figure 9).".into(),
        table: analysis::downloads_by_size::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: rounded_sizes_note(g).into_iter().collect(),
    })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::{build, lb_row};

    #[test]
    fn totals_medians_and_top_per_class() {
        let details = "0,a/s1,a,,,10,,[],,,\n1,a/s2,a,,,30,,[],,,\n2,a/b1,a,,,1000,,[],,,\n3,a/b2,a,,,,,[],,,\n";
        let lb = [
            lb_row(
                "a/s1",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                1.0,
                false,
            ),
            lb_row(
                "a/s2",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                1.1,
                false,
            ),
            lb_row(
                "a/b1",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
            lb_row(
                "a/b2",
                "🟢 pretrained",
                50.0,
                "LlamaForCausalLM",
                "mit",
                7.0,
                false,
            ),
        ]
        .concat();
        let g = build(details, &lb, "");
        let r = downloads_by_size(&g, &Scope::default(), &SizeClasses::new(vec![4.0]));
        assert_eq!((r[0].models, r[0].total, r[0].median), (2, 40, 20.0));
        assert_eq!(g.name(r[0].top.unwrap().0), "a/s2");
        assert_eq!((r[1].models, r[1].total), (1, 1000)); // a/b2 has no download count
    }
}
