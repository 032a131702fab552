//! Property tests: random inputs never panic the build and every row is accounted for;
//! generated Hub metadata with case variations, placeholders, lists, self-references and
//! cycles gives exactly the edges a plain reference resolver expects; and every graph
//! built survives save -> load unchanged. Cases are kept modest so the suite stays fast.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::common::*;
use lineage::graph::{file, LineageGraph};
use lineage::ingest::report::BuildReport;
use proptest::prelude::*;

const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";
const V1_HEADER: &str = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query";
const COMMITS_HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors";

const POOL: [&str; 6] = [
    "org/Alpha",
    "org/beta",
    "lab/Gamma-7B",
    "lab/delta",
    "u1/eps",
    "u2/zeta",
];

/// Every row is a record, a rejected row, or folded into another row of its model.
fn accounted(report: &BuildReport) -> Result<(), TestCaseError> {
    let issues: u64 = report.inputs.iter().map(|i| i.issues).sum();
    prop_assert_eq!(issues, report.rejected_total() + report.suspicious_total());
    for input in &report.inputs {
        prop_assert_eq!(
            input.rows,
            input.records + input.rows_rejected + input.duplicates_merged,
            "{:?}",
            input
        );
    }
    Ok(())
}

/// Structural invariants of any built graph, and its survival through the graph file.
fn sound(g: &LineageGraph) -> Result<(), TestCaseError> {
    let n = g.model_count() as u32;
    for v in 0..n {
        let children = g.children_of(v);
        prop_assert!(!children.contains(&v), "self-loop on {}", g.name(v));
        let distinct: BTreeSet<_> = children.iter().collect();
        prop_assert_eq!(
            distinct.len(),
            children.len(),
            "duplicate edge from {}",
            g.name(v)
        );
        for &c in children {
            prop_assert!(g.parents_of(c).contains(&v));
        }
        prop_assert_eq!(g.lookup(&g.name(v).to_uppercase()), Some(v));
    }
    // with the edges that close a cycle left out, a topological order covers every node
    let mut indegree = vec![0usize; n as usize];
    for v in 0..n {
        for (c, _) in g.dag_children(v) {
            indegree[c as usize] += 1;
        }
    }
    let mut queue: VecDeque<u32> = (0..n).filter(|&v| indegree[v as usize] == 0).collect();
    let mut seen = 0;
    while let Some(v) = queue.pop_front() {
        seen += 1;
        for (c, _) in g.dag_children(v) {
            indegree[c as usize] -= 1;
            if indegree[c as usize] == 0 {
                queue.push_back(c);
            }
        }
    }
    prop_assert_eq!(seen, n as usize, "dag_children leaves a cycle");
    prop_assert_eq!(g.cycle_edges() > 0, !g.cycles.is_empty());
    // every cycle's members reach each other
    for members in &g.cycles {
        let reach = reachable(g, members[0]);
        for m in members {
            prop_assert!(reach.contains(m) && reachable(g, *m).contains(&members[0]));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.graph");
    file::save(g, &path).unwrap();
    prop_assert_eq!(&file::load(&path).unwrap(), g);
    Ok(())
}

fn reachable(g: &LineageGraph, from: u32) -> BTreeSet<u32> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        for &c in g.children_of(v) {
            if seen.insert(c) {
                stack.push(c);
            }
        }
    }
    seen
}

// ---------------------------------------------------------------- random text

/// Text made of what CSV and list literals are made of, and a little else.
fn csvish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => "[a-zA-Z0-9/_ .-]{1,12}",
            2 => Just(",".to_string()),
            2 => Just(";".to_string()),
            1 => Just("\"".to_string()),
            1 => Just("'".to_string()),
            1 => Just("[".to_string()),
            1 => Just("]".to_string()),
            1 => Just("\n".to_string()),
            1 => Just("\r\n".to_string()),
            1 => Just("None".to_string()),
            1 => Just("2024-02-30 10:00:00+00:00".to_string()),
            1 => Just("é🤝".to_string()),
        ],
        0..80,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_text_under_a_known_header_never_panics(
        header in prop_oneof![Just(DETAILS_HEADER), Just(V1_HEADER), Just(COMMITS_HEADER)],
        body in csvish(),
        final_newline in any::<bool>(),
    ) {
        let mut text = format!("{header}\n{body}");
        if final_newline {
            text.push('\n');
        }
        match build_bytes("random.csv", text.as_bytes()) {
            Ok((g, report)) => {
                accounted(&report)?;
                sound(&g)?;
            }
            // a quote left open, or a short last row without a final newline
            Err(e) => prop_assert!(e.contains("truncated"), "{}", e),
        }
    }
}

