//! The trend and aggregate analyses of the methodology (section 3): author statistics,
//! new models over time, scores, sizes, licenses, releases. Each analysis is one file that
//! owns its parameters, a pure function over the frozen graph that returns typed rows
//! ([`Table`] turns them into CSV and JSON), and its chart; [`registry::ANALYSES`] lists
//! them once. Nothing here prints or writes files: spec files and output folders are
//! `report`'s, drawing is `render`'s.

pub mod authors_over_time;
pub mod authors_per_repo;
pub mod bases;
pub mod best_score_by_size;
pub mod charts;
pub mod derivative_counts;
pub mod downloads_by_size;
pub mod groups;
pub mod improvement_over_days;
pub mod improvement_per_base;
pub mod license_drift;
pub mod licenses;
pub mod new_models_by_architecture;
pub mod new_models_by_type;
pub mod notes;
pub mod params;
pub mod params_by_architecture;
pub mod params_per_point;
pub mod period;
pub mod ranked_bars;
pub mod registry;
pub mod release_effect;
pub mod releases;
pub mod repo_contributions;
pub mod repos_per_author;
pub mod repositories;
pub mod scope;
pub mod score_by_type;
pub mod table;
pub mod top_authors;
pub mod top_contributors;
pub mod top_models;

pub(crate) use crate::algo;

pub use period::{Timeline, Unit};
pub use registry::{
    find, Analysis, AnalysisError, Compute, Configured, Context, Output, TableReader, ANALYSES,
};
pub use scope::Scope;
pub use table::{Cell, Table};

/// The median and quartiles of sorted values (linear interpolation, as R's default).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
pub(crate) mod testgraph {
    //! Small hand-built graphs for the unit tests of the analyses.
    use crate::graph::LineageGraph;
    use crate::ingest::Input;

    pub const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model\n";
    pub const LEADERBOARD_HEADER: &str = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query\n";
    pub const COMMITS_HEADER: &str =
        ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors\n";

    /// One leaderboard row: id, type label, average, architecture, license, params, flagged.
    pub fn lb_row(
        id: &str,
        type_label: &str,
        average: f32,
        arch: &str,
        license: &str,
        params: f32,
        flagged: bool,
    ) -> String {
        // The v1 export's Flagged column is inverted: False means flagged.
        let flag = if flagged { "False" } else { "True" };
        format!(
            "x;https://huggingface.co/{id};{average};0;0;0;0;0;0;{type_label};{arch};Original;float16;True;{license};{params};0;True;sha;{flag};True;{id}\n"
        )
    }

    /// Builds a graph from the three CSV bodies (headers added here).
    pub fn build(details: &str, leaderboard: &str, commits: &str) -> LineageGraph {
        let d: &'static [u8] = Box::leak(
            format!("{DETAILS_HEADER}{details}")
                .into_bytes()
                .into_boxed_slice(),
        );
        let l: &'static [u8] = Box::leak(
            format!("{LEADERBOARD_HEADER}{leaderboard}")
                .into_bytes()
                .into_boxed_slice(),
        );
        let c: &'static [u8] = Box::leak(
            format!("{COMMITS_HEADER}{commits}")
                .into_bytes()
                .into_boxed_slice(),
        );
        let mut inputs = vec![
            Input::embedded("details.csv", d).unwrap(),
            Input::embedded("leaderboard.csv", l).unwrap(),
        ];
        if !commits.is_empty() {
            inputs.push(Input::embedded("commits.csv", c).unwrap());
        }
        crate::build(&inputs, Default::default(), None).unwrap().0
    }
}
