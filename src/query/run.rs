//! Running one spec over a graph: parameters to analysis calls, results to an [`Output`]
//! (tables, chart, notes).

use crate::analysis::algo::improvements::{ImprovementOptions, Normalize};
use crate::analysis::groups::{ArchitectureGroups, Bots, SizeClasses};
use crate::analysis::license_drift::{Rules, Verdict};
use crate::analysis::licenses::Permissions;
use crate::analysis::releases::Release;
use crate::analysis::{self, Scope, Table};
use crate::graph::LineageGraph;
use crate::model::EdgeKind;
use crate::render::palette::{self, TEXT};
use crate::render::{Anchor, Axis, Figure, Layer, Layout, LegendEntry, Panel};

use super::figures::{
    category_axis, category_axis_top_down, category_bars, log_headroom, row_span, series,
    size_scatter, stacked_periods, time_axis,
};
use super::spec::{self, Date, NormalizeParam, Params, Spec};
use super::{Output, QueryError, Source};

fn scope(from: Option<Date>, to: Option<Date>, include_flagged: bool) -> Scope {
    Scope {
        include_flagged,
        from: from.map(|d| d.0),
        to: to.map(|d| d.0),
        board: None,
    }
}

fn normalize(n: NormalizeParam) -> Normalize {
    match n {
        NormalizeParam::Log => Normalize::Log,
        NormalizeParam::Count => Normalize::Count,
        NormalizeParam::None => Normalize::None,
    }
}

fn normalize_label(n: NormalizeParam) -> &'static str {
    match n {
        NormalizeParam::Log => "improvement / ln(scored derivatives)",
        NormalizeParam::Count => "improvement / scored derivatives",
        NormalizeParam::None => "improvement (%)",
    }
}

/// Reads a data table named by a spec parameter (relative to the spec), or the built-in one.
fn table_text(
    spec: &Spec,
    source: Source,
    param: &Option<toml::Spanned<String>>,
    builtin: &str,
) -> Result<(std::path::PathBuf, String), QueryError> {
    match param {
        Some(p) => {
            let path = spec.resolve(p.get_ref());
            let text = source.read(&path).map_err(|e| match e {
                QueryError::Io { source: io, .. } => QueryError::Spec(spec.error(
                    Some(p.span()),
                    format!("cannot read '{}' ({}): {io}", p.get_ref(), path.display()),
                )),
                other => other,
            })?;
            Ok((path, text))
        }
        None => Ok((std::path::PathBuf::from(builtin), source_builtin(builtin))),
    }
}

fn source_builtin(path: &str) -> String {
    Source::Builtin
        .read(std::path::Path::new(path))
        .unwrap_or_default()
}

fn releases(
    spec: &Spec,
    source: Source,
    param: &Option<toml::Spanned<String>>,
) -> Result<Vec<Release>, QueryError> {
    let (path, text) = table_text(spec, source, param, "queries/releases.csv")?;
    Ok(analysis::releases::parse(&path, &text)?)
}

fn permissions(
    spec: &Spec,
    source: Source,
    param: &Option<toml::Spanned<String>>,
) -> Result<Permissions, QueryError> {
    let (path, text) = table_text(spec, source, param, "graphs/licenses.csv")?;
    Ok(Permissions::parse(&path, &text)?)
}

/// Models a reader would recognise as close to `name`: same tail after the namespace, or
/// containing it.
fn suggestions(g: &LineageGraph, name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let tail = lower.rsplit('/').next().unwrap_or(&lower).to_string();
    let mut hits: Vec<(usize, String)> = g
        .names
        .iter()
        .filter_map(|n| {
            let l = n.to_lowercase();
            let t = l.rsplit('/').next().unwrap_or(&l);
            if t == tail
                || l.contains(&tail)
                || (tail.len() >= 4 && tail.contains(t) && t.len() >= 4)
            {
                Some((n.len(), n.to_string()))
            } else {
                None
            }
        })
        .collect();
    hits.sort();
    hits.into_iter().take(3).map(|h| h.1).collect()
}

/// A note when every parameter count is a whole number of billions (some exports round
/// them, and write models under half a billion as 0, which the readers leave out).
fn rounded_sizes_note(g: &LineageGraph) -> Option<String> {
    let mut sizes = g.models.iter().filter_map(|m| m.params_b).peekable();
    sizes.peek()?;
    sizes
        .all(|p| p.fract() == 0.0)
        .then(|| "sizes in this data are whole billions of parameters (models under half a billion show as 0 and are left out)".to_string())
}

/// The last creation date in the graph: trend charts' last period may be partial.
fn data_end(g: &LineageGraph) -> Option<crate::model::Day> {
    g.models.iter().filter_map(|m| m.created).max()
}

fn graph_note(g: &LineageGraph) -> String {
    let files: Vec<&str> = g
        .sources
        .iter()
        .map(|s| s.path.rsplit(['/', '\\']).next().unwrap_or(&s.path))
        .collect();
    if files.is_empty() {
        format!("{} models", g.model_count())
    } else {
        format!(
            "Data: {} ({} models{})",
            files.join(", "),
            g.model_count(),
            data_end(g).map_or(String::new(), |d| format!(", created up to {d}"))
        )
    }
}

fn flagged_note(include: bool) -> &'static str {
    if include {
        "flagged models included"
    } else {
        "flagged models left out"
    }
}