// ---------------------------------------------------------------- Hub metadata rows

#[derive(Debug, Clone)]
enum Case {
    AsIs,
    Lower,
    Upper,
}

fn spell(id: &str, case: &Case) -> String {
    match case {
        Case::AsIs => id.to_string(),
        Case::Lower => id.to_lowercase(),
        Case::Upper => id.to_uppercase(),
    }
}

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![3 => Just(Case::AsIs), 1 => Just(Case::Lower), 1 => Just(Case::Upper)]
}

#[derive(Debug, Clone)]
enum Base {
    Empty,
    Unknown,
    EmptyList,
    NoneText,
    Id(usize, Case),
    Url(usize),
    List(Vec<usize>),
    /// A free-text name in the shipped alias table.
    Alias,
    /// A free-text name nothing resolves.
    Vague,
    /// The row's own id, spelled otherwise.
    Itself(Case),
    Unparsable,
}

#[derive(Debug, Clone)]
enum Tags {
    None,
    Merge,
    Finetune(usize),
    Plain(usize),
    Unparsable,
}

#[derive(Debug, Clone)]
struct Row {
    id: usize,
    case: Case,
    base: Base,
    tags: Tags,
    good_date: bool,
    good_downloads: bool,
    extra_field: bool,
}

fn base() -> impl Strategy<Value = Base> {
    let p = 0..POOL.len();
    prop_oneof![
        2 => Just(Base::Empty),
        1 => Just(Base::Unknown),
        1 => Just(Base::EmptyList),
        1 => Just(Base::NoneText),
        4 => (p.clone(), case()).prop_map(|(i, c)| Base::Id(i, c)),
        1 => p.clone().prop_map(Base::Url),
        2 => proptest::collection::vec(p, 1..4).prop_map(Base::List),
        1 => Just(Base::Alias),
        1 => Just(Base::Vague),
        1 => case().prop_map(Base::Itself),
        1 => Just(Base::Unparsable),
    ]
}

