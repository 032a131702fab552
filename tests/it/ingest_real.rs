//! Each reader on the real files in `../shared/data` (and on the hand-written Hub API
//! fixture). Every number pinned here was worked out independently of `lineage`, with
//! python3's `csv` and `ast` modules over the same files; the comment beside each assertion
//! says how. `D` below stands for `../shared/data/`, `rows(f)` for
//! `list(csv.DictReader(open(D+f, encoding='utf-8')))` (with `delimiter=';'` for the v1
//! leaderboard) and `alias` for the table in `graphs/aliases.csv`, lower-cased keys.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::*;
use lineage::graph::LineageGraph;
use lineage::ingest::reason;
use lineage::model::{Board, EdgeKind, Flags, ModelType};

fn kinds(g: &LineageGraph) -> BTreeMap<&'static str, usize> {
    EdgeKind::ALL
        .iter()
        .zip(g.edges_by_kind())
        .map(|(k, c)| (k.as_str(), c))
        .collect()
}

fn count_flag(g: &LineageGraph, bit: u16) -> usize {
    g.models.iter().filter(|m| m.flags.has(bit)).count()
}

/// Every edge as (parent, child) lower-cased names, with its kind.
fn edge_set(g: &LineageGraph) -> BTreeSet<(String, String, &'static str)> {
    (0..g.model_count() as u32)
        .flat_map(|v| {
            g.child_edges(v).map(move |(c, k)| {
                (
                    g.name(v).to_lowercase(),
                    g.name(c).to_lowercase(),
                    k.as_str(),
                )
            })
        })
        .collect()
}

fn score(g: &LineageGraph, id: &str, bench: &str) -> f32 {
    let v = node(g, id);
    g.scores_of(v)
        .into_iter()
        .find(|(b, _)| *b == bench)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("{id} has no {bench} score"))
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-3
}

#[test]
#[should_panic(expected = "real data file missing: openllm-2024/absent.csv")]
fn a_missing_data_file_fails_loudly() {
    shared_data("openllm-2024/absent.csv");
}

// ---------------------------------------------------------------- leaderboard v1

