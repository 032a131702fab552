//! Property tests: random inputs never panic the build and every row is accounted for;
//! generated Hub metadata with case variations, placeholders, lists, self-references,
//! cycles, every stated relation, ids without a namespace and copied rows, and generated
//! Hub API objects with bases in every field, give exactly the edges a plain reference
//! resolver expects; and every graph built survives save -> load unchanged. Cases are kept modest so the suite stays fast.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::common::*;
use lineage::graph::{file, LineageGraph};
use lineage::ingest::report::BuildReport;
use proptest::prelude::*;

const DETAILS_HEADER: &str = "Unnamed: 0,name,author,created_at,last_modified,downloads,library_name,tags,language,datasets,base_model";
const V1_HEADER: &str = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query";
const COMMITS_HEADER: &str = ",name,num_of_authors,num_of_commits,first_commit,last_commit,authors";

/// Ids of the generated rows: most `namespace/name`, two without a namespace (a reference
/// to one is free text, which names a model only if some row describes it).
const POOL: [&str; 8] = [
    "org/Alpha",
    "org/beta",
    "lab/Gamma-7B",
    "lab/delta",
    "u1/eps",
    "u2/zeta",
    "Solo",
    "lone-model",
];

/// The relations a `base_model:RELATION:ID` tag can state.
const RELATIONS: [&str; 4] = ["finetune", "adapter", "merge", "quantized"];

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
    // The test's own strongly connected components (mutual reachability): an edge closes a
    // cycle only inside one component, so every skipped edge has both ends in one, and no
    // edge between two components is skipped; the graph's cycle list is exactly the
    // components of more than one model.
    let reach: Vec<BTreeSet<u32>> = (0..n).map(|v| reachable(g, v)).collect();
    let same_component = |a: u32, b: u32| {
        a == b || (reach[a as usize].contains(&b) && reach[b as usize].contains(&a))
    };
    for v in 0..n {
        for (&c, e) in g.children_of(v).iter().zip(g.child_edge_ids(v)) {
            if g.edge_closes_cycle[e as usize] {
                prop_assert!(
                    same_component(v, c),
                    "{} -> {} skipped outside a cycle",
                    g.name(v),
                    g.name(c)
                );
            }
        }
    }
    let mut components: BTreeSet<Vec<u32>> = BTreeSet::new();
    for v in 0..n {
        let members: Vec<u32> = (0..n).filter(|&u| same_component(u, v)).collect();
        if members.len() > 1 {
            components.insert(members);
        }
    }
    let listed: BTreeSet<Vec<u32>> = g
        .cycles
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.sort_unstable();
            c
        })
        .collect();
    prop_assert_eq!(listed, components);
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
    /// `base_model:RELATION:ID`, the relation one of [`RELATIONS`].
    Related(&'static str, usize),
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
    /// The row repeats the previous row's metadata under its own id: a failed lookup's copy.
    copy: bool,
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
        2 => (proptest::sample::select(RELATIONS.to_vec()), p.clone())
            .prop_map(|(r, p)| Tags::Related(r, p)),
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
        proptest::bool::weighted(0.15),
    )
        .prop_map(
            |(id, case, base, tags, good_date, good_downloads, extra_field, copy)| Row {
                id,
                case,
                base,
                tags,
                good_date,
                good_downloads,
                extra_field,
                copy,
            },
        )
}

/// Rows whose copies are real copies: a copy follows a row without a surplus field, and
/// its id is not the one the copied metadata belongs to (that would be a plain repeat).
fn rows() -> impl Strategy<Value = Vec<Row>> {
    proptest::collection::vec(row(), 0..24).prop_map(|mut rows| {
        let mut origin: Option<usize> = None;
        for i in 0..rows.len() {
            let copy = rows[i].copy
                && i > 0
                && !rows[i - 1].extra_field
                && origin.is_some_and(|o| !POOL[o].eq_ignore_ascii_case(POOL[rows[i].id]));
            rows[i].copy = copy;
            if copy {
                rows[i].extra_field = false;
            } else {
                origin = Some(rows[i].id);
            }
        }
        rows
    })
}