fn tags() -> impl Strategy<Value = Tags> {
    let p = 0..POOL.len();
    prop_oneof![
        3 => Just(Tags::None),
        1 => Just(Tags::Merge),
        2 => p.clone().prop_map(Tags::Finetune),
        1 => p.prop_map(Tags::Plain),
        1 => Just(Tags::Unparsable),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    (
        0..POOL.len(),
        case(),
        base(),
        tags(),
        any::<bool>(),
        any::<bool>(),
        proptest::bool::weighted(0.1),
    )
        .prop_map(
            |(id, case, base, tags, good_date, good_downloads, extra_field)| Row {
                id,
                case,
                base,
                tags,
                good_date,
                good_downloads,
                extra_field,
            },
        )
}

fn details_csv(rows: &[Row]) -> String {
    let mut out = format!("{DETAILS_HEADER}\n");
    for (i, r) in rows.iter().enumerate() {
        let id = spell(POOL[r.id], &r.case);
        let created = if r.good_date {
            format!("2024-0{}-1{} 10:00:00+00:00", 1 + i % 9, i % 10)
        } else {
            "2024-02-31 10:00:00+00:00".to_string()
        };
        // the row number keeps every row's metadata distinct: no row looks like a copy
        let downloads = if r.good_downloads {
            i.to_string()
        } else {
            format!("{i}k")
        };
        let tags = match &r.tags {
            Tags::None => "[]".to_string(),
            Tags::Merge => "\"['transformers', 'merge']\"".to_string(),
            Tags::Finetune(p) => format!("\"['base_model:finetune:{}']\"", POOL[*p]),
            Tags::Plain(p) => format!("\"['base_model:{}']\"", POOL[*p]),
            Tags::Unparsable => "\"['transformers', \"".to_string(),
        };
        let base = match &r.base {
            Base::Empty => String::new(),
            Base::Unknown => "unknown".into(),
            Base::EmptyList => "[]".into(),
            Base::NoneText => "None".into(),
            Base::Id(p, c) => spell(POOL[*p], c),
            Base::Url(p) => format!("https://huggingface.co/{}", POOL[*p]),
            Base::List(ps) => {
                let items: Vec<String> = ps.iter().map(|p| format!("'{}'", POOL[*p])).collect();
                format!("\"[{}]\"", items.join(", "))
            }
            Base::Alias => "mistral-7b".into(),
            Base::Vague => "a vague base".into(),
            Base::Itself(c) => spell(POOL[r.id], c),
            Base::Unparsable => "\"['org/Alpha', \"".into(),
        };
        let extra = if r.extra_field { ",surplus" } else { "" };
        out.push_str(&format!(
            "{i},{id},{},{created},,{downloads},transformers,{tags},,,{base}{extra}\n",
            POOL[r.id].split('/').next().unwrap()
        ));
    }
    out
}

/// What a plain reading of the rows says the graph holds: edges (parent, child) with
/// their kind, self-references, unresolved names and placeholders.
struct Expected {
    described: BTreeSet<String>,
    edges: BTreeMap<(String, String), &'static str>,
    self_references: u64,
    unresolved: u64,
    placeholders: BTreeMap<&'static str, u64>,
}

fn expected(rows: &[Row]) -> Expected {
    let lower = |i: usize| POOL[i].to_lowercase();
    let mut described = BTreeSet::new();
    let mut relation: BTreeMap<(String, String), bool> = BTreeMap::new();
    let mut merged = BTreeSet::new();
    let mut e = Expected {
        described: BTreeSet::new(),
        edges: BTreeMap::new(),
        self_references: 0,
        unresolved: 0,
        placeholders: BTreeMap::new(),
    };
    for r in rows {
        let child = lower(r.id);
        described.insert(child.clone());
        // (raw text, what it names, finetune?) for every reference of the row
        let mut refs: Vec<(String, Option<String>, bool)> = Vec::new();
        match &r.tags {
            Tags::Finetune(p) => refs.push((POOL[*p].to_string(), Some(lower(*p)), true)),
            Tags::Plain(p) => refs.push((POOL[*p].to_string(), Some(lower(*p)), false)),
            Tags::Merge => {
                merged.insert(child.clone());
            }
            Tags::None | Tags::Unparsable => {}
        }
        let mut placeholder = |p| *e.placeholders.entry(p).or_default() += 1;
        match &r.base {
            Base::Empty => placeholder("empty"),
            Base::Unknown => placeholder("unknown"),
            Base::EmptyList => placeholder("[]"),
            Base::NoneText => placeholder("None"),
            Base::Unparsable => {}
            Base::Id(p, c) => refs.push((spell(POOL[*p], c), Some(lower(*p)), false)),
            Base::Url(p) => refs.push((
                format!("https://huggingface.co/{}", POOL[*p]),
                Some(lower(*p)),
                false,
            )),
            Base::List(ps) => refs.extend(
                ps.iter()
                    .map(|p| (POOL[*p].to_string(), Some(lower(*p)), false)),
            ),
            Base::Alias => refs.push((
                "mistral-7b".into(),
                Some("mistralai/mistral-7b-v0.1".into()),
                false,
            )),
            Base::Vague => refs.push(("a vague base".into(), None, false)),
            Base::Itself(c) => refs.push((spell(POOL[r.id], c), Some(child.clone()), false)),
        }
        // one reference per raw text and row (case-insensitive), an explicit relation kept
        let mut kept: Vec<(String, Option<String>, bool)> = Vec::new();
        for (raw, target, finetune) in refs {
            match kept.iter_mut().find(|k| k.0.eq_ignore_ascii_case(&raw)) {
                Some(k) => k.2 |= finetune,
                None => kept.push((raw, target, finetune)),
            }
        }
        for (_, target, finetune) in kept {
            match target {
                None => e.unresolved += 1,
                Some(t) if t == child => e.self_references += 1,
                Some(t) => *relation.entry((t, child.clone())).or_default() |= finetune,
            }
        }
    }
    let mut parents: BTreeMap<&String, usize> = BTreeMap::new();
    for (_, c) in relation.keys() {
        *parents.entry(c).or_default() += 1;
    }
    for ((p, c), finetune) in &relation {
        // 2+ parents: merge; else a stated relation wins over the merge mark
        let kind = if parents[c] >= 2 {
            "merge"
        } else if *finetune {
            "finetune"
        } else if merged.contains(c) {
            "merge"
        } else {
            "unspecified"
        };
        e.edges.insert((p.clone(), c.clone()), kind);
    }
    e.described = described;
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_details_give_the_expected_graph(rows in proptest::collection::vec(row(), 0..24)) {
        let text = details_csv(&rows);
        let (g, report) = build_bytes("details.csv", text.as_bytes()).map_err(TestCaseError::fail)?;
        accounted(&report)?;
        prop_assert_eq!(report.inputs[0].rows, rows.len() as u64);
        prop_assert_eq!(report.inputs[0].rows_rejected, 0);
        let want = expected(&rows);
        // one node per id whatever its case, spelled as its first row spells it
        prop_assert_eq!(report.described as usize, want.described.len());
        for (i, r) in rows.iter().enumerate() {
            let v = g.lookup(POOL[r.id]).expect("described id");
            prop_assert!(!g.models[v as usize].is_stub());
            let first = rows.iter().position(|q| q.id == r.id).unwrap();
            if first == i {
                prop_assert_eq!(g.name(v), spell(POOL[r.id], &r.case));
            }
        }
        let got: BTreeMap<(String, String), &'static str> = (0..g.model_count() as u32)
            .flat_map(|v| {
                let g = &g;
                g.child_edges(v).map(move |(c, k)| {
                    ((g.name(v).to_lowercase(), g.name(c).to_lowercase()), k.as_str())
                })
            })
            .collect();
        prop_assert_eq!(&got, &want.edges);
        prop_assert_eq!(report.self_references.count, want.self_references);
        prop_assert_eq!(report.unresolved.count, want.unresolved);
        let placeholders: BTreeMap<&str, u64> = report
            .placeholder_references
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        let want_placeholders: BTreeMap<&str, u64> =
            want.placeholders.iter().map(|(k, v)| (*k, *v)).collect();
        prop_assert_eq!(placeholders, want_placeholders);
        // every bad cell reported, none silently
        let bad = |reason: &str| report.rejected.get(reason).map_or(0, |g| g.count);
        let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| f(r)).count() as u64;
        prop_assert_eq!(bad("bad date"), count(&|r| !r.good_date));
        prop_assert_eq!(bad("bad number"), count(&|r| !r.good_downloads));
        prop_assert_eq!(
            bad("unparsable list"),
            count(&|r| matches!(r.tags, Tags::Unparsable)) + count(&|r| matches!(r.base, Base::Unparsable))
        );
        prop_assert_eq!(bad("wrong field count"), count(&|r| r.extra_field));
        prop_assert!(report.suspicious.is_empty());
        prop_assert_eq!(report.stubs as usize, g.model_count() - want.described.len());
        prop_assert_eq!(
            report.edges_by_kind.values().sum::<u64>(),
            g.edge_count() as u64
        );
        prop_assert_eq!(g.edges_by_kind().iter().sum::<usize>(), g.edge_count());
        sound(&g)?;
    }
}