/// Runs `spec` over `g`. Tables the spec names are read through `source`.
pub fn compute(g: &LineageGraph, spec: &Spec, source: Source) -> Result<Output, QueryError> {
    let mut out = match &spec.params {
        Params::AuthorsOverTime(p) => authors_over_time(g, p),
        Params::ReposPerAuthor(p) => repos_per_author(g, p),
        Params::AuthorsPerRepo(p) => authors_per_repo(g, p),
        Params::NewModelsByType(p) => {
            let sc = scope(p.from, p.to, p.include_flagged);
            let pc = analysis::new_models_by_type::new_models_by_type(g, &sc, p.unit);
            let mut fig = stacked_periods(
                &pc,
                true,
                &format!("New models per {} by type", p.unit),
                "models",
                &[],
            );
            fig.note = Some(format!(
                "{}; {}; {} models without a creation date not shown",
                graph_note(g),
                flagged_note(p.include_flagged),
                pc.undated
            ));
            Output {
                name: String::new(),
                analysis: "",
                title: format!("New models per {} by type", p.unit),
                description: format!("How many models of each type (pretrained, fine-tuned, chat, merge, ...) were created each {}, in numbers and as shares of the {}'s new models (paper figure 4).", p.unit, p.unit),
                table: pc.table(),
                extra: Vec::new(),
                figure: fig,
                notes: vec![format!("{} models counted; {} without a creation date", (0..pc.timeline.len()).map(|i| pc.total(i)).sum::<usize>(), pc.undated)],
            }
        }
        Params::NewModelsByArchitecture(p) => {
            let sc = scope(p.from, p.to, p.include_flagged);
            let groups = ArchitectureGroups::compute(
                g,
                &sc,
                p.threshold.0,
                p.threshold_scope,
                p.unit,
                p.min_period_models,
                &p.keep,
            );
            let rel = releases(spec, source, &p.releases)?;
            let r = analysis::new_models_by_architecture::new_models_by_architecture(
                g, &sc, p.unit, &groups, &rel,
            );
            let markers: Vec<(f64, String)> = r
                .releases
                .iter()
                .map(|(rel, x)| (*x, rel.name.clone()))
                .collect();
            let mut fig = stacked_periods(
                &r.counts,
                false,
                &format!("New models per {} by architecture", p.unit),
                "models",
                &markers,
            );
            fig.subtitle =
                Some("Dashed lines: notable base-model releases (queries/releases.csv)".into());
            fig.note = Some(format!(
                "{}; {}; architectures below {:.0}% of {} are grouped as other",
                graph_note(g),
                flagged_note(p.include_flagged),
                p.threshold.0 * 100.0,
                match p.threshold_scope {
                    analysis::groups::ThresholdScope::Overall => "all models".to_string(),
                    analysis::groups::ThresholdScope::Period => format!(
                        "the new models of every {} (with at least {} models)",
                        p.unit, p.min_period_models
                    ),
                }
            ));
            let mut rt = Table::new(["release", "date", "architecture", "models"]);
            for (rel, _) in &r.releases {
                rt.push(vec![
                    analysis::Cell::text(&rel.name),
                    analysis::Cell::text(rel.date.to_string()),
                    analysis::Cell::text(rel.architecture.clone().unwrap_or_default()),
                    analysis::Cell::text(rel.models.join("|")),
                ]);
            }
            Output {
                name: String::new(),
                analysis: "",
                title: format!("New models per {} by architecture", p.unit),
                description: format!("New models each {} by architecture group, with notable base-model releases marked (paper figure 5); architectures under the threshold are grouped as other.", p.unit),
                table: r.counts.table(),
                extra: vec![("releases".into(), "Releases marked".into(), rt)],
                figure: fig,
                notes: vec![format!("architecture groups: {}", groups.names.join(", "))],
            }
        }
        Params::DerivativeCounts(p) => derivative_counts(g, p),
        Params::ScoreByType(p) => score_by_type(g, p),
        Params::ParamsByArchitecture(p) => params_by_architecture(g, p),
        Params::DownloadsBySize(p) => downloads_by_size(g, p),
        Params::BestScoreBySize(p) => {
            let sc = scope(p.from, p.to, p.include_flagged);
            let r = analysis::best_score_by_size::best_score_by_size(
                g,
                &sc,
                &SizeClasses::new(p.size_edges.clone()),
            );
            let mut fig = size_scatter(&r, g, "Best leaderboard score per model size");
            fig.note = Some(format!(
                "{}; {}; each dot is a scored model of known size",
                graph_note(g),
                flagged_note(p.include_flagged)
            ));
            Output {
                name: String::new(),
                analysis: "",
                title: "Best score per model size".into(),
                description: "Leaderboard average against parameter count for every scored model, coloured by type, with the best model of each size class (paper figures 8 and 9).".into(),
                table: r.table(g),
                extra: Vec::new(),
                figure: fig,
                notes: std::iter::once(format!("{} scored models of known size", r.points.len()))
                    .chain(rounded_sizes_note(g))
                    .collect(),
            }
        }
        Params::ParamsPerPoint(p) => params_per_point(g, p),
        Params::ImprovementPerBase(p) => improvement_per_base(g, p),
        Params::ImprovementOverDays(p) => improvement_over_days(g, spec, p)?,
        Params::Licenses(p) => {
            let perms = permissions(spec, source, &p.licenses)?;
            licenses(g, p, &perms)
        }
        Params::LicenseDrift(p) => {
            let perms = permissions(spec, source, &p.licenses)?;
            let (path, text) = table_text(spec, source, &p.rules, "graphs/license-rules.csv")?;
            let rules = Rules::parse(&path, &text)?;
            license_drift(g, p, &perms, &rules)
        }
        Params::TopAuthors(p) => top_authors(g, p),
        Params::ReleaseEffect(p) => {
            let rel = releases(spec, source, &p.releases)?;
            release_effect(g, p, &rel)
        }
    };
    out.name = spec.output.clone();
    out.analysis = spec.analysis;
    if let Some(t) = &spec.title {
        out.title = t.clone();
        out.figure.title = t.clone();
    }
    if let Some(d) = &spec.description {
        out.description = d.clone();
    }
    Ok(out)
}