fn details_csv(rows: &[Row]) -> String {
    let mut out = format!("{DETAILS_HEADER}\n");
    let mut metadata = String::new();
    for (i, r) in rows.iter().enumerate() {
        let id = spell(POOL[r.id], &r.case);
        if r.copy {
            out.push_str(&format!("{i},{id},{metadata}\n"));
            continue;
        }
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
            Tags::Related(rel, p) => format!("\"['base_model:{rel}:{}']\"", POOL[*p]),
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
        metadata = format!(
            "{},{created},,{downloads},transformers,{tags},,,{base}{extra}",
            POOL[r.id].split('/').next().unwrap()
        );
        out.push_str(&format!("{i},{id},{metadata}\n"));
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
    /// Later rows of an id that disagree with an earlier row (other bases or dates).
    conflicts: u64,
    /// Rows that copy the previous row's metadata under another id.
    copies: u64,
    /// Ids described by copies only.
    only_copied: u64,
}

fn expected(rows: &[Row]) -> Expected {
    let lower = |i: usize| POOL[i].to_lowercase();
    // A reference without a namespace is free text: it names a model only if some row,
    // a copy included, has that id.
    let every_row: BTreeSet<String> = rows.iter().map(|r| lower(r.id)).collect();
    let target =
        |i: usize| (POOL[i].contains('/') || every_row.contains(&lower(i))).then(|| lower(i));
    let mut described = BTreeSet::new();
    let mut relation: BTreeMap<(String, String), Option<&'static str>> = BTreeMap::new();
    let mut merged = BTreeSet::new();
    let mut e = Expected {
        described: BTreeSet::new(),
        edges: BTreeMap::new(),
        self_references: 0,
        unresolved: 0,
        placeholders: BTreeMap::new(),
        conflicts: 0,
        copies: 0,
        only_copied: 0,
    };
    // Per id: the references of the first row that named any (as lower-cased raw texts, in
    // order), and whether a row gave a date. A later row of an id is a repeat: it fills what
    // earlier rows left empty, but parents come from one row only.
    let mut first_refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut dated: BTreeSet<String> = BTreeSet::new();
    for r in rows {
        let child = lower(r.id);
        // A copy makes its id a model and says nothing else.
        if r.copy {
            e.copies += 1;
            continue;
        }
        let repeat = !described.insert(child.clone());
        // (raw text, what it names, stated relation) for every reference of the row
        let mut refs: Vec<(String, Option<String>, Option<&'static str>)> = Vec::new();
        match &r.tags {
            Tags::Related(rel, p) => refs.push((POOL[*p].to_string(), target(*p), Some(*rel))),
            Tags::Plain(p) => refs.push((POOL[*p].to_string(), target(*p), None)),
            Tags::Merge => {
                merged.insert(child.clone());
            }
            Tags::None | Tags::Unparsable => {}
        }
        // placeholders are counted for an id's first row only
        let mut placeholder = |p| {
            if !repeat {
                *e.placeholders.entry(p).or_default() += 1
            }
        };
        match &r.base {
            Base::Empty => placeholder("empty"),
            Base::Unknown => placeholder("unknown"),
            Base::EmptyList => placeholder("[]"),
            Base::NoneText => placeholder("None"),
            Base::Unparsable => {}
            Base::Id(p, c) => refs.push((spell(POOL[*p], c), target(*p), None)),
            Base::Url(p) => refs.push((
                format!("https://huggingface.co/{}", POOL[*p]),
                target(*p),
                None,
            )),
            Base::List(ps) => {
                refs.extend(ps.iter().map(|p| (POOL[*p].to_string(), target(*p), None)))
            }
            Base::Alias => refs.push((
                "mistral-7b".into(),
                Some("mistralai/mistral-7b-v0.1".into()),
                None,
            )),
            Base::Vague => refs.push(("a vague base".into(), None, None)),
            Base::Itself(c) => refs.push((spell(POOL[r.id], c), Some(child.clone()), None)),
        }
        let raw: Vec<String> = refs.iter().map(|r| r.0.to_lowercase()).collect();
        let mut conflict = repeat && r.good_date && dated.contains(&child);
        if r.good_date {
            dated.insert(child.clone());
        }
        match first_refs.get(&child) {
            Some(first) => {
                conflict |= !raw.is_empty() && *first != raw;
                refs.clear();
            }
            None if !raw.is_empty() => {
                first_refs.insert(child.clone(), raw);
            }
            None => {}
        }
        e.conflicts += u64::from(conflict);
        // one reference per raw text and row (case-insensitive), an explicit relation kept
        let mut kept: Vec<(String, Option<String>, Option<&'static str>)> = Vec::new();
        for (raw, target, stated) in refs {
            match kept.iter_mut().find(|k| k.0.eq_ignore_ascii_case(&raw)) {
                Some(k) => k.2 = k.2.or(stated),
                None => kept.push((raw, target, stated)),
            }
        }
        for (_, target, stated) in kept {
            match target {
                None => e.unresolved += 1,
                Some(t) if t == child => e.self_references += 1,
                Some(t) => {
                    let r = relation.entry((t, child.clone())).or_default();
                    *r = r.or(stated);
                }
            }
        }
    }
    let mut parents: BTreeMap<&String, usize> = BTreeMap::new();
    for (_, c) in relation.keys() {
        *parents.entry(c).or_default() += 1;
    }
    for ((p, c), stated) in &relation {
        // 2+ parents: merge; else a stated relation wins over the merge mark
        let kind = if parents[c] >= 2 {
            "merge"
        } else if let Some(r) = stated {
            r
        } else if merged.contains(c) {
            "merge"
        } else {
            "unspecified"
        };
        e.edges.insert((p.clone(), c.clone()), kind);
    }
    e.only_copied = every_row.difference(&described).count() as u64;
    e.described = every_row;
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_details_give_the_expected_graph(rows in rows()) {
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
            if first == i && !r.copy {
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
        // a copy's cells are not read: only the other rows' bad cells count
        let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| !r.copy && f(r)).count() as u64;
        prop_assert_eq!(bad("bad date"), count(&|r| !r.good_date));
        prop_assert_eq!(bad("bad number"), count(&|r| !r.good_downloads));
        prop_assert_eq!(
            bad("unparsable list"),
            count(&|r| matches!(r.tags, Tags::Unparsable)) + count(&|r| matches!(r.base, Base::Unparsable))
        );
        prop_assert_eq!(bad("wrong field count"), count(&|r| r.extra_field));
        let repeated = report.suspicious.get("repeated row with other values").map_or(0, |g| g.count);
        prop_assert_eq!(repeated, want.conflicts);
        let copied = report.suspicious.get("metadata copied from another row").map_or(0, |g| g.count);
        prop_assert_eq!(copied, want.copies);
        prop_assert_eq!(report.metadata_not_used, want.only_copied);
        prop_assert_eq!(report.suspicious_total(), repeated + copied);
        // a copy is a record of its own; a later row of an id is folded into its first
        let copies = want.copies as usize;
        let distinct = want.described.len() - want.only_copied as usize;
        prop_assert_eq!(report.inputs[0].records as usize, distinct + copies);
        prop_assert_eq!(report.inputs[0].duplicates_merged as usize, rows.len() - copies - distinct);
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

/// A well-formed Hub API model object whose bases come from every place the API puts them:
/// `base_model:[RELATION:]ID` tags, `cardData.base_model` (a string or a list) with its
/// `base_model_relation`, and `baseModels`. One relation per model, stated by each source
/// or not.
#[derive(Debug, Clone)]
struct HubModel {
    id: usize,
    case: Case,
    relation: &'static str,
    tags: Vec<(usize, bool)>,
    merge_tag: bool,
    card: Option<(Vec<usize>, bool, bool)>,
    base_models: Option<(Vec<usize>, bool)>,
}

fn hub_models() -> impl Strategy<Value = Vec<HubModel>> {
    let p = || 0..POOL.len();
    let model = (
        case(),
        proptest::sample::select(RELATIONS.to_vec()),
        proptest::collection::vec((p(), any::<bool>()), 0..3),
        proptest::bool::weighted(0.2),
        proptest::option::of((
            proptest::collection::vec(p(), 1..3),
            any::<bool>(),
            any::<bool>(),
        )),
        proptest::option::of((proptest::collection::vec(p(), 0..3), any::<bool>())),
    );
    (
        proptest::sample::subsequence((0..POOL.len()).collect::<Vec<_>>(), 1..=POOL.len())
            .prop_shuffle(),
        proptest::collection::vec(model, POOL.len()),
    )
        .prop_map(|(ids, models)| {
            ids.into_iter()
                .zip(models)
                .map(
                    |(id, (case, relation, tags, merge_tag, card, base_models))| HubModel {
                        id,
                        case,
                        relation,
                        tags,
                        merge_tag,
                        card,
                        base_models,
                    },
                )
                .collect()
        })
}

fn hub_line(m: &HubModel) -> String {
    let mut tags: Vec<String> = m
        .tags
        .iter()
        .map(|&(p, stated)| match stated {
            true => format!("\"base_model:{}:{}\"", m.relation, POOL[p]),
            false => format!("\"base_model:{}\"", POOL[p]),
        })
        .collect();
    if m.merge_tag {
        tags.push("\"merge\"".into());
    }
    let mut parts = vec![
        format!("\"id\": \"{}\"", spell(POOL[m.id], &m.case)),
        format!("\"tags\": [{}]", tags.join(", ")),
    ];
    if let Some((bases, as_list, stated)) = &m.card {
        let quoted: Vec<String> = bases.iter().map(|&p| format!("\"{}\"", POOL[p])).collect();
        let base = if *as_list || quoted.len() > 1 {
            format!("[{}]", quoted.join(", "))
        } else {
            quoted[0].clone()
        };
        let relation = if *stated {
            format!(", \"base_model_relation\": \"{}\"", m.relation)
        } else {
            String::new()
        };
        parts.push(format!(
            "\"cardData\": {{\"base_model\": {base}{relation}}}"
        ));
    }
    if let Some((bases, stated)) = &m.base_models {
        let models: Vec<String> = bases
            .iter()
            .map(|&p| format!("{{\"id\": \"{}\"}}", POOL[p]))
            .collect();
        let relation = if *stated {
            format!("\"relation\": \"{}\", ", m.relation)
        } else {
            String::new()
        };
        parts.push(format!(
            "\"baseModels\": {{{relation}\"models\": [{}]}}",
            models.join(", ")
        ));
    }
    format!("{{{}}}", parts.join(", "))
}

/// The edges (parent, child) -> kind the methodology gives these models: the distinct bases
/// a model names from all sources, itself left out, a base without a namespace only if some
/// line has that id; two or more bases make a merge; one base the relation a source states,
/// else a merge for a model tagged `merge`, else unspecified.
fn hub_edges(models: &[HubModel]) -> BTreeMap<(String, String), String> {
    let lower = |i: usize| POOL[i].to_lowercase();
    let present: BTreeSet<usize> = models.iter().map(|m| m.id).collect();
    let mut edges = BTreeMap::new();
    for m in models {
        let mut named: Vec<(usize, bool)> = m.tags.clone();
        if let Some((bases, _, stated)) = &m.card {
            named.extend(bases.iter().map(|&p| (p, *stated)));
        }
        if let Some((bases, stated)) = &m.base_models {
            named.extend(bases.iter().map(|&p| (p, *stated)));
        }
        let mut parents: BTreeMap<usize, bool> = BTreeMap::new();
        for (p, stated) in named {
            if p == m.id || !(POOL[p].contains('/') || present.contains(&p)) {
                continue;
            }
            *parents.entry(p).or_default() |= stated;
        }
        for (&p, &stated) in &parents {
            let kind = if parents.len() >= 2 {
                "merge"
            } else if stated {
                m.relation
            } else if m.merge_tag {
                "merge"
            } else {
                "unspecified"
            };
            edges.insert((lower(p), lower(m.id)), kind.to_string());
        }
    }
    edges
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Hub API lines give exactly the edges worked out from the objects, with their kinds.
    #[test]
    fn hub_api_bases_from_every_field_give_the_expected_edges(models in hub_models()) {
        let text: String = models.iter().map(|m| hub_line(m) + "\n").collect();
        let (g, report) = build_bytes("models.jsonl", text.as_bytes()).map_err(TestCaseError::fail)?;
        accounted(&report)?;
        prop_assert_eq!(report.inputs[0].rows, models.len() as u64);
        prop_assert_eq!(report.inputs[0].rows_rejected, 0);
        let got: BTreeMap<(String, String), String> = (0..g.model_count() as u32)
            .flat_map(|v| {
                let g = &g;
                g.child_edges(v).map(move |(c, k)| {
                    ((g.name(v).to_lowercase(), g.name(c).to_lowercase()), k.to_string())
                })
            })
            .collect();
        prop_assert_eq!(&got, &hub_edges(&models), "{}", text);
        sound(&g)?;
    }
}
