//! `lineage serve`'s HTTP face: the dashboard page and its JSON API. A handler turns the
//! request into the same plain options the command line builds, calls the same library
//! function, and serialises the same answer; the graph is loaded once and shared read-only.

pub mod assets;
pub mod explorer;
pub mod params;
pub mod search;

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use serde_json::json;

use crate::algo::resolve::{resolve_model, ResolveError};
use crate::analysis::license_drift::Rules;
use crate::analysis::licenses::Permissions;
use crate::analysis::registry::{self, AnalysisError, Context, ANALYSES};
use crate::export::{derived, Derived, Export, Format};
use crate::graph::info::GraphInfo;
use crate::graph::LineageGraph;
use crate::ingest::refs::AliasTable;
use crate::queries::{authors, derivatives, improvements, licenses, merge_depth, QueryError};
use explorer::{subgraph, Window, MAX_DEPTH, MAX_LIMIT};
use params::{query_names, ParamError, Params, QueryRequest};
use search::NameIndex;

/// The bases of the papers' evolution figures, offered first in the evolution view.
pub use crate::analysis::derivative_counts::PAPER_BASES;

/// What the server holds: the graph and what is worth computing once for every request.
pub struct Dashboard {
    graph: LineageGraph,
    /// `lineage info --format json`, byte for byte.
    info: Vec<u8>,
    /// The build report, when one was given.
    report: Option<Vec<u8>>,
    /// Descendants, merge depth and generation of every model (flagged ones counted).
    derived: Derived,
    names: NameIndex,
    /// Bases offered first: the papers' ones present, then the most derived-from.
    bases: Vec<u32>,
}

impl Dashboard {
    /// Prepares `graph` for serving; `report` is a build report as JSON (`lineage build
    /// --report`). O(V + E) for the derived values and the name index.
    pub fn new(graph: LineageGraph, report: Option<Vec<u8>>) -> Dashboard {
        let info = pretty(&GraphInfo::of(&graph));
        let derived = derived(&graph, false);
        let names = NameIndex::new(&graph);
        let mut bases: Vec<u32> = PAPER_BASES.iter().filter_map(|b| graph.lookup(b)).collect();
        let mut ranked: Vec<u32> = (0..graph.model_count() as u32)
            .filter(|&v| derived.descendants[v as usize] > 0 && graph.parents_of(v).is_empty())
            .collect();
        let top = 20.min(ranked.len());
        let order = |a: &u32, b: &u32| {
            derived.descendants[*b as usize]
                .cmp(&derived.descendants[*a as usize])
                .then(a.cmp(b))
        };
        if top < ranked.len() {
            ranked.select_nth_unstable_by(top, order);
            ranked.truncate(top);
        }
        ranked.sort_unstable_by(order);
        for v in ranked {
            if !bases.contains(&v) {
                bases.push(v);
            }
        }
        Dashboard {
            graph,
            info,
            report,
            derived,
            names,
            bases,
        }
    }

    /// The graph served.
    pub fn graph(&self) -> &LineageGraph {
        &self.graph
    }
}

/// The dashboard's routes over `dashboard`.
pub fn router(dashboard: Arc<Dashboard>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{file}", get(asset))
        .route("/api/info", get(info))
        .route("/api/report", get(report))
        .route("/api/query/{name}", get(query))
        .route("/api/models", get(models))
        .route("/api/bases", get(bases))
        .route("/api/lineage", get(lineage))
        .route("/api/lineage.graphml", get(lineage_graphml))
        .route("/api/analyses", get(analyses))
        .route("/api/analyses/{file}", get(analysis))
        .fallback(not_found)
        .with_state(dashboard)
}

type Shared = State<Arc<Dashboard>>;

/// JSON as the command line writes it: pretty, with a final newline.
fn pretty<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot encode: {e}\"}}").into_bytes());
    bytes.push(b'\n');
    bytes
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn error(status: StatusCode, value: serde_json::Value) -> Response {
    json_response(status, pretty(&value))
}