fn bots(extra: &[String]) -> Bots {
    Bots::new(extra.iter().cloned())
}

fn basis_text(b: analysis::groups::AuthorBasis) -> &'static str {
    match b {
        analysis::groups::AuthorBasis::Owners => "model owners (namespaces)",
        analysis::groups::AuthorBasis::Contributors => "commit authors",
        analysis::groups::AuthorBasis::Both => "model owners and commit authors",
    }
}

fn authors_over_time(g: &LineageGraph, p: &spec::AuthorsOverTime) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let r = analysis::authors_over_time::authors_over_time(g, &sc, p.unit, p.basis, &bots(&p.bots));
    let tl = analysis::Timeline {
        unit: p.unit,
        starts: r.rows.iter().map(|x| x.start).collect(),
    };
    let unit = p.unit.noun();
    let mut total = Panel::new(time_axis(&tl, ""), Axis::new("authors").from_zero())
        .titled("Total authors (running count)");
    total.layers.push(Layer::Line {
        color: series(0),
        points: r
            .rows
            .iter()
            .enumerate()
            .map(|(i, x)| (i as f64 + 0.5, x.total as f64))
            .collect(),
        width: 3,
        dashed: false,
        markers: true,
    });
    let mut new = Panel::new(
        time_axis(&tl, &format!("creation date ({unit})")),
        Axis::new(format!("authors per {unit}")).from_zero(),
    )
    .titled(format!("New and active authors per {unit}"));
    new.layers.push(Layer::Bars {
        color: series(1),
        bars: r
            .rows
            .iter()
            .enumerate()
            .map(|(i, x)| (i as f64 + 0.1, i as f64 + 0.9, 0.0, x.new as f64))
            .collect(),
    });
    new.layers.push(Layer::Line {
        color: series(2),
        points: r
            .rows
            .iter()
            .enumerate()
            .map(|(i, x)| (i as f64 + 0.5, x.active as f64))
            .collect(),
        width: 2,
        dashed: true,
        markers: false,
    });
    let mut fig = Figure::new("Authors over time");
    fig.subtitle = Some(format!(
        "Authors: {}, bots left out; an author counts from their first model",
        basis_text(p.basis)
    ));
    fig.height = 1000;
    fig.panels = vec![total, new];
    fig.legend = vec![
        LegendEntry::line("total authors", series(0), false),
        LegendEntry::boxed(format!("new authors per {unit}"), series(1)),
        LegendEntry::line(format!("active authors per {unit}"), series(2), true),
    ];
    fig.note = Some(format!(
        "{}; {}",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    let last = r.rows.last().map_or(0, |x| x.total);
    Output {
        name: String::new(),
        analysis: "",
        title: "Authors over time".into(),
        description: format!("Total and new authors by {unit} (paper figure 1): an author is new in the {unit} of their first model; active authors made a model that {unit}."),
        table: r.table(),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!("{last} authors with dated models; {} more without any", r.undated_authors)],
    }
}

fn repos_per_author(g: &LineageGraph, p: &spec::ReposPerAuthor) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let r = analysis::repos_per_author::repos_per_author(g, &sc, p.basis, &bots(&p.bots), &p.top);
    let names: Vec<String> = r.buckets.iter().map(|b| b.label.clone()).collect();
    let values: Vec<f64> = r.buckets.iter().map(|b| b.authors as f64).collect();
    let mut fig = category_bars(
        "Repositories per author",
        "repositories per author",
        "authors (log scale)",
        &names,
        &values,
        true,
        series(0),
    );
    let shares: Vec<String> = r
        .top_shares
        .iter()
        .map(|(k, s)| format!("top {k} authors: {:.1}% of repos", s * 100.0))
        .collect();
    fig.subtitle = Some(format!(
        "{} authors ({}), {} author–repo pairs; {}",
        r.authors,
        basis_text(p.basis),
        r.repos,
        shares.join(", ")
    ));
    fig.note = Some(format!(
        "{}; {}; bots left out",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Repositories per author".into(),
        description: "How many model repositories each author owns or committed to, as a histogram with widening buckets (paper figure 2), and the share made by the most prolific authors (Price's law).".into(),
        table: r.table(),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!("the most prolific author has {} repos; {}", r.max, shares.join("; "))],
    }
}

fn authors_per_repo(g: &LineageGraph, p: &spec::AuthorsPerRepo) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let r = analysis::authors_per_repo::authors_per_repo(g, &sc, &bots(&p.bots));
    let names: Vec<String> = r.buckets.iter().map(|b| b.0.clone()).collect();
    let values: Vec<f64> = r.buckets.iter().map(|b| b.3 as f64).collect();
    let mut fig = category_bars(
        "Authors per repository",
        "commit authors per repository",
        "repositories (log scale)",
        &names,
        &values,
        true,
        series(2),
    );
    fig.subtitle = Some(format!(
        "{} repositories with commit data; mean {:.2} authors, most {}",
        r.repos, r.mean, r.max
    ));
    fig.note = Some(format!(
        "{}; {}; bots left out; {} models without commit data",
        graph_note(g),
        flagged_note(p.include_flagged),
        r.without_commits
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Authors per repository".into(),
        description:
            "How many people committed to each model repository, bots left out (paper figure 3)."
                .into(),
        table: r.table(),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!(
            "{} repos counted, {} without commit data, {} with only bot commits",
            r.repos, r.without_commits, r.only_bots
        )],
    }
}