#[test]
fn leaderboard_v1_folds_duplicate_rows_and_inverts_flags() {
    let (g, r) = build_files(&[shared_data("openllm-2024/leaderboard.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("leaderboard-v1"));
    // len(rows('openllm-2024/leaderboard.csv')) == 6611 (the README says 6,610; wc -l says 6612 lines)
    assert_eq!(input.rows, 6611);
    // len({r['model_name_for_query'].strip().lower() for r in rows}) == 6269
    assert_eq!(input.records, 6269);
    // 6611 - 6269 == 342 rows folded into another row of the same repo
    assert_eq!(input.duplicates_merged, 342);
    assert_eq!(r.duplicates_merged, 342);
    // the same ids mapped through alias first: 6268 (`gpt2` and `openai-community/gpt2` are one repo)
    assert_eq!(g.model_count(), 6268);
    assert_eq!(r.stubs, 0);
    assert_eq!(g.edge_count(), 0, "the v1 export carries no lineage");
    // every row is one evaluation of some node
    let evaluations: u64 = g.models.iter().map(|m| u64::from(m.evaluations)).sum();
    assert_eq!(evaluations, 6611);
    // Inverted Flagged: best row per repo (first row of the max average; the export is sorted
    // by average so it is always the first), then sum(b['Flagged'] == 'False') == 98
    assert_eq!(r.flagged, 98);
    assert_eq!(count_flag(&g, Flags::FLAGGED), 98);
    // sum(b['MoE'] == 'False' for best rows) == 483
    assert_eq!(count_flag(&g, Flags::MOE), 483);
    // sum(b['Merged'] == 'False' or b['TypeString'].startswith('🤝') for best rows) == 1419
    assert_eq!(count_flag(&g, Flags::MERGED), 1419);
    // sum(b['Available on the hub'] == 'False' for best rows) == 1825
    assert_eq!(count_flag(&g, Flags::UNAVAILABLE), 1825);
}

#[test]
fn leaderboard_v1_examples_read_as_python_reads_them() {
    let (g, _) = build_files(&[shared_data("openllm-2024/leaderboard.csv")]);
    // Flagged == 'False' on its only row: flagged after inverting
    let flagged = node(&g, "udkai/Garrulus");
    assert!(g.models[flagged as usize].is_flagged());
    // Flagged == 'True', Merged == 'True', MoE == 'True': none of the three after inverting
    let rhea = node(&g, "davidkim205/Rhea-72b-v0.5");
    let m = &g.models[rhea as usize];
    assert!(!m.is_flagged() && !m.flags.has(Flags::MERGED) && !m.flags.has(Flags::MOE));
    // its row: Average 81.22, ARC 79.78, GSM8K 76.12, #Params 72.0, apache-2.0, float16, 101 likes
    assert!(close(m.average(Board::V1).unwrap(), 81.22));
    assert!(close(score(&g, "davidkim205/Rhea-72b-v0.5", "ARC"), 79.78));
    assert!(close(
        score(&g, "davidkim205/Rhea-72b-v0.5", "GSM8K"),
        76.12
    ));
    assert_eq!(m.params_b, Some(72.0));
    assert_eq!(g.symbol(m.license), Some("apache-2.0"));
    assert_eq!(g.symbol(m.precision), Some("float16"));
    assert_eq!(g.symbol(m.architecture), Some("LlamaForCausalLM"));
    assert_eq!(m.likes, Some(101));
    assert_eq!(m.model_type, ModelType::FineTuned);
    // Merged == 'False' on a fine-tuned row: merged after inverting
    let merged = node(&g, "freewheelin/free-evo-qwen72b-v0.8-re");
    assert!(g.models[merged as usize].flags.has(Flags::MERGED));
    // 'Facebook/OPT-125M' (29.17) and 'facebook/opt-125m' (29.15): one node, two evaluations,
    // the best average, the spelling of the first row
    let opt = node(&g, "FACEBOOK/opt-125M");
    assert_eq!(g.models[opt as usize].evaluations, 2);
    assert!(close(
        g.models[opt as usize].average(Board::V1).unwrap(),
        29.17
    ));
    assert_eq!(g.name(opt), "Facebook/OPT-125M");
}

#[test]
fn leaderboard_v1_keeps_the_best_row_whatever_the_order() {
    // The real export is sorted by average, so the best row is always first there; this
    // file puts it last.
    let header = "Type;ModelHub;Average ⬆️;ARC;HellaSwag;MMLU;TruthfulQA;Winogrande;GSM8K;TypeString;Architecture;Weight type;Precision;Merged;Hub License;#Params (B);Hub ❤️;Available on the hub;Model sha;Flagged;MoE;model_name_for_query";
    let row = |avg: &str, prec: &str, flagged: &str| {
        format!("🔶;https://huggingface.co/org/m;{avg};50;50;50;50;50;50;🔶 fine-tuned on domain-specific datasets;MistralForCausalLM;Original;{prec};True;apache-2.0;7.24;3.0;True;abc;{flagged};True;org/m")
    };
    let text = format!(
        "{header}\n{}\n{}\n{}\n",
        row("60.5", "float16", "True"),
        row("61.0", "8bit", "True"),
        row("62.25", "bfloat16", "True")
    );
    let (g, r) = build_bytes("lb.csv", text.as_bytes()).unwrap();
    let m = &g.models[node(&g, "org/m") as usize];
    assert!(close(m.average(Board::V1).unwrap(), 62.25));
    assert_eq!(g.symbol(m.precision), Some("bfloat16"));
    assert_eq!(m.evaluations, 3);
    assert_eq!(r.duplicates_merged, 2);
    assert_eq!(r.inputs[0].records, 1);
}

// ---------------------------------------------------------------- leaderboard v2

#[test]
fn leaderboard_v2_base_model_categories_match_its_readme() {
    let (g, r) = build_files(&[shared_data("openllm-v2-2025/contents.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("leaderboard-v2"));
    // len(rows('openllm-v2-2025/contents.csv')) == 3827
    assert_eq!(input.rows, 3827);
    // len({r['fullname'].lower()}) == 3752 (the README's 3,753 is case-sensitive)
    assert_eq!(input.records, 3752);
    assert_eq!(input.duplicates_merged, 75);
    // README categories, checked: Base Model == fullname and Generation == '0': 1146 rows;
    // endswith(' (Merge)'): 1665; == 'Removed': 404; anything else: 612.
    // 'Removed' rows after folding duplicates (one reference per model): 396
    assert_eq!(r.placeholder_references.get("Removed"), Some(&396));
    // of the 612, one names itself up to case (Daemontatox/PathFinderAi3.0 -> ...AI3.0, Generation 1)
    assert_eq!(r.self_references.count, 1);
    assert_eq!(
        r.self_references.references[0].child,
        "Daemontatox/PathFinderAi3.0"
    );
    // distinct (child, base) among the other 611 rows: 596; plus 28 distinct children of the
    // 29 rows 'X (Merge)' where X is another model (X is then the base, itself a merge): 624
    assert_eq!(g.edge_count(), 624);
    // the bases not described by any row: 35 from the 611 + 13 from the 29 = 48 stubs;
    // len(ids) mapped through alias: 3751 described
    assert_eq!(r.stubs, 48);
    assert_eq!(g.model_count(), 3751 + 48);
    // edges whose child is a merge (Merged == 'True', a 🤝 type, or '<itself> (Merge)'): 4;
    // no child has two bases
    let k = kinds(&g);
    assert_eq!(k["merge"], 4);
    assert_eq!(k["unspecified"], 620);
    assert_eq!(r.unresolved.count, 0);
    // min/max of 'Upload To Hub Date' over non-empty cells (373 rows have none)
    let dates: Vec<_> = g.models.iter().filter_map(|m| m.created).collect();
    assert_eq!(dates.iter().min().unwrap().to_string(), "2022-03-02");
    assert_eq!(dates.iter().max().unwrap().to_string(), "2025-02-07");
    // sum(r['Flagged'] == 'True') == 1 (not inverted in this export)
    assert_eq!(r.flagged, 1);
    assert!(g.models[node(&g, "newsbang/Homer-v0.5-Qwen2.5-7B") as usize].is_flagged());
}

#[test]
fn leaderboard_v2_merge_suffix_marks_the_named_model_not_the_row() {
    let (g, _) = build_files(&[shared_data("openllm-v2-2025/contents.csv")]);
    // 'bfuzzy1/acheron-d (Merge)' on acheron-d itself (Generation 1): a merge, no base listed
    let d = node(&g, "bfuzzy1/acheron-d");
    assert!(g.models[d as usize].flags.has(Flags::MERGED));
    assert!(g.parents_of(d).is_empty());
    // ... and on acheron-m (Generation 2, type fine-tuned, Merged False): its base is
    // acheron-d; acheron-m is not a merge
    let m = node(&g, "bfuzzy1/acheron-m");
    assert_eq!(
        parent_names(&g, "bfuzzy1/acheron-m"),
        vec!["bfuzzy1/acheron-d"]
    );
    assert!(!g.models[m as usize].flags.has(Flags::MERGED));
    assert_eq!(
        g.parent_edges_of(m).map(|(_, k)| k).collect::<Vec<_>>(),
        vec![EdgeKind::Unspecified]
    );
    // an ordinary base: '01-ai/Yi-Coder-9B-Chat' -> '01-ai/Yi-Coder-9B'
    assert_eq!(
        parent_names(&g, "01-ai/Yi-Coder-9B-Chat"),
        vec!["01-ai/yi-coder-9b"]
    );
    // Counter(r['Base Model'] for r in rows if r['Base Model'] != r['fullname'])
    // .most_common(1) == [('Qwen/Qwen2.5-0.5B', 92)]; over all rows naming it,
    // len({r['fullname'].lower()}) == 91, one of them Qwen/Qwen2.5-0.5B itself: 90 children
    let qwen = node(&g, "Qwen/Qwen2.5-0.5B");
    assert_eq!(g.children_of(qwen).len(), 90);
}

#[test]
fn leaderboard_v2_duplicates_keep_the_best_average() {
    let (g, _) = build_files(&[shared_data("openllm-v2-2025/contents.csv")]);
    // two rows: float16 3.6238..., then bfloat16 3.8849...; 33 of the 75 duplicated repos
    // list a worse evaluation first
    let v = node(&g, "DavieLion/Llama-3.2-1B-SPIN-iter0");
    let m = &g.models[v as usize];
    assert!(close(m.average(Board::V2).unwrap(), 3.884_983_4));
    assert_eq!(g.symbol(m.precision), Some("bfloat16"));
    assert_eq!(m.evaluations, 2);
}

// ---------------------------------------------------------------- Hub metadata

#[test]
fn details_lineage_counts() {
    let (g, r) = build_files(&[shared_data("openllm-2024/details.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("details"));
    // len(rows('openllm-2024/details.csv')) == 5907; 308 of them repeat a name an earlier
    // row gave (case-insensitively): sum(c - 1 for c in Counter(n.lower() for n in names)
    // .values()) == 308, so 5599 records
    assert_eq!(input.rows, 5907);
    assert_eq!(input.records, 5599);
    assert_eq!(input.duplicates_merged, 308);
    assert_eq!(r.duplicates_merged, 308);
    // len({alias.get(n.lower(), n).lower() for n in names}) == 5598
    assert_eq!(r.described, 5598);
    // The python reference builder (/the methodology's rules: base_model cell parsed with
    // ast.literal_eval, tags 'base_model:[RELATION:]ID', ids classified by one '/', aliases,
    // edges de-duplicated per (child, parent), two parents or a merge/mergekit tag => merge)
    // gives 300 stubs, 2265 edges: 1685 merge, 580 unspecified.
    assert_eq!(r.stubs, 300);
    assert_eq!(g.edge_count(), 2265);
    let k = kinds(&g);
    assert_eq!(k["merge"], 1685);
    assert_eq!(k["unspecified"], 580);
    assert_eq!(k["finetune"] + k["adapter"] + k["quantized"], 0);
    // base_model alone names a repo id (one '/', no space; lists via ast.literal_eval) for
    // 1246 distinct models and 970 distinct ids; with the tags and aliases, edges reach
    // 1259 children from 972 parents: len({c for c, p in edges}), len({p for c, p in edges})
    let n = g.model_count() as u32;
    assert_eq!(
        (0..n).filter(|&v| !g.parents_of(v).is_empty()).count(),
        1259
    );
    assert_eq!(
        (0..n).filter(|&v| !g.children_of(v).is_empty()).count(),
        972
    );
    // Counter of base_model forms over the first row of each name (lower-cased): empty
    // 4012, 'unknown' 285, '[]' 41 (a repeated row's placeholders are its model's, counted
    // once)
    assert_eq!(r.placeholder_references.get("empty"), Some(&4012));
    assert_eq!(r.placeholder_references.get("unknown"), Some(&285));
    assert_eq!(r.placeholder_references.get("[]"), Some(&41));
    // free-text names: mistral-7b x6, gpt2 x4, gpt2-large, distilgpt2 (all in the alias table) = 12
    assert_eq!(r.aliased.count, 12);
    // 'PhigRange-2.7B-slerp' (a tag of johnsnowlabs/PhigRange-DPO, line 5646): no such id
    assert_eq!(r.unresolved.count, 1);
    let u = &r.unresolved.references[0];
    assert_eq!(
        (u.value.as_str(), u.line, u.child.as_str()),
        ("PhigRange-2.7B-slerp", 5646, "johnsnowlabs/PhigRange-DPO")
    );
    // tags naming the model itself: nisten/shqiponja-15b-v1, uproai/RosMistral-2x7B,
    // LeroyDyer/Mixtral_AI_CyberBrain_3_0
    assert_eq!(r.self_references.count, 3);
    // Owner differs from namespace (case-insensitive), per distinct model: 188
    assert_eq!(r.moved, 188);
    // the repaired file holds no copies of the previous row
    assert_eq!(issue_count(&r.suspicious, reason::COPIED), 0);
    // 62 rows share their metadata with an earlier row under another name: renamed or moved
    // repos (e.g. ehartford/dolphin-2.2.1-mistral-7b and cognitivecomputations/...); kept
    assert_eq!(issue_count(&r.suspicious, reason::SAME_METADATA), 62);
    assert_eq!(count_flag(&g, Flags::SUSPICIOUS), 0);
}

#[test]
fn details_reads_lists_free_text_and_empty_lookups() {
    let (g, _) = build_files(&[shared_data("openllm-2024/details.csv")]);
    // line 69: base_model "['MTSAIR/multi_verse_model', 'rwitz/experiment26-truthy-iter-0',
    // 'MaziyarPanahi/Calme-7B-Instruct-v0.2']": three merge edges
    let child = "louisbrulenaudet/Maxine-7B-0401-stock";
    assert_eq!(
        parent_names(&g, child),
        vec![
            "maziyarpanahi/calme-7b-instruct-v0.2",
            "mtsair/multi_verse_model",
            "rwitz/experiment26-truthy-iter-0"
        ]
    );
    let v = node(&g, child);
    assert!(g.parent_edges_of(v).all(|(_, k)| k == EdgeKind::Merge));
    // line 1230: base_model 'mistral-7b' resolved through the alias table
    assert_eq!(
        parent_names(&g, "gmonsoon/OpenMia-Indo-Mistral-7b-v3"),
        vec!["mistralai/mistral-7b-v0.1"]
    );
    // first row: 2024-03-22 14:08:40+00:00, 2986 downloads, transformers, license:apache-2.0
    let rhea = &g.models[node(&g, "davidkim205/Rhea-72b-v0.5") as usize];
    assert_eq!(rhea.created.unwrap().to_string(), "2024-03-22");
    assert_eq!(rhea.downloads, Some(2986));
    assert_eq!(g.symbol(rhea.library), Some("transformers"));
    assert_eq!(g.symbol(rhea.license), Some("apache-2.0"));
    // sum(not r['author'].strip()) == 669 rows are failed lookups (every field after the name
    // empty); 617 distinct models have no row with a created_at
    let undated = g
        .models
        .iter()
        .filter(|m| !m.is_stub() && m.created.is_none())
        .count();
    assert_eq!(undated, 617);
    // legacy ids are the repos the alias table names: the described `distilgpt2` row and the
    // reference that names it meet in one node
    let distil = node(&g, "distilbert/distilgpt2");
    assert!(!g.models[distil as usize].is_stub());
    assert_eq!(g.children_of(distil).len(), 1);
}

#[test]
fn details_unrepaired_copies_are_found() {
    let unrepaired = shared_data("openllm-2024/details-unrepaired.csv");
    let repaired = shared_data("openllm-2024/details.csv");
    let (g, r) = build_files(std::slice::from_ref(&unrepaired));
    // The repaired file differs from the unrepaired one on exactly 669 rows (same names, same
    // order; python: sum(x[1:] != y[1:] for x, y in zip(rep, unr)) == 669), each identical to
    // the row before it. Following each run of identical rows back to its first row (the
    // model the metadata belongs to): 648 copies carry another model's metadata; the other 21
    // carry their own model's (e.g. 'eric111/CatunaMayo' after 'Eric111/CatunaMayo').
    let copied = &r.suspicious[reason::COPIED];
    assert_eq!(copied.count, 648);
    // The same facts read here with the csv crate: every row flagged is one that the
    // repair changed, and every changed row not flagged repeats its own model's metadata.
    let rows = |p: &std::path::Path| -> Vec<csv::StringRecord> {
        csv::Reader::from_path(p)
            .unwrap()
            .records()
            .map(|r| r.unwrap())
            .collect()
    };
    let (unr, rep) = (rows(&unrepaired), rows(&repaired));
    let changed: BTreeSet<u64> = unr
        .iter()
        .zip(&rep)
        .enumerate()
        .filter(|(_, (u, r))| u.iter().skip(1).ne(r.iter().skip(1)))
        .map(|(i, _)| i as u64 + 2)
        .collect();
    assert_eq!(changed.len(), 669);
    for row in &copied.rows {
        assert!(
            changed.contains(&row.line),
            "line {} was not a copy",
            row.line
        );
        assert!(row.message.contains(&format!("line {}", row.line - 1)));
    }
    let flagged: BTreeSet<u64> = copied.rows.iter().map(|r| r.line).collect();
    let at = |line: u64| &unr[line as usize - 2];
    for &line in changed.difference(&flagged) {
        let mut first = line;
        while first > 2 && at(first - 1).iter().skip(2).eq(at(line).iter().skip(2)) {
            first -= 1;
        }
        assert!(
            at(first)[1].eq_ignore_ascii_case(&at(line)[1]),
            "line {line} copies {} and was missed",
            &at(first)[1]
        );
    }
    // Copied metadata is not used: the unrepaired file yields the repaired file's graph.
    let (clean, clean_report) = build_files(&[repaired]);
    assert_eq!(edge_set(&g), edge_set(&clean));
    assert_eq!(g.model_count(), clean.model_count());
    assert_eq!(r.moved, clean_report.moved);
    assert_eq!(
        issue_count(&r.suspicious, reason::SAME_METADATA),
        issue_count(&clean_report.suspicious, reason::SAME_METADATA)
    );
    // the 648 copied rows name len({n.lower()}) == 622 distinct models, 5 of which have a
    // row of their own elsewhere in the file (their metadata is used): 617 are described
    // by copies only (a replay of the copy rule with the csv module)
    assert_eq!(count_flag(&g, Flags::SUSPICIOUS), 617);
}

// ---------------------------------------------------------------- Hub listing

#[test]
fn listing_lineage_from_relation_tags() {
    let (g, r) = build_files(&[shared_data("hub-listing-2024/models.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("listing"));
    // len(rows('hub-listing-2024/models.csv')) == 9715, all ids distinct even lower-cased
    assert_eq!(input.rows, 9715);
    assert_eq!(r.described, 9715);
    // 822 distinct parents named by tags, 298 of them not in the listing
    assert_eq!(r.stubs, 298);
    // README: 1,658 models carry a base_model:RELATION:ID tag (checked: 1658, and every model
    // with a plain base_model:ID tag has a RELATION one too); 5 of them name only themselves
    // (e.g. vikp/surya_det3), so 1653 models have a parent
    assert_eq!(r.self_references.count, 5);
    let with_parent = (0..g.model_count() as u32)
        .filter(|&v| !g.parents_of(v).is_empty())
        .count();
    assert_eq!(with_parent, 1653);
    // distinct (child, parent) pairs: 1799. Relation tags: quantized 671, finetune 652,
    // merge 248, adapter 233; per edge: 2+ parents => merge, else the stated relation, else
    // merge when tagged merge/mergekit (python3: csv + ast over the tags column):
    let k = kinds(&g);
    assert_eq!(g.edge_count(), 1799);
    assert_eq!(k["adapter"], 233);
    assert_eq!(k["finetune"], 648);
    assert_eq!(k["quantized"], 670);
    assert_eq!(k["merge"], 248);
    assert_eq!(k["unspecified"], 0);
    // No creation dates in a listing: the one dated model is Meta-Llama-3-8B, which the
    // shipped date corrections date (grep: it is in the listing once). lastModified kept.
    let dated: Vec<(&str, String, bool)> = (0..g.model_count() as u32)
        .filter_map(|v| {
            let m = &g.models[v as usize];
            m.created
                .map(|d| (g.name(v), d.to_string(), m.flags.has(Flags::DATE_CORRECTED)))
        })
        .collect();
    assert_eq!(
        dated,
        [("meta-llama/Meta-Llama-3-8B", "2024-04-17".to_string(), true)]
    );
    assert_eq!(count_flag(&g, Flags::DATE_CORRECTED), 1);
    let bert = &g.models[node(&g, "google-bert/bert-base-uncased") as usize];
    assert_eq!(g.symbol(bert.pipeline), Some("fill-mask"));
    assert_eq!(bert.downloads, Some(61903514));
    assert_eq!(bert.last_modified.unwrap().to_string(), "2024-02-19");
    assert_eq!(g.symbol(bert.license), Some("apache-2.0"));
}

/// The listing's numbers above against tests/listing_facts.py, run now: the script reads
/// the listing with python3's csv and ast modules and applies the methodology's rules.
#[test]
fn listing_lineage_agrees_with_listing_facts_py() {
    let facts = python_facts("listing_facts.py", &[]);
    let (g, r) = build_files(&[shared_data("hub-listing-2024/models.csv")]);
    let n = |k: &str| {
        facts[k]
            .as_u64()
            .unwrap_or_else(|| panic!("no {k} in the script's facts")) as usize
    };
    assert_eq!(r.inputs[0].rows as usize, n("rows"));
    assert_eq!(r.described as usize, n("described"));
    assert_eq!(r.stubs as usize, n("stubs"));
    assert_eq!(r.self_references.count as usize, n("self_references"));
    let with_parent = (0..g.model_count() as u32)
        .filter(|&v| !g.parents_of(v).is_empty())
        .count();
    assert_eq!(with_parent, n("with_parent"));
    assert_eq!(g.edge_count(), n("edges"));
    let k = kinds(&g);
    for (kind, count) in facts["edges_by_kind"].as_object().expect("edges by kind") {
        assert_eq!(
            Some(k[kind.as_str()] as u64),
            count.as_u64(),
            "{kind} edges"
        );
    }
    let dated: Vec<serde_json::Value> = (0..g.model_count() as u32)
        .filter_map(|v| {
            g.models[v as usize]
                .created
                .map(|d| serde_json::json!([g.name(v), d.to_string()]))
        })
        .collect();
    assert_eq!(serde_json::Value::from(dated), facts["dated"]);
    // And the script agrees with the figures pinned above.
    assert_eq!(
        (n("rows"), n("stubs"), n("edges"), n("with_parent")),
        (9715, 298, 1799, 1653)
    );
}

// ---------------------------------------------------------------- commits

#[test]
fn commits_give_contributors() {
    let (g, r) = build_files(&[shared_data("openllm-2024/commits.csv")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("commits"));
    // 5635 rows, 5624 distinct lower-cased names, 5623 once `gpt2` is `openai-community/gpt2`
    assert_eq!(input.rows, 5635);
    assert_eq!(g.model_count(), 5623);
    // authors: lower-cased committers (1711) together with namespaces = 2046
    assert_eq!(r.authors, 2046);
    // sum over repos (mapped through alias, lower) of len({a.lower() for a in authors}) == 7897
    assert_eq!(g.contributors.len(), 7897);
    // bigscience/bloom: 23 committers, bigscience-bot among them (bots stay in the data)
    let bloom = node(&g, "bigscience/bloom");
    let names: BTreeSet<String> = g
        .contributors
        .row(bloom)
        .iter()
        .map(|&a| g.author_name(a).unwrap().to_lowercase())
        .collect();
    assert_eq!(names.len(), 23);
    assert!(names.contains("bigscience-bot") && names.contains("younesbelkada"));
    // 'SFconvertbot' committed to 244 repos
    let bot = (0..g.authors.len() as u32)
        .find(|&a| g.author_name(a) == Some("SFconvertbot"))
        .expect("SFconvertbot is an author");
    assert_eq!(
        g.contributors
            .targets()
            .iter()
            .filter(|&&a| a == bot)
            .count(),
        244
    );
    assert_eq!(r.rejected_total(), 0);
}

// ---------------------------------------------------------------- Hub API JSON Lines

#[test]
fn hub_api_fixture() {
    let (g, r) = build_files(&[fixture("hub_api.jsonl")]);
    let input = &r.inputs[0];
    assert_eq!(input.format.map(|f| f.as_str()), Some("hub-api"));
    // 16 lines: 13 model objects, a malformed line, a JSON array, an object without an id
    assert_eq!(input.rows, 16);
    assert_eq!(input.records, 13);
    assert_eq!(input.rows_rejected, 3);
    // meta-llama/Llama-2-7b-hf is named by an adapter tag only
    assert_eq!(r.stubs, 1);
    assert_eq!(g.model_count(), 14);
    // by hand: finetune = zephyr, alpaca (via alias), sloppy, renamed, ring/beta;
    // quantized = GGUF; adapter = lora, llama-2-ko; merge = slerp x2; unspecified = ring/alpha
    let k = kinds(&g);
    assert_eq!(
        (
            k["finetune"],
            k["quantized"],
            k["adapter"],
            k["merge"],
            k["unspecified"]
        ),
        (5, 1, 2, 2, 1)
    );
    assert_eq!(
        parent_names(&g, "HuggingFaceH4/zephyr-7b-beta"),
        vec!["mistralai/mistral-7b-v0.1"]
    );
    // cardData.base_model 'huggingfaceh4/ZEPHYR-7B-BETA' and baseModels name the same parent
    assert_eq!(
        parent_names(&g, "lora-lab/zephyr-7b-sql-lora"),
        vec!["huggingfaceh4/zephyr-7b-beta"]
    );
    assert_eq!(
        parent_names(&g, "slerp-works/Zephyral-7B-slerp"),
        vec!["huggingfaceh4/zephyr-7b-beta", "mistralai/mistral-7b-v0.1"]
    );
    assert_eq!(
        parent_names(&g, "tinkerer/mistral-7b-alpaca"),
        vec!["mistralai/mistral-7b-v0.1"]
    );
    assert_eq!(r.aliased.count, 1);
    assert_eq!(r.self_references.count, 1);
    assert_eq!(r.self_references.references[0].child, "loopy/self-base-7b");
    assert_eq!(r.placeholder_references.get("unknown"), Some(&1));
    assert_eq!(r.cycles.len(), 1);
    assert_eq!(r.cycles[0].members, vec!["ring/alpha-7b", "ring/beta-7b"]);
    assert_eq!(g.cycle_edges(), 1);
    // rejected by reason, with line and field
    let at = |reason: &str| -> Vec<(u64, String)> {
        r.rejected[reason]
            .rows
            .iter()
            .map(|i| (i.line, i.field.clone()))
            .collect()
    };
    assert_eq!(
        at(reason::BAD_JSON),
        vec![(10, String::new()), (11, String::new())]
    );
    assert_eq!(at(reason::MISSING_ID), vec![(16, "id".to_string())]);
    assert_eq!(at(reason::BAD_DATE), vec![(12, "createdAt".to_string())]);
    assert_eq!(
        at(reason::BAD_NUMBER),
        vec![(12, "downloads".to_string()), (12, "likes".to_string())]
    );
    assert_eq!(
        at(reason::BAD_LIST),
        vec![(12, "cardData.base_model".to_string())]
    );
    // the rest of line 12 is kept: its date of last change and its finetune edge
    let sloppy = node(&g, "sloppy/dates-and-counts");
    assert_eq!(
        g.models[sloppy as usize].last_modified.unwrap().to_string(),
        "2024-05-02"
    );
    assert_eq!(g.parents_of(sloppy).len(), 1);
    // attributes
    let mistral = &g.models[node(&g, "mistralai/Mistral-7B-v0.1") as usize];
    assert_eq!(mistral.created.unwrap().to_string(), "2023-09-20");
    assert!(close(mistral.params_b.unwrap(), 7.241_732));
    assert_eq!(
        (mistral.downloads, mistral.likes),
        (Some(352417), Some(3412))
    );
    let zephyr = node(&g, "huggingfaceh4/zephyr-7B-BETA");
    assert_eq!(g.name(zephyr), "HuggingFaceH4/zephyr-7b-beta");
    assert_eq!(g.datasets.row(zephyr).len(), 2);
    assert_eq!(g.symbol(g.models[zephyr as usize].license), Some("mit"));
    let moved = &g.models[node(&g, "old-namespace/renamed-model-7b") as usize];
    assert!(moved.flags.has(Flags::MOVED));
    assert_eq!(g.author_name(moved.owner), Some("new-owner"));
    assert_eq!(r.moved, 1);
}

// ---------------------------------------------------------------- all together

#[test]
fn every_real_file_together_merges_records_of_one_model() {
    let files = [
        "openllm-2024/leaderboard.csv",
        "openllm-2024/details.csv",
        "openllm-2024/commits.csv",
    ]
    .map(shared_data);
    let (g, r) = build_files(&files);
    // distinct ids after aliases: leaderboard 6268, details 5598, commits 5623;
    // len(lb | det | com) == 6384 (116 details ids are not on the leaderboard; every commits
    // id is)
    assert_eq!(r.described, 6384);
    // a node has its leaderboard score, its Hub date and its committers
    let v = node(&g, "davidkim205/Rhea-72b-v0.5");
    let m = &g.models[v as usize];
    assert!(m.average(Board::V1).is_some() && m.created.is_some());
    assert!(!g.contributors.row(v).is_empty());
    assert_eq!(r.inputs.len(), 3);
}
