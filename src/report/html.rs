//! `index.html`: every chart with its one-line description, notes and table, in one page
//! that needs nothing but the files beside it.

use crate::analysis::Table;

use super::Output;

/// Rows shown per table in the page (the CSV has them all).
const MAX_ROWS: usize = 40;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table_html(t: &Table, csv: &str) -> String {
    let mut h = String::from("<div class=\"table\"><table>\n<thead><tr>");
    for c in &t.columns {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in t.rows.iter().take(MAX_ROWS) {
        h.push_str("<tr>");
        for c in row {
            let cls = if matches!(
                c,
                crate::analysis::Cell::Int(_) | crate::analysis::Cell::Float(_)
            ) {
                " class=\"n\""
            } else {
                ""
            };
            h.push_str(&format!("<td{cls}>{}</td>", esc(&c.to_string())));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
    if t.len() > MAX_ROWS {
        h.push_str(&format!(
            "<p class=\"more\">First {MAX_ROWS} of {} rows; all in <a href=\"{csv}\">{csv}</a>.</p>\n",
            t.len()
        ));
    }
    h
}

pub fn index(title: &str, about: &str, outputs: &[Output]) -> String {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{t}</title>\n<style>\n\
body{{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}}\n\
h1{{font-size:1.6em}} h2{{margin-top:2.2em;border-top:1px solid #ddd;padding-top:1em}}\n\
img{{max-width:100%;border:1px solid #eee}} .desc{{font-size:1.05em}} .notes{{color:#555}}\n\
.table{{overflow-x:auto}} table{{border-collapse:collapse;font-size:.85em;margin:.6em 0}}\n\
th,td{{border:1px solid #ddd;padding:.2em .5em}} th{{background:#f4f4f4}} td.n{{text-align:right;font-variant-numeric:tabular-nums}}\n\
.files a{{margin-right:1em}} .more{{color:#666;font-size:.85em}} nav li{{margin:.15em 0}}\n\
</style></head><body>\n<h1>{t}</h1>\n<p>{a}</p>\n<nav><ol>\n",
        t = esc(title),
        a = esc(about)
    );
    for o in outputs {
        h.push_str(&format!(
            "<li><a href=\"#{n}\">{t}</a></li>\n",
            n = esc(&o.name),
            t = esc(&o.title)
        ));
    }
    h.push_str("</ol></nav>\n");
    for o in outputs {
        let csv = format!("{}.csv", o.name);
        h.push_str(&format!(
            "<section id=\"{n}\">\n<h2>{t}</h2>\n<p class=\"desc\">{d}</p>\n<img src=\"{n}.svg\" alt=\"{t}\">\n",
            n = esc(&o.name),
            t = esc(&o.title),
            d = esc(&o.description)
        ));
        if !o.notes.is_empty() {
            h.push_str("<ul class=\"notes\">\n");
            for n in &o.notes {
                h.push_str(&format!("<li>{}</li>\n", esc(n)));
            }
            h.push_str("</ul>\n");
        }
        h.push_str(&format!(
            "<p class=\"files\"><a href=\"{n}.csv\">{n}.csv</a><a href=\"{n}.svg\">{n}.svg</a><a href=\"{n}.png\">{n}.png</a>",
            n = esc(&o.name)
        ));
        for (suffix, _, _) in &o.extra {
            h.push_str(&format!(
                "<a href=\"{n}-{s}.csv\">{n}-{s}.csv</a>",
                n = esc(&o.name),
                s = esc(suffix)
            ));
        }
        h.push_str(&format!(
            "<span class=\"more\">analysis <code>{}</code></span></p>\n",
            esc(o.analysis)
        ));
        h.push_str(&table_html(&o.table, &csv));
        for (suffix, caption, t) in &o.extra {
            h.push_str(&format!("<h3>{}</h3>\n", esc(caption)));
            h.push_str(&table_html(t, &format!("{}-{suffix}.csv", o.name)));
        }
        h.push_str("</section>\n");
    }
    h.push_str("</body></html>\n");
    h
}