// ---------------------------------------------------------------- Hub API lines

fn pool_id() -> impl Strategy<Value = String> {
    (0..POOL.len(), case()).prop_map(|(i, c)| spell(POOL[i], &c))
}

fn json_line() -> impl Strategy<Value = String> {
    let id = pool_id();
    let value = prop_oneof![
        Just("null".to_string()),
        Just("12".to_string()),
        Just("-3".to_string()),
        Just("\"2024-01-31T10:00:00.000Z\"".to_string()),
        Just("\"yesterday\"".to_string()),
        Just("[\"org/beta\", 7]".to_string()),
        Just(
            "{\"relation\": \"merge\", \"models\": [{\"id\": \"lab/delta\"}, {\"x\": 1}]}"
                .to_string()
        ),
        pool_id().prop_map(|i| format!("\"{i}\"")),
    ];
    let field = prop_oneof![
        Just("author"),
        Just("createdAt"),
        Just("downloads"),
        Just("likes"),
        Just("tags"),
        Just("baseModels"),
        Just("pipeline_tag"),
    ];
    let object = (
        proptest::option::weighted(0.9, id),
        proptest::collection::vec((field, value.clone()), 0..5),
        proptest::option::of(value),
    )
        .prop_map(|(id, fields, base)| {
            let mut parts: Vec<String> = Vec::new();
            if let Some(id) = id {
                parts.push(format!("\"id\": \"{id}\""));
            }
            parts.extend(fields.iter().map(|(k, v)| format!("\"{k}\": {v}")));
            if let Some(b) = base {
                parts.push(format!(
                    "\"cardData\": {{\"base_model\": {b}, \"base_model_relation\": \"adapter\"}}"
                ));
            }
            format!("{{{}}}", parts.join(", "))
        });
    prop_oneof![
        8 => object,
        1 => Just("{\"id\": \"org/Alpha\" \"x\": 1}".to_string()),
        1 => Just("[1, 2]".to_string()),
        1 => Just("42".to_string()),
        1 => Just("   ".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_hub_api_lines_are_all_accounted_for(lines in proptest::collection::vec(json_line(), 1..20)) {
        let text = lines.join("\n") + "\n";
        // a first line that is blank is not recognisable as JSON Lines
        prop_assume!(lines[0].trim_start().starts_with('{'));
        let (g, report) = build_bytes("models.jsonl", text.as_bytes()).map_err(TestCaseError::fail)?;
        accounted(&report)?;
        let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count() as u64;
        prop_assert_eq!(report.inputs[0].rows, non_blank);
        sound(&g)?;
    }
}