fn derivative_counts(g: &LineageGraph, p: &spec::DerivativeCounts) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let rows = analysis::derivative_counts::derivative_counts(g, &sc, p.top);
    let names: Vec<String> = rows.iter().map(|r| g.name(r.model).to_string()).collect();
    let n = rows.len();
    let max = rows.iter().map(|r| r.descendants).max().unwrap_or(1) as f64;
    let mut panel = Panel::new(
        Axis::new("descendants (distinct models below it)")
            .from_zero()
            .range(0.0, max * 1.12),
        category_axis_top_down("", &names),
    );
    let mut legend = Vec::new();
    for (k, kind) in EdgeKind::ALL.iter().enumerate() {
        if rows.iter().all(|r| r.by_kind[k] == 0) {
            continue;
        }
        let color = series(k);
        let bars = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.by_kind[k] > 0)
            .map(|(i, r)| {
                let before: u32 = r.by_kind[..k].iter().sum();
                let (y0, y1) = row_span(n, i, 0.7);
                (y0, y1, before as f64, (before + r.by_kind[k]) as f64)
            })
            .collect();
        panel.layers.push(Layer::HBars { color, bars });
        legend.push(LegendEntry::boxed(format!("made by {kind}"), color));
    }
    // Descendants whose kind is not known (none from the standard build) still count.
    panel.layers.push(Layer::Labels {
        color: TEXT,
        labels: rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r.descendants as f64,
                    (n - 1 - i) as f64 + 0.5,
                    format!("{} ({} direct)", r.descendants, r.direct),
                )
            })
            .collect(),
        anchor: Anchor::Right,
    });
    let mut fig = Figure::new(format!("The {} most derived-from models", rows.len()));
    fig.subtitle = Some(
        "Distinct descendants through lineage edges, split by how each descendant was made".into(),
    );
    fig.height = (260 + 34 * n as u32).max(700);
    fig.panels.push(panel);
    fig.legend = legend;
    fig.note = Some(format!(
        "{}; {}; stubs are bases no input describes",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Derivative counts per base".into(),
        description: "Which models the community builds on: models ranked by distinct descendants, with direct children and the split by how each descendant was made (paper figure 6).".into(),
        table: analysis::derivative_counts::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: vec![format!("{} lineage edges in the graph, {} closing a cycle", g.edge_count(), g.cycle_edges())],
    }
}

fn score_by_type(g: &LineageGraph, p: &spec::ScoreByType) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let r = analysis::score_by_type::score_by_type(g, &sc, p.unit);
    let tl = &r.timeline;
    let unit = p.unit.noun();
    let mut best =
        Panel::new(time_axis(tl, ""), Axis::new("average score (%)")).titled("Best score so far");
    let mut avg = Panel::new(time_axis(tl, ""), Axis::new("average score (%)"))
        .titled(format!("Mean score of the {unit}'s new models"));
    let mut cum = Panel::new(
        time_axis(tl, &format!("creation date ({unit})")),
        Axis::new("scored models (log scale)").log(),
    )
    .titled("Scored models so far");
    let mut legend = Vec::new();
    for s in &r.series {
        let color = palette::model_type(s.model_type);
        legend.push(LegendEntry::line(s.model_type.as_str(), color, false));
        let pts = |f: &dyn Fn(usize) -> Option<f64>| -> Vec<(f64, f64)> {
            (0..tl.len())
                .filter_map(|i| f(i).map(|v| (i as f64 + 0.5, v)))
                .collect()
        };
        best.layers.push(Layer::Line {
            color,
            points: pts(&|i| s.best_so_far[i].map(|b| b.0)),
            width: 3,
            dashed: false,
            markers: false,
        });
        for run in super::figures::runs(s.average.iter().copied()) {
            avg.layers.push(Layer::Line {
                color,
                points: run,
                width: 2,
                dashed: false,
                markers: true,
            });
        }
        cum.layers.push(Layer::Line {
            color,
            points: pts(&|i| (s.cumulative[i] > 0).then_some(s.cumulative[i] as f64)),
            width: 3,
            dashed: false,
            markers: false,
        });
    }
    let mut fig = Figure::new(format!("Leaderboard scores by model type, per {unit}"));
    fig.height = 1300;
    fig.panels = vec![best, avg, cum];
    fig.legend = legend;
    fig.note = Some(format!(
        "{}; {}; only models with a leaderboard average",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Average and best score by type over time".into(),
        description: format!("For each model type: the best leaderboard average so far, the mean average of each {unit}'s new models, and how many scored models exist so far (paper figure 7)."),
        table: r.table(g),
        extra: Vec::new(),
        figure: fig,
        notes: Vec::new(),
    }
}

fn params_by_architecture(g: &LineageGraph, p: &spec::ParamsByArchitecture) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let groups = ArchitectureGroups::compute(
        g,
        &sc,
        p.threshold.0,
        p.threshold_scope,
        p.unit,
        p.min_period_models,
        &p.keep,
    );
    let rows = analysis::params_by_architecture::params_by_architecture(g, &sc, &groups);
    let names: Vec<String> = rows
        .iter()
        .map(|r| format!("{} ({})", r.group, r.models))
        .collect();
    let mut panel = Panel::new(
        category_axis("architecture (models of known size)", &names),
        Axis::new("parameters (billions, log scale)").log(),
    );
    for (i, r) in rows.iter().enumerate() {
        panel.layers.push(Layer::Boxes {
            color: palette::architecture(&r.group),
            boxes: vec![(i as f64 + 0.5, r.min, r.q1, r.median, r.q3, r.max)],
            half: 0.3,
        });
    }
    let mut fig = Figure::new("Parameter counts by architecture");
    fig.subtitle =
        Some("Boxes: quartiles; thick line: median; whiskers: smallest and largest model".into());
    fig.panels.push(panel);
    fig.note = Some(format!(
        "{}; {}",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Parameter distribution by architecture".into(),
        description: "The spread of model sizes within each architecture group: quartiles, extremes and mean in billions of parameters (paper figure 8).".into(),
        table: analysis::params_by_architecture::table(&rows),
        extra: Vec::new(),
        figure: fig,
        notes: rounded_sizes_note(g).into_iter().collect(),
    }
}