fn bad_param(e: ParamError) -> Response {
    json_response(StatusCode::BAD_REQUEST, pretty(&e))
}

/// Runs `work` off the async threads; a panic in it becomes a 500, never a dead server.
async fn blocking<F: FnOnce() -> Response + Send + 'static>(work: F) -> Response {
    match tokio::task::spawn_blocking(work).await {
        Ok(r) => r,
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": "internal error while answering"}),
        ),
    }
}

async fn index() -> Response {
    serve_asset("index.html")
}

async fn asset(Path(file): Path<String>) -> Response {
    serve_asset(&file)
}

fn serve_asset(path: &str) -> Response {
    match assets::find(path) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            a.body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such file\n").into_response(),
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        error(
            StatusCode::NOT_FOUND,
            json!({"error": "no such endpoint", "accepted": "/api/info, /api/report, /api/query/NAME, /api/analyses, /api/analyses/NAME[.csv|.svg], /api/models, /api/bases, /api/lineage, /api/lineage.graphml"}),
        )
    } else {
        (StatusCode::NOT_FOUND, "no such page\n").into_response()
    }
}

async fn info(State(d): Shared) -> Response {
    json_response(StatusCode::OK, d.info.clone())
}

async fn report(State(d): Shared) -> Response {
    match &d.report {
        Some(r) => json_response(StatusCode::OK, r.clone()),
        None => error(
            StatusCode::NOT_FOUND,
            json!({"error": "no build report was given; start with `lineage serve --report FILE` (from `lineage build --report FILE`)"}),
        ),
    }
}

fn query_error(e: QueryError) -> Response {
    match &e {
        QueryError::Model { param, reason, .. } => {
            let suggestions = match reason {
                ResolveError::NotFound { suggestions, .. } => suggestions.clone(),
                ResolveError::Ambiguous { examples, .. } => examples.clone(),
            };
            error(
                StatusCode::NOT_FOUND,
                json!({"error": e.to_string(), "parameter": param, "suggestions": suggestions}),
            )
        }
        QueryError::Conflict { param, message } => error(
            StatusCode::BAD_REQUEST,
            json!({"error": message, "parameter": param}),
        ),
    }
}

async fn query(State(d): Shared, Path(name): Path<String>, RawQuery(q): RawQuery) -> Response {
    blocking(move || {
        let p = Params::parse(q.as_deref());
        let request = match QueryRequest::parse(&name, &p) {
            None => {
                return error(
                    StatusCode::NOT_FOUND,
                    json!({"error": format!("unknown query '{}'", name.chars().take(60).collect::<String>()), "accepted": query_names()}),
                )
            }
            Some(Err(e)) => return bad_param(e),
            Some(Ok(r)) => r,
        };
        let g = &d.graph;
        let body = match request {
            QueryRequest::Derivatives(o) => derivatives::derivatives(g, &o).map(|a| pretty(&a)),
            QueryRequest::Improvements(o) => {
                improvements::improvements(g, &o).map(|a| pretty(&a))
            }
            QueryRequest::MergeDepth(o) => merge_depth::merge_depth(g, &o).map(|a| pretty(&a)),
            QueryRequest::Authors(o) => authors::authors(g, &o).map(|a| pretty(&a)),
            QueryRequest::Licenses(o) => Ok(pretty(&licenses::licenses(
                g,
                &o,
                &Permissions::builtin(),
            ))),
            QueryRequest::LicenseDrift(o) => Ok(pretty(&licenses::license_drift(
                g,
                &o,
                &Permissions::builtin(),
                &Rules::builtin(),
            ))),
        };
        match body {
            Ok(b) => json_response(StatusCode::OK, b),
            Err(e) => query_error(e),
        }
    })
    .await
}

