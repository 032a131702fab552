//! The lines every chart and output shares: where the data came from, what was left out,
//! and a few words for parameters that several analyses take.

use crate::analysis::algo::improvements::{ImprovementOptions, Normalize};
use crate::analysis::groups::{AuthorBasis, Bots};
use crate::analysis::params::NormalizeParam;
use crate::graph::LineageGraph;
use crate::model::Day;

/// The last creation date in the graph: trend charts' last period may be partial.
pub fn data_end(g: &LineageGraph) -> Option<Day> {
    g.last_created()
}

/// A chart note from its parts, in order, joined by "; ".
pub fn join_notes(parts: impl IntoIterator<Item = String>) -> String {
    parts.into_iter().collect::<Vec<_>>().join("; ")
}

/// Says when the last period of a trend chart is cut short, by the end of the data or of
/// the date range (`to`): a month that ends on the 13th is not a drop in activity.
pub fn partial_note(
    g: &LineageGraph,
    unit: crate::analysis::Unit,
    last_start: Option<Day>,
    to: Option<Day>,
) -> Option<String> {
    let start = last_start?;
    let end = match (data_end(g), to) {
        (Some(d), Some(t)) => d.min(t),
        (d, t) => d.or(t)?,
    };
    let next = unit.next(start);
    (end >= start && end.0 + 1 < next.0)
        .then(|| format!("the last {unit} is partial: it ends on {end}"))
}

/// "Data: details.csv, ... (N models, created up to D)".
pub fn graph_note(g: &LineageGraph) -> String {
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

/// Whether flagged models were counted, in words.
pub fn flagged_note(include: bool) -> &'static str {
    if include {
        "flagged models included"
    } else {
        "flagged models left out"
    }
}

/// A note when every parameter count is a whole number of billions (some exports round
/// them, and write models under half a billion as 0, which the readers leave out).
pub fn rounded_sizes_note(g: &LineageGraph) -> Option<String> {
    let mut sizes = g.models.iter().filter_map(|m| m.params_b).peekable();
    sizes.peek()?;
    sizes
        .all(|p| p.fract() == 0.0)
        .then(|| "sizes in this data are whole billions of parameters (models under half a billion show as 0 and are left out)".to_string())
}

/// The bot list: the built-in rule plus `extra` names.
pub fn bots(extra: &[String]) -> Bots {
    Bots::new(extra.iter().cloned())
}

/// Whose models an author statistic counts, in words.
pub fn basis_text(b: AuthorBasis) -> &'static str {
    match b {
        AuthorBasis::Owners => "model owners (namespaces)",
        AuthorBasis::Contributors => "commit authors",
        AuthorBasis::Both => "model owners and commit authors",
    }
}

/// What every author share is a share of, in words: the papers' definition (methodology
/// section 5), used by `query authors` and every author figure.
pub const SHARE_TEXT: &str = "author-repo contributions (the papers' share: the top authors' repos per author over all authors')";

/// The improvement options the improvement analyses take.
pub fn improvement_options(
    include_merges: bool,
    include_flagged: bool,
    n: NormalizeParam,
    board: Option<crate::model::Board>,
) -> ImprovementOptions {
    ImprovementOptions {
        include_merges,
        include_flagged,
        normalize: match n {
            NormalizeParam::Log => Normalize::Log,
            NormalizeParam::Count => Normalize::Count,
            NormalizeParam::None => Normalize::None,
        },
        board,
    }
}

/// The axis label of a normalised improvement.
pub fn normalize_label(n: NormalizeParam) -> &'static str {
    match n {
        NormalizeParam::Log => "improvement / ln(scored derivatives)",
        NormalizeParam::Count => "improvement / scored derivatives",
        NormalizeParam::None => "improvement (%)",
    }
}

/// Names on a figure's note the leaderboard whose scores it shows: the two boards' averages
/// are on different scales, so a score figure always says which one it uses.
pub fn board_note(
    fig: &mut crate::render::Figure,
    g: &LineageGraph,
    board: Option<crate::model::Board>,
) {
    let board = board.unwrap_or_else(|| g.default_board());
    let named = format!("scores of leaderboard {}", board.label());
    fig.note = Some(match fig.note.take() {
        Some(n) => format!("{n}; {named}"),
        None => named,
    });
}

#[cfg(test)]
mod partial_tests {
    use super::*;
    use crate::analysis::testgraph::build;
    use crate::analysis::Unit;

    #[test]
    fn a_last_period_cut_short_is_named() {
        let g = build("0,a/m,a,2024-05-13 10:00:00+00:00,,1,,[],,,\n", "", "");
        let may = Day::parse("2024-05-01");
        assert_eq!(
            partial_note(&g, Unit::Month, may, None).as_deref(),
            Some("the last month is partial: it ends on 2024-05-13")
        );
        // A week that starts on the last day is partial too; a day never is.
        assert!(partial_note(&g, Unit::Week, Day::parse("2024-05-13"), None).is_some());
        assert_eq!(
            partial_note(&g, Unit::Day, Day::parse("2024-05-13"), None),
            None
        );
        // A date range that ends on the month's last day makes it whole again only if the
        // data reaches it: here the data ends first.
        assert!(partial_note(&g, Unit::Month, may, Day::parse("2024-05-31")).is_some());
        // A range ending before the data does cuts the period at the range's end.
        assert_eq!(
            partial_note(
                &g,
                Unit::Month,
                Day::parse("2024-04-01"),
                Day::parse("2024-04-30")
            ),
            None
        );
    }
}