fn downloads_by_size(g: &LineageGraph, p: &spec::DownloadsBySize) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
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
    Output {
        name: String::new(),
        analysis: "",
        title: "Downloads by parameter size".into(),
        description: "How often models of each size class are downloaded, in total and for the median model (paper figure 9).".into(),
        table: analysis::downloads_by_size::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: rounded_sizes_note(g).into_iter().collect(),
    }
}

fn params_per_point(g: &LineageGraph, p: &spec::ParamsPerPoint) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let (tl, rows) = analysis::params_per_point::params_per_point(g, &sc, p.unit);
    let unit = p.unit.noun();
    let mut panel = Panel::new(
        time_axis(&tl, &format!("creation date ({unit})")),
        Axis::new("billions of parameters per point (log scale)").log(),
    );
    panel.layers.push(Layer::Line {
        color: series(3),
        points: rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.leader_ratio().map(|v| (i as f64 + 0.5, v)))
            .collect(),
        width: 3,
        dashed: true,
        markers: false,
    });
    // The month's best on top, broken where a month has no scored model of known size.
    for run in super::figures::runs(rows.iter().map(|r| r.ratio())) {
        panel.layers.push(Layer::Line {
            color: series(0),
            points: run,
            width: 2,
            dashed: false,
            markers: true,
        });
    }
    let mut fig = Figure::new("Parameters per point of average score");
    fig.subtitle = Some(format!(
        "Size of the best-scoring model divided by its leaderboard average, each {unit}"
    ));
    fig.panels.push(panel);
    fig.legend = vec![
        LegendEntry::line(format!("best model of the {unit}"), series(0), false),
        LegendEntry::line("best model so far", series(3), true),
    ];
    fig.note = Some(format!(
        "{}; {}; only models with a known size and score",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Parameters per point of score".into(),
        description: format!("Billions of parameters per point of leaderboard average for the best model of each {unit}, and for the best model so far (paper figure 10): lower means the top gets cheaper."),
        table: analysis::params_per_point::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes: Vec::new(),
    }
}

fn improvement_options(
    include_merges: bool,
    include_flagged: bool,
    n: NormalizeParam,
) -> ImprovementOptions {
    ImprovementOptions {
        include_merges,
        include_flagged,
        normalize: normalize(n),
        board: None,
    }
}

fn improvement_per_base(g: &LineageGraph, p: &spec::ImprovementPerBase) -> Output {
    let o = improvement_options(p.include_merges, p.include_flagged, p.normalize);
    let rows = analysis::improvement_per_base::improvement_per_base(g, p.min_family, p.top, &o);
    let names: Vec<String> = rows
        .iter()
        .map(|i| {
            let star = if i.reference_model == Some(i.base) {
                ""
            } else {
                " *"
            };
            format!("{} ({}){star}", g.name(i.base), i.scored_members)
        })
        .collect();
    let n = rows.len();
    let raw: Vec<f64> = rows
        .iter()
        .map(|i| i.total_improvement_pct.unwrap_or(0.0))
        .collect();
    let norm: Vec<f64> = rows
        .iter()
        .map(|i| analysis::improvement_per_base::normalized_total(i, &o).unwrap_or(0.0))
        .collect();
    let hpanel = |values: &[f64], label: &str, names: &[String], color| {
        let lo = values.iter().copied().fold(0.0, f64::min);
        let hi = values.iter().copied().fold(0.0, f64::max);
        let span = (hi - lo).max(1e-6);
        let mut p = Panel::new(
            Axis::new(label).range(lo - span * 0.02, hi + span * 0.18),
            category_axis_top_down("", names),
        );
        p.layers.push(Layer::HBars {
            color,
            bars: values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let (y0, y1) = row_span(n, i, 0.7);
                    (y0, y1, 0.0, v)
                })
                .collect(),
        });
        p.layers.push(Layer::Labels {
            color: TEXT,
            labels: values
                .iter()
                .enumerate()
                .map(|(i, &v)| (v.max(0.0), (n - 1 - i) as f64 + 0.5, format!("{v:.1}")))
                .collect(),
            anchor: Anchor::Right,
        });
        p
    };
    let mut a = hpanel(&raw, "best derivative over the base (%)", &names, series(0));
    a.title = Some("Total improvement".into());
    a.weight = 1.6;
    let blank: Vec<String> = names.iter().map(|_| String::new()).collect();
    let mut b = hpanel(&norm, normalize_label(p.normalize), &blank, series(1));
    b.title = Some("Normalised".into());
    let mut fig = Figure::new("Total improvement per base model");
    fig.subtitle = Some(format!(
        "Bases with at least {} scored derivatives (count in brackets); {}; * base without a score: its earliest scored derivative is the reference",
        p.min_family,
        if p.include_merges {
            "merges included"
        } else {
            "merges and their descendants left out"
        }
    ));
    fig.layout = Layout::Columns;
    fig.height = (260 + 34 * n as u32).max(700);
    fig.panels = vec![a, b];
    fig.note = Some(format!(
        "{}; {}; where a base has no score its earliest scored derivative is the reference",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Total improvement per base".into(),
        description: "For each base with enough scored derivatives: how far its best derivative's leaderboard average is above the base's, in percent, raw and normalised (paper figure 11).".into(),
        table: analysis::improvement_per_base::table(g, &rows, &o),
        extra: Vec::new(),
        figure: fig,
        notes: Vec::new(),
    }
}

