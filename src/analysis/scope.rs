//! Which models an analysis counts: described models (not stubs), without the flagged ones
//! unless asked (methodology section 2.2), created within an optional date range.

use crate::graph::LineageGraph;
use crate::model::{Board, Day, Model};

/// Which models an analysis counts: a creation-date window and whether flagged models count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    /// Count flagged models too.
    pub include_flagged: bool,
    /// First creation day counted (inclusive).
    pub from: Option<Day>,
    /// Last creation day counted (inclusive).
    pub to: Option<Day>,
    /// The leaderboard whose scores count; `None`: the graph's default board (the one with
    /// more scored models, [`LineageGraph::default_board`]).
    pub board: Option<Board>,
}

impl Scope {
    /// True when `m` counts at all, whatever its date: described and, unless asked, not
    /// flagged.
    pub fn counts(&self, m: &Model) -> bool {
        !m.is_stub() && (self.include_flagged || !m.is_flagged())
    }

    /// The leaderboard whose scores count on `g`.
    pub fn board(&self, g: &LineageGraph) -> Board {
        self.board.unwrap_or_else(|| g.default_board())
    }

    /// True when `day` is inside the date range.
    pub fn in_range(&self, day: Day) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// True when `m` counts and its creation date is in range. Without a date range, models
    /// without a creation date count too; with one, they do not.
    pub fn selects(&self, m: &Model) -> bool {
        self.counts(m)
            && match m.created {
                Some(d) => self.in_range(d),
                None => self.from.is_none() && self.to.is_none(),
            }
    }

    /// The ids of the selected models.
    pub fn models<'g>(&'g self, g: &'g LineageGraph) -> impl Iterator<Item = u32> + 'g {
        g.models
            .iter()
            .enumerate()
            .filter(|(_, m)| self.selects(m))
            .map(|(v, _)| v as u32)
    }

    /// The selected models that have a creation date, with it.
    pub fn dated<'g>(&'g self, g: &'g LineageGraph) -> impl Iterator<Item = (u32, Day)> + 'g {
        g.models
            .iter()
            .enumerate()
            .filter(|(_, m)| self.selects(m))
            .filter_map(|(v, m)| m.created.map(|d| (v as u32, d)))
    }
}
