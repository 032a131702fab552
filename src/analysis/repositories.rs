//! A sample of model repositories (the journal version's table 2): each one's model,
//! author, creation date, downloads and tags, the most downloaded first.

use crate::graph::LineageGraph;

use super::{Cell, Scope, Table};

/// The `top` selected models by downloads (ties by id); models without a download count
/// are left out. O(n log n).
pub fn most_downloaded(g: &LineageGraph, scope: &Scope, top: usize) -> Vec<u32> {
    let mut ranked: Vec<(u32, u64)> = scope
        .models(g)
        .filter_map(|v| Some((v, g.models[v as usize].downloads?)))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| g.name(a.0).cmp(g.name(b.0))));
    ranked.truncate(top);
    ranked.into_iter().map(|(v, _)| v).collect()
}

/// The tags of `v` as one cell: the first `max` in the Hub's order, then how many more.
pub fn tags_text(g: &LineageGraph, v: u32, max: usize) -> String {
    let tags: Vec<&str> = g.tags.row(v).iter().filter_map(|&t| g.symbol(t)).collect();
    let mut text = tags[..tags.len().min(max)].join("; ");
    if tags.len() > max {
        text.push_str(&format!(" (+{} more)", tags.len() - max));
    }
    text
}

/// The table: model, author, created, downloads, tags.
pub fn table(g: &LineageGraph, rows: &[u32], max_tags: usize) -> Table {
    let mut t = Table::new(["model", "author", "created", "downloads", "tags"]);
    for &v in rows {
        let m = &g.models[v as usize];
        t.push(vec![
            Cell::text(g.name(v)),
            g.author_name(m.author)
                .map_or(Cell::Empty, |a| Cell::text(a.to_string())),
            m.created.map_or(Cell::Empty, |d| Cell::text(d.to_string())),
            m.downloads.map_or(Cell::Empty, Cell::int),
            Cell::text(tags_text(g, v, max_tags)),
        ]);
    }
    t
}

crate::params!(
    /// The parameters of the `repositories` analysis.
    Params {
        /// how many repositories
        top: usize = 10,
        /// tags listed per repository (the rest are counted)
        max_tags: usize = 6,
    }
);

/// The `repositories` analysis: its parameters, computation and chart.
#[derive(Debug, Clone, Copy)]
pub struct RepositoriesAnalysis;

impl crate::analysis::registry::Compute for RepositoriesAnalysis {
    const NAME: &'static str = "repositories";
    const TITLE: &'static str = "Repositories";
    const DESCRIPTION: &'static str = "A sample of model repositories, the most downloaded first: model, author, created, downloads and tags (the journal version's table 2).";
    type Params = Params;

    fn compute(
        &self,
        g: &LineageGraph,
        p: &Params,
        _cx: &crate::analysis::registry::Context,
    ) -> Result<crate::analysis::registry::Output, crate::analysis::registry::AnalysisError> {
        use crate::analysis::notes::{flagged_note, graph_note};
        let rows = most_downloaded(g, &p.scope(), p.top);
        let names: Vec<String> = rows.iter().map(|&v| g.name(v).to_string()).collect();
        let values: Vec<f64> = rows
            .iter()
            .map(|&v| g.models[v as usize].downloads.unwrap_or(0) as f64)
            .collect();
        let mut fig = super::ranked_bars::ranked_bars(
            &format!("The {} most downloaded repositories", rows.len()),
            "downloads",
            &names,
            &values,
            // Linear: on a log axis the ten largest counts look alike.
            false,
        );
        fig.subtitle = Some("Downloads as the Hub metadata gives them; author, creation date and tags are in the table".into());
        fig.note = Some(format!(
            "{}; {}",
            graph_note(g),
            flagged_note(p.include_flagged)
        ));
        Ok(crate::analysis::Output {
            name: String::new(),
            analysis: Self::NAME,
            title: "Repositories (table 2)".into(),
            description: format!(
                "The {} most downloaded model repositories: model, author (the namespace owner), creation date, downloads and the first {} tags (the journal version's table 2).",
                rows.len(),
                p.max_tags
            ),
            table: table(g, &rows, p.max_tags),
            extra: Vec::new(),
            figure: fig,
            notes: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testgraph::build;

    #[test]
    fn most_downloaded_first_with_tags_cut() {
        let details = "0,a/x,a,2024-01-01,,10,,\"['t1', 't2', 't3']\",,,\n\
                       1,b/y,b,2024-01-02,,30,,[],,,\n\
                       2,c/z,c,,,,,[],,,\n";
        let g = build(details, "", "");
        let rows = most_downloaded(&g, &Scope::default(), 5);
        let names: Vec<&str> = rows.iter().map(|&v| g.name(v)).collect();
        // c/z has no download count.
        assert_eq!(names, ["b/y", "a/x"]);
        assert_eq!(tags_text(&g, rows[1], 2), "t1; t2 (+1 more)");
        let t = table(&g, &rows, 6);
        assert_eq!(t.get(1, "downloads").and_then(|c| c.as_f64()), Some(10.0));
        assert_eq!(t.get(1, "author").and_then(|c| c.as_str()), Some("a"));
        assert_eq!(
            t.get(1, "created").and_then(|c| c.as_str()),
            Some("2024-01-01")
        );
    }
}