fn improvement_over_days(
    g: &LineageGraph,
    spec: &Spec,
    p: &spec::ImprovementOverDays,
) -> Result<Output, QueryError> {
    let o = improvement_options(p.include_merges, p.include_flagged, p.normalize);
    let bases: Vec<u32> = if p.bases.is_empty() {
        analysis::improvement_per_base::improvement_per_base(g, p.min_family, p.top, &o)
            .iter()
            .map(|i| i.base)
            .collect()
    } else {
        let mut v = Vec::new();
        for b in &p.bases {
            match g.lookup(b.get_ref()) {
                Some(id) => v.push(id),
                None => {
                    let hint = suggestions(g, b.get_ref());
                    let hint = if hint.is_empty() {
                        "accepted: any model id in the graph, as namespace/name".to_string()
                    } else {
                        format!(
                            "did you mean {}? (accepted: any model id in the graph)",
                            hint.join(", ")
                        )
                    };
                    return Err(spec
                        .error(
                            Some(b.span()),
                            format!("unknown base model '{}'; {hint}", b.get_ref()),
                        )
                        .into());
                }
            }
        }
        v
    };
    let rows = analysis::improvement_over_days::improvement_over_days(g, &bases, &o);
    let mut a = Panel::new(Axis::new(""), Axis::new("improvement over the base (%)"))
        .titled("Every scored derivative (dots) and the frontier of record-setters (lines)");
    let mut b = Panel::new(
        Axis::new("days since the base's release"),
        Axis::new(normalize_label(p.normalize)),
    )
    .titled("Frontier, normalised");
    let mut legend = Vec::new();
    for (k, i) in rows.iter().enumerate() {
        let color = series(k);
        let last_day = i.members.iter().filter_map(|m| m.days_since_release).max();
        legend.push(LegendEntry::line(
            format!("{} ({})", g.name(i.base), i.scored_members),
            color,
            false,
        ));
        a.layers.push(Layer::Points {
            color,
            points: i
                .members
                .iter()
                .filter_map(|m| Some((m.days_since_release? as f64, m.improvement_pct?)))
                .collect(),
            size: 3,
            opacity: 0.5,
        });
        let step =
            |f: &dyn Fn(&crate::analysis::algo::improvements::FrontierStep) -> Option<f64>| {
                let mut pts = Vec::new();
                let mut steps = Vec::new();
                for s in &i.frontier {
                    let (Some(d), Some(v)) = (s.days_since_release, f(s)) else {
                        continue;
                    };
                    if let Some(&(_, prev)) = pts.last() {
                        pts.push((d as f64, prev));
                    }
                    pts.push((d as f64, v));
                    steps.push((d as f64, v));
                }
                // The record stands until the last member seen.
                if let (Some(&(_, v)), Some(end)) = (pts.last(), last_day) {
                    pts.push((end as f64, v));
                }
                (pts, steps)
            };
        let (line_a, _) = step(&|s| s.improvement_pct);
        let (line_b, steps_b) = step(&|s| s.normalized);
        a.layers.push(Layer::Line {
            color,
            points: line_a,
            width: 3,
            dashed: false,
            markers: false,
        });
        b.layers.push(Layer::Line {
            color,
            points: line_b,
            width: 3,
            dashed: false,
            markers: false,
        });
        b.layers.push(Layer::Points {
            color,
            points: steps_b,
            size: 5,
            opacity: 1.0,
        });
    }
    let max_day = rows
        .iter()
        .flat_map(|i| i.members.iter().filter_map(|m| m.days_since_release))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    a.x = a.x.range(0.0, max_day * 1.02);
    b.x = b.x.range(0.0, max_day * 1.02);
    let mut fig = Figure::new("Improvement over days since release");
    fig.subtitle = Some(format!(
        "Leaderboard average of each derivative over its base's, in percent; {}",
        if p.include_merges {
            "merges included"
        } else {
            "merges and their descendants left out"
        }
    ));
    fig.height = 1050;
    a.weight = 1.3;
    fig.panels = vec![a, b];
    fig.legend = legend;
    fig.note = Some(format!(
        "{}; {}; days count from the base's Hub creation date (2022-03-02 means at or before)",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    let notes = rows
        .iter()
        .filter(|i| i.reference_model != Some(i.base))
        .map(|i| {
            format!(
                "{} has no score: its earliest scored derivative is the reference",
                g.name(i.base)
            )
        })
        .collect();
    Ok(Output {
        name: String::new(),
        analysis: "",
        title: "Improvement over days since release".into(),
        description: "For chosen bases: each scored derivative's gain over the base against the days since the base's release, the frontier of record-setting derivatives, and the gain normalised so that bases with few and many derivatives compare (paper figure 12).".into(),
        table: analysis::improvement_over_days::table(g, &rows),
        extra: Vec::new(),
        figure: fig,
        notes,
    })
}

fn licenses(g: &LineageGraph, p: &spec::Licenses, perms: &Permissions) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let rows = analysis::licenses::license_distribution(g, &sc, perms);
    let shown = &rows[..rows.len().min(p.top)];
    let names: Vec<String> = shown.iter().map(|r| r.license.clone()).collect();
    let n = shown.len();
    let max = shown.iter().map(|r| r.models).max().unwrap_or(1) as f64;
    let mut panel = Panel::new(
        Axis::new("models (log scale)")
            .log()
            .range(1.0, log_headroom(max * 3.0)),
        category_axis_top_down("", &names),
    );
    for value in ["yes", "conditional", "no", "unknown"] {
        let bars: Vec<(f64, f64, f64, f64)> = shown
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.terms
                    .as_ref()
                    .map_or("unknown", |t| t.commercial.as_str())
                    == value
            })
            .map(|(i, r)| {
                let (y0, y1) = row_span(n, i, 0.7);
                (y0, y1, 0.0, r.models as f64)
            })
            .collect();
        panel.layers.push(Layer::HBars {
            color: palette::permission(value),
            bars,
        });
    }
    panel.layers.push(Layer::Labels {
        color: TEXT,
        labels: shown
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r.models as f64,
                    (n - 1 - i) as f64 + 0.5,
                    format!("{} ({:.1}%)", r.models, r.share * 100.0),
                )
            })
            .collect(),
        anchor: Anchor::Right,
    });
    let mut fig = Figure::new("Model licenses");
    fig.subtitle =
        Some("Bar colour: whether the license allows commercial use (graphs/licenses.csv)".into());
    fig.height = (260 + 30 * n as u32).max(700);
    fig.panels.push(panel);
    fig.legend = vec![
        LegendEntry::heading("commercial use"),
        LegendEntry::boxed("allowed", palette::permission("yes")),
        LegendEntry::boxed("under conditions", palette::permission("conditional")),
        LegendEntry::boxed("not allowed", palette::permission("no")),
        LegendEntry::boxed("unknown", palette::permission("unknown")),
    ];
    fig.note = Some(format!(
        "{}; {}; (none): no license declared",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "License distribution and permissions".into(),
        description: "Models per license with what each license permits for commercial, academic and personal use (the papers' license table).".into(),
        table: analysis::licenses::table(&rows),
        extra: vec![("permissions".into(), "Models by permission".into(), analysis::licenses::permission_summary(&rows))],
        figure: fig,
        notes: vec![format!("{} licenses, {} models", rows.len(), rows.iter().map(|r| r.models).sum::<usize>())],
    }
}