/// One search suggestion.
#[derive(Serialize)]
struct Suggestion<'a> {
    id: &'a str,
    descendants: u32,
    created: Option<String>,
    average: Option<f32>,
}

fn suggestion(d: &Dashboard, v: u32) -> Suggestion<'_> {
    let m = &d.graph.models[v as usize];
    Suggestion {
        id: d.graph.name(v),
        descendants: d.derived.descendants[v as usize],
        created: m.created.map(|c| c.to_string()),
        average: m
            .average(crate::model::Board::V1)
            .or(m.average(crate::model::Board::V2)),
    }
}

async fn models(State(d): Shared, RawQuery(q): RawQuery) -> Response {
    blocking(move || {
        let p = Params::parse(q.as_deref());
        let parsed = p
            .check_names(&["q", "limit"])
            .and_then(|_| Ok((p.text("q")?.unwrap_or_default(), p.count("limit", 10)?)));
        let (needle, limit) = match parsed {
            Ok(x) => x,
            Err(e) => return bad_param(e),
        };
        if limit > 100 {
            return bad_param(ParamError {
                error: format!("limit={limit}: too many suggestions"),
                parameter: "limit".into(),
                accepted: "0 to 100".into(),
            });
        }
        let hits = d
            .names
            .find(&d.graph, &needle, &d.derived.descendants, limit);
        let close = if hits.is_empty() && !needle.trim().is_empty() {
            crate::algo::resolve::closest(&d.graph, needle.trim(), 5)
        } else {
            Vec::new()
        };
        let models: Vec<Suggestion> = hits.iter().map(|&v| suggestion(&d, v)).collect();
        json_response(
            StatusCode::OK,
            pretty(&json!({"query": needle, "models": models, "did_you_mean": close})),
        )
    })
    .await
}

async fn bases(State(d): Shared) -> Response {
    let papers = PAPER_BASES
        .iter()
        .filter(|b| d.graph.lookup(b).is_some())
        .count();
    let list: Vec<Suggestion> = d.bases.iter().map(|&v| suggestion(&d, v)).collect();
    json_response(
        StatusCode::OK,
        pretty(&json!({"papers": papers, "bases": list})),
    )
}

/// The explorer's window from parameters; a bad one or an unknown model is a response.
fn window(d: &Dashboard, q: Option<&str>) -> Result<Window, Box<Response>> {
    let p = Params::parse(q);
    let parse = || -> Result<(Option<String>, usize, usize, usize, Vec<_>), ParamError> {
        p.check_names(&["model", "depth", "offset", "limit", "kind"])?;
        Ok((
            p.text("model")?,
            p.count("depth", 2)?,
            p.count("offset", 0)?,
            p.count("limit", 200)?,
            p.kinds("kind")?,
        ))
    };
    let (model, depth, offset, limit, kinds) = parse().map_err(|e| Box::new(bad_param(e)))?;
    let range = |name: &str, value: usize, lo: usize, hi: usize| {
        if value < lo || value > hi {
            Err(Box::new(bad_param(ParamError {
                error: format!("{name}={value}: out of range"),
                parameter: name.into(),
                accepted: format!("{lo} to {hi}"),
            })))
        } else {
            Ok(())
        }
    };
    range("depth", depth, 1, MAX_DEPTH as usize)?;
    range("limit", limit, 1, MAX_LIMIT)?;
    let Some(name) = model else {
        return Err(Box::new(bad_param(ParamError {
            error: "model is missing".into(),
            parameter: "model".into(),
            accepted: "a model id in any case, an alias, or a unique prefix".into(),
        })));
    };
    let v = resolve_model(&d.graph, &name, &AliasTable::builtin()).map_err(|reason| {
        Box::new(query_error(QueryError::Model {
            param: "model",
            name: name.clone(),
            reason,
        }))
    })?;
    Ok(Window {
        model: v,
        depth: depth as u32,
        offset,
        limit,
        kinds,
    })
}