fn license_drift(
    g: &LineageGraph,
    p: &spec::LicenseDrift,
    perms: &Permissions,
    rules: &Rules,
) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let d = analysis::license_drift::license_drift(g, &sc, perms, rules);
    let shown = &d.pairs[..d.pairs.len().min(p.top)];
    let names: Vec<String> = shown
        .iter()
        .map(|x| format!("{} → {}", x.base_license, x.derivative_license))
        .collect();
    let n = shown.len();
    let max = shown.iter().map(|x| x.edges).max().unwrap_or(1) as f64;
    let mut panel = Panel::new(
        Axis::new("lineage edges (base → derivative)")
            .from_zero()
            .range(0.0, max * 1.12),
        category_axis_top_down("", &names),
    );
    let color = |v: Verdict| match v {
        Verdict::Incompatible => palette::permission("no"),
        Verdict::Unverifiable => palette::GREY,
        Verdict::Ok => palette::permission("yes"),
    };
    for v in [Verdict::Incompatible, Verdict::Unverifiable] {
        panel.layers.push(Layer::HBars {
            color: color(v),
            bars: shown
                .iter()
                .enumerate()
                .filter(|(_, x)| x.verdict == v)
                .map(|(i, x)| {
                    let (y0, y1) = row_span(n, i, 0.7);
                    (y0, y1, 0.0, x.edges as f64)
                })
                .collect(),
        });
    }
    panel.layers.push(Layer::Labels {
        color: TEXT,
        labels: shown
            .iter()
            .enumerate()
            .map(|(i, x)| {
                (
                    x.edges as f64,
                    (n - 1 - i) as f64 + 0.5,
                    x.edges.to_string(),
                )
            })
            .collect(),
        anchor: Anchor::Right,
    });
    let mut fig = Figure::new("License drift along lineage");
    fig.subtitle = Some(format!(
        "{} edges checked: {} ok, {} incompatible, {} unverifiable (rules: graphs/license-rules.csv)",
        d.checked(), d.count(Verdict::Ok), d.count(Verdict::Incompatible), d.count(Verdict::Unverifiable)
    ));
    fig.height = (260 + 30 * n as u32).max(600);
    fig.panels.push(panel);
    fig.legend = vec![
        LegendEntry::boxed("incompatible", color(Verdict::Incompatible)),
        LegendEntry::boxed("unverifiable", color(Verdict::Unverifiable)),
    ];
    fig.note = Some(format!(
        "{}; {}; {} edges from bases no input describes not checked",
        graph_note(g),
        flagged_note(p.include_flagged),
        d.stub_bases
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "License drift along lineage".into(),
        description: "Lineage edges where a derivative's license claims rights its base's license does not grant, or where one side's terms are unknown, counted per pair of licenses; the edges are listed in full.".into(),
        table: d.pairs_table(rules),
        extra: vec![("edges".into(), "Edges".into(), d.edges_table(g))],
        figure: fig,
        notes: vec![format!("{} checked, {} ok, {} incompatible, {} unverifiable, {} from stub bases", d.checked(), d.count(Verdict::Ok), d.count(Verdict::Incompatible), d.count(Verdict::Unverifiable), d.stub_bases)],
    }
}

fn top_authors(g: &LineageGraph, p: &spec::TopAuthors) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let r = analysis::top_authors::top_authors(g, &sc, p.unit, p.top, p.basis, &bots(&p.bots));
    let names: Vec<String> = r
        .authors
        .iter()
        .map(|a| g.authors.name(a.author).to_string())
        .collect();
    let n = names.len();
    let maxm = r.authors.iter().map(|a| a.models).max().unwrap_or(1) as f64;
    let mut models = Panel::new(
        Axis::new("models").from_zero().range(0.0, maxm * 1.3),
        category_axis_top_down("", &names),
    )
    .titled("Models made");
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
        color: series(3),
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
    fig.subtitle = Some(format!("Authors: {}, bots left out", basis_text(p.basis)));
    fig.layout = Layout::Columns;
    fig.height = (260 + 34 * n as u32).max(700);
    fig.panels = vec![models, score];
    fig.legend = vec![
        LegendEntry::point("mean score of their models", series(1)),
        LegendEntry::point("best score", series(3)),
    ];
    fig.note = Some(format!(
        "{}; {}; authors without scored models have no dots",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    Output {
        name: String::new(),
        analysis: "",
        title: "Top authors' activity and scores".into(),
        description: format!("The authors with most models: how many they made, in how many {}s, and how those models score (the interactive tool's author view); their models per {} are in the second table.", p.unit, p.unit),
        table: r.table(g),
        extra: vec![("activity".into(), format!("Models per author and {}", p.unit), r.activity_table(g))],
        figure: fig,
        notes: Vec::new(),
    }
}

fn release_effect(g: &LineageGraph, p: &spec::ReleaseEffect, rel: &[Release]) -> Output {
    let sc = scope(p.from, p.to, p.include_flagged);
    let rows = analysis::release_effect::release_effect(g, &sc, rel, p.window_days);
    let mut a = Panel::new(
        Axis::new("days since release").range(0.0, p.window_days as f64),
        Axis::new("descendants so far").from_zero(),
    )
    .titled("Derivatives of the release's models, through lineage");
    let mut legend = Vec::new();
    let end = data_end(g);
    let mut after_end = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let color = series(k);
        // Days after the data ends are not observed: the line stops there.
        let observed = end.map_or(0, |e| (e.0 - r.release.date.0 + 1).max(0) as usize);
        if observed == 0 {
            after_end.push(r.release.name.clone());
            continue;
        }
        let mut run = 0;
        let pts: Vec<(f64, f64)> = r
            .by_day
            .iter()
            .take(observed)
            .enumerate()
            .map(|(d, c)| {
                run += c;
                (d as f64, run as f64)
            })
            .collect();
        legend.push(LegendEntry::line(
            format!("{} ({})", r.release.name, r.release.date),
            color,
            false,
        ));
        a.layers.push(Layer::Line {
            color,
            points: pts,
            width: 3,
            dashed: false,
            markers: false,
        });
    }
    let names: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} ({})",
                r.release.name,
                r.release.architecture.as_deref().unwrap_or("?")
            )
        })
        .collect();
    let mut b = Panel::new(
        category_axis("release (architecture)", &names),
        Axis::new("share of new models").percent().from_zero(),
    )
    .titled(format!(
        "Share of new models with the release's architecture, {} days before and after",
        p.window_days
    ));
    let before_c = palette::SERIES[10];
    let after_c = palette::SERIES[0];
    b.layers.push(Layer::Bars {
        color: before_c,
        bars: rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as f64 + 0.12, i as f64 + 0.48, 0.0, r.share_before()?)))
            .collect(),
    });
    b.layers.push(Layer::Bars {
        color: after_c,
        bars: rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i as f64 + 0.52, i as f64 + 0.88, 0.0, r.share_after()?)))
            .collect(),
    });
    let maxs = rows
        .iter()
        .flat_map(|r| [r.share_before(), r.share_after()])
        .flatten()
        .fold(0.0, f64::max);
    b.y = b.y.range(0.0, (maxs * 1.15).clamp(0.05, 1.0));
    b.layers.push(Layer::Labels {
        color: TEXT,
        labels: rows
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                [
                    r.share_before()
                        .map(|s| (i as f64 + 0.3, s, format!("{:.0}%", s * 100.0))),
                    r.share_after()
                        .map(|s| (i as f64 + 0.7, s, format!("{:.0}%", s * 100.0))),
                ]
            })
            .flatten()
            .collect(),
        anchor: Anchor::Above,
    });
    legend.push(LegendEntry::heading("architecture share"));
    legend.push(LegendEntry::boxed(
        format!("{} days before", p.window_days),
        before_c,
    ));
    legend.push(LegendEntry::boxed(
        format!("{} days after", p.window_days),
        after_c,
    ));
    let mut fig = Figure::new("Effect of major releases");
    fig.subtitle = Some(
        "Releases from queries/releases.csv; lineage counts only derivatives that name their base"
            .into(),
    );
    fig.height = 1050;
    fig.panels = vec![a, b];
    fig.legend = legend;
    fig.note = Some(format!(
        "{}; {}",
        graph_note(g),
        flagged_note(p.include_flagged)
    ));
    let mut notes: Vec<String> = rows
        .iter()
        .filter(|r| !r.missing.is_empty())
        .map(|r| {
            format!(
                "{}: not in the graph: {}",
                r.release.name,
                r.missing.join(", ")
            )
        })
        .collect();
    if !after_end.is_empty() {
        notes.push(format!(
            "released after the data ends (no line): {}",
            after_end.join(", ")
        ));
    }
    Output {
        name: String::new(),
        analysis: "",
        title: "Effect of major releases".into(),
        description: format!("For each notable release: how fast derivatives of its models appeared (through lineage) and how the share of new models with its architecture changed from the {} days before to the {} days after (the interactive tool's release view).", p.window_days, p.window_days),
        table: analysis::release_effect::table(&rows, p.window_days),
        extra: Vec::new(),
        figure: fig,
        notes,
    }
}