async fn lineage(State(d): Shared, RawQuery(q): RawQuery) -> Response {
    blocking(move || match window(&d, q.as_deref()) {
        Ok(w) => json_response(
            StatusCode::OK,
            pretty(&subgraph(&d.graph, &d.derived.descendants, &w)),
        ),
        Err(r) => *r,
    })
    .await
}

async fn lineage_graphml(State(d): Shared, RawQuery(q): RawQuery) -> Response {
    blocking(move || {
        let w = match window(&d, q.as_deref()) {
            Ok(w) => w,
            Err(r) => return *r,
        };
        let s = subgraph(&d.graph, &d.derived.descendants, &w);
        let mut keep = vec![false; d.graph.model_count()];
        for &v in &s.ids {
            keep[v as usize] = true;
        }
        let export = Export::of_models(&d.graph, keep, d.derived.clone());
        let mut out = Vec::new();
        if let Err(e) = export.write_to(Format::GraphMl, &mut out) {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": format!("cannot write GraphML: {e}")}),
            );
        }
        let file: String = s
            .focus
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        (
            [
                (header::CONTENT_TYPE, "application/graphml+xml".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lineage-{file}.graphml\""),
                ),
            ],
            out,
        )
            .into_response()
    })
    .await
}

async fn analyses() -> Response {
    let list: Vec<serde_json::Value> = ANALYSES
        .iter()
        .map(|a| {
            json!({
                "name": a.name(),
                "title": a.title(),
                "description": a.description(),
                "params": a.params(),
            })
        })
        .collect();
    json_response(StatusCode::OK, pretty(&list))
}

/// What `/api/analyses/NAME` sends: the tables as JSON, the main table as CSV, the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AnalysisForm {
    Json,
    Csv,
    Svg,
}

async fn analysis(State(d): Shared, Path(file): Path<String>, RawQuery(q): RawQuery) -> Response {
    blocking(move || {
        let (name, form) = match file.rsplit_once('.') {
            Some((n, "csv")) => (n, AnalysisForm::Csv),
            Some((n, "svg")) => (n, AnalysisForm::Svg),
            Some((n, "json")) => (n, AnalysisForm::Json),
            _ => (file.as_str(), AnalysisForm::Json),
        };
        let Some(a) = registry::find(name) else {
            return error(
                StatusCode::NOT_FOUND,
                json!({"error": format!("unknown analysis '{}'", name.chars().take(60).collect::<String>()), "accepted": registry::names()}),
            );
        };
        // The registry reads a flat map; a name given twice would silently lose one value.
        let mut map = std::collections::BTreeMap::new();
        for (k, v) in form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes()) {
            if k.is_empty() {
                continue;
            }
            if map.insert(k.to_string(), v.to_string()).is_some() {
                return bad_param(ParamError {
                    error: format!("parameter '{k}' is given more than once"),
                    parameter: k.to_string(),
                    accepted: "one value".into(),
                });
            }
        }
        let configured = match a.parse_query(&map) {
            Ok(c) => c,
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    json!({"error": e.to_string(), "parameter": e.param, "accepted": e.accepted}),
                )
            }
        };
        let out = match configured.run(&d.graph, &Context::builtin()) {
            Ok(o) => o,
            Err(AnalysisError::Param(e)) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    json!({"error": e.to_string(), "parameter": e.param, "accepted": e.accepted}),
                )
            }
            Err(e) => {
                return error(StatusCode::BAD_REQUEST, json!({"error": e.to_string()}))
            }
        };
        match form {
            AnalysisForm::Json => json_response(StatusCode::OK, pretty(&out.to_json())),
            AnalysisForm::Csv => (
                [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                out.table.to_csv_string(),
            )
                .into_response(),
            AnalysisForm::Svg => match out.svg() {
                Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
                Err(e) => error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": format!("cannot draw the chart: {e}")}),
                ),
            },
        }
    })
    .await
}
