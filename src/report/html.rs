//! The report's page: one HTML file with its CSS inline, no scripts, nothing fetched from a
//! network, every link a relative path inside the report's folder. All text from the project
//! (names, notes, tags, comments, paths) goes through [`Esc`].

use super::raster::kind_style;
use super::{Picture, SitePictures, side_index};
use crate::editing::Side;
use crate::editing::review::Progress;
use crate::model::{
    ChangeKind, DatedImage, Decision, Footprint, ImageId, Project, ReviewEvent, ReviewState, Site,
    SiteCounts, Timestamp,
};
use std::fmt::{self, Write as _};
use std::path::Path;

// Writes to a String cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{ let _ = write!($out, $($arg)*); }};
}

/// Text made safe for HTML element content and quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// What the page is made from.
pub struct PageInput<'a> {
    pub project: &'a Project,
    pub project_file: &'a Path,
    /// The pictures of each site, in the project's order of sites.
    pub sites: &'a [SitePictures],
    pub generated: Timestamp,
}

/// The whole page.
pub fn page(input: &PageInput<'_>) -> String {
    let project = input.project;
    let footprints: usize = project.sites.iter().map(|s| s.footprints.len()).sum();
    // About 1.5 kB per footprint.
    let mut out = String::with_capacity(8192 + footprints * 1600);
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"sitediff {}\">\n\
         <title>Review report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        Esc(&project.name)
    );
    header(&mut out, input);
    for (site, pictures) in project.sites.iter().zip(input.sites) {
        site_section(&mut out, site, pictures);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, input: &PageInput<'_>) {
    let project = input.project;
    let progress = Progress::of_project(project);
    w!(
        out,
        "<header>\n<h1>Review report: {}</h1>\n<table class=\"meta\">\n\
         <tr><th>Project file</th><td><code>{}</code></td></tr>\n\
         <tr><th>Generated</th><td>{}</td></tr>\n\
         <tr><th>sitediff</th><td>version {}</td></tr>\n\
         <tr><th>Review</th><td>{} ({}) in {}</td></tr>\n</table>\n",
        Esc(&project.name),
        Esc(&input.project_file.display().to_string()),
        when(input.generated),
        env!("CARGO_PKG_VERSION"),
        progress.text(),
        percent(progress.reviewed, progress.total),
        match project.sites.len() {
            1 => "1 site".to_string(),
            n => format!("{n} sites"),
        }
    );
    if !project.sites.is_empty() {
        out.push_str("<nav><span>Sites:</span>");
        for site in &project.sites {
            w!(
                out,
                " <a href=\"#S{}\">S{} {}</a>",
                site.id.0,
                site.id.0,
                Esc(&site.name)
            );
        }
        out.push_str("</nav>\n");
    }
    out.push_str("</header>\n");
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "nothing to review".into()
    } else {
        format!("{:.1} %", part as f64 * 100.0 / whole as f64)
    }
}

fn site_section(out: &mut String, site: &Site, pictures: &SitePictures) {
    w!(
        out,
        "<section class=\"site\" id=\"S{}\">\n<h2>Site S{}: {}</h2>\n",
        site.id.0,
        site.id.0,
        Esc(&site.name)
    );
    if !site.note.trim().is_empty() {
        w!(out, "<p class=\"text\">{}</p>\n", Esc(&site.note));
    }
    if !pictures.unreadable.is_empty() {
        out.push_str(
            "<div class=\"warning\"><strong>Images that cannot be read</strong> \
             (their pictures are missing below):<ul>\n",
        );
        for (id, message) in &pictures.unreadable {
            w!(out, "<li>{} {}</li>\n", image_name(site, *id), Esc(message));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("<div class=\"summary\">\n");
    summary_table(out, site);
    images_table(out, site);
    out.push_str("</div>\n");
    overview(out, site, pictures);
    w!(out, "<h3>Footprints ({})</h3>\n", site.footprints.len());
    if site.footprints.is_empty() {
        out.push_str("<p class=\"muted\">No footprints in this site.</p>\n");
    }
    for (fp, pair) in site.footprints.iter().zip(&pictures.footprints) {
        footprint_article(out, site, fp, pair);
    }
    out.push_str("</section>\n");
}

/// Footprints per kind and review figures, from [`SiteCounts`] and [`Progress`].
fn summary_table(out: &mut String, site: &Site) {
    let counts = SiteCounts::of(site);
    let progress = Progress::of_site(site);
    out.push_str("<table class=\"figures\">\n<caption>Summary</caption>\n");
    let row = |out: &mut String, label: &str, value: &dyn fmt::Display| {
        w!(
            out,
            "<tr><th>{label}</th><td class=\"n\">{value}</td></tr>\n"
        );
    };
    row(out, "Footprints", &counts.footprints);
    for kind in ChangeKind::ALL {
        w!(
            out,
            "<tr><th class=\"sub\">{}{}</th><td class=\"n\">{}</td></tr>\n",
            swatch(kind),
            kind.label(),
            counts.count(kind)
        );
    }
    w!(
        out,
        "<tr class=\"group\"><th>Review</th><td class=\"n\">{} ({})</td></tr>\n",
        progress.text(),
        percent(progress.reviewed, progress.total)
    );
    for (state, n) in [
        (ReviewState::Accepted, counts.accepted),
        (ReviewState::Rejected, counts.rejected),
        (ReviewState::NeedsChanges, counts.needs_changes),
        (ReviewState::Unreviewed, counts.unreviewed),
        (ReviewState::ChangedSinceReview, counts.changed_since_review),
    ] {
        w!(
            out,
            "<tr><th class=\"sub\">{}</th><td class=\"n\">{n}</td></tr>\n",
            state_badge(state)
        );
    }
    row(out, "Self-reviews", &counts.self_reviewed);
    if counts.reasons.is_empty() {
        row(out, "Rejected or sent back, by reason", &"none");
    } else {
        out.push_str("<tr><th colspan=\"2\">Rejected or sent back, by reason</th></tr>\n");
        for (reason, n) in &counts.reasons {
            w!(
                out,
                "<tr><th class=\"sub\">{}</th><td class=\"n\">{n}</td></tr>\n",
                Esc(reason)
            );
        }
    }
    missed_changes_and_coverage_rows(out, site);
    w!(
        out,
        "<tr class=\"group\"><th>Footprint area</th><td class=\"n\">{:.0} px²</td></tr>\n",
        counts.total_area
    );
    out.push_str("</table>\n");
}

/// Missed-change markers (open of all, then each with its note and how it was settled) and
/// each reviewer's coverage of the site.
fn missed_changes_and_coverage_rows(out: &mut String, site: &Site) {
    let open = site.markers.iter().filter(|m| m.is_open()).count();
    w!(
        out,
        "<tr class=\"group\" id=\"S{}-missed-changes\"><th>Missed changes (open of all)</th>\
         <td class=\"n\">{open} of {}</td></tr>\n",
        site.id.0,
        site.markers.len()
    );
    for m in &site.markers {
        let note = if m.note.is_empty() {
            String::new()
        } else {
            format!(": {}", Esc(&m.note))
        };
        w!(
            out,
            "<tr><th class=\"sub\" id=\"{}\">{}{note} <span class=\"muted\">({} by {})</span></th>\
             <td>{}</td></tr>\n",
            m.id,
            m.id,
            when(m.at),
            Esc(&m.by),
            Esc(&m.state_text())
        );
    }
    if site.coverage.is_empty() {
        w!(
            out,
            "<tr class=\"group\" id=\"S{}-coverage\"><th>Coverage</th><td>nobody has checked \
             this site yet</td></tr>\n",
            site.id.0
        );
    } else {
        w!(
            out,
            "<tr class=\"group\" id=\"S{}-coverage\"><th colspan=\"2\">Coverage (share of the \
             site each reviewer looked at closely)</th></tr>\n",
            site.id.0
        );
        for c in &site.coverage {
            w!(
                out,
                "<tr><th class=\"sub\">{}</th><td class=\"n\">{:.1} %</td></tr>\n",
                Esc(&c.reviewer),
                c.fraction() * 100.0
            );
        }
    }
}

fn images_table(out: &mut String, site: &Site) {
    out.push_str(
        "<table class=\"images\">\n<caption>Images</caption>\n\
         <tr><th>Image</th><th>Date</th><th>File</th><th>Source</th></tr>\n",
    );
    if site.images.is_empty() {
        out.push_str("<tr><td colspan=\"4\" class=\"muted\">No images.</td></tr>\n");
    }
    for img in site.images_by_date() {
        let reference = if site.reference_image == Some(img.id) {
            " <span class=\"muted\">(reference)</span>"
        } else {
            ""
        };
        w!(
            out,
            "<tr><td>{}{reference}</td><td class=\"date\">{}</td><td><code>{}</code></td>\
             <td>{}</td></tr>\n",
            img.id,
            img.date,
            Esc(&img.path),
            Esc(&img.source)
        );
    }
    out.push_str("</table>\n");
}

fn overview(out: &mut String, site: &Site, pictures: &SitePictures) {
    let Some((id, picture)) = &pictures.overview else {
        out.push_str("<p class=\"muted\">No overview: the site has no images.</p>\n");
        return;
    };
    out.push_str("<figure class=\"overview\">\n");
    match picture {
        Picture::Written {
            file,
            width,
            height,
        } => w!(
            out,
            "<img src=\"{}\" width=\"{width}\" height=\"{height}\" alt=\"Overview of site {} \
             with every footprint outlined\">\n",
            Esc(file),
            Esc(&site.name)
        ),
        other => unavailable(out, site, *id, other),
    }
    w!(
        out,
        "<figcaption>Overview: {} with every footprint's outline, labelled with its id where \
         it is large enough and there is room. {}</figcaption>\n</figure>\n",
        image_name(site, *id),
        legend()
    );
}

/// The kinds with their colours and line patterns.
fn legend() -> String {
    let mut s = String::from("<span class=\"legend\">");
    for kind in ChangeKind::ALL {
        let pattern = match kind_style(kind).dash {
            None => "solid",
            Some((on, _)) if on > 5 => "long dashes",
            Some(_) => "short dashes",
        };
        w!(
            s,
            "<span>{}{} ({pattern})</span> ",
            swatch(kind),
            kind.label()
        );
    }
    s.push_str("</span>");
    s
}

fn swatch(kind: ChangeKind) -> String {
    let [r, g, b] = kind_style(kind).rgb;
    format!("<span class=\"swatch\" style=\"background:rgb({r},{g},{b})\"></span>")
}

fn state_badge(state: ReviewState) -> String {
    let class = match state {
        ReviewState::Accepted => "accepted",
        ReviewState::Rejected => "rejected",
        ReviewState::NeedsChanges => "needs-changes",
        ReviewState::Unreviewed => "unreviewed",
        ReviewState::ChangedSinceReview => "changed",
    };
    format!("<span class=\"state {class}\">{}</span>", state.label())
}

/// "I2 2024-04-15 <code>path</code>", or the bare id of an image the site does not have.
fn image_name(site: &Site, id: ImageId) -> String {
    match site.image(id) {
        Some(img) => described(img),
        None => format!("{id} (not in this site)"),
    }
}

fn described(img: &DatedImage) -> String {
    format!("{} {} <code>{}</code>", img.id, img.date, Esc(&img.path))
}

/// In place of a picture: which image and why there is none.
fn unavailable(out: &mut String, site: &Site, id: ImageId, picture: &Picture) {
    match picture {
        Picture::Unreadable(message) => w!(
            out,
            "<div class=\"missing\"><strong>Image cannot be read</strong><br>{}<br>{}</div>\n",
            image_name(site, id),
            Esc(message)
        ),
        Picture::NotShown(message) => w!(
            out,
            "<div class=\"missing\"><strong>No picture</strong><br>{}<br>{}</div>\n",
            image_name(site, id),
            Esc(message)
        ),
        Picture::Written { .. } => {}
    }
}

fn footprint_article(out: &mut String, site: &Site, fp: &Footprint, pictures: &[Picture; 2]) {
    let [r, g, b] = kind_style(fp.kind).rgb;
    let state = fp.review_state();
    w!(
        out,
        "<article class=\"fp\" id=\"S{}-F{}\" style=\"--kind:rgb({r},{g},{b})\">\n\
         <h4>F{} {}{} {}",
        site.id.0,
        fp.id.0,
        fp.id.0,
        swatch(fp.kind),
        fp.kind.label(),
        state_badge(state)
    );
    if fp.is_self_reviewed() {
        out.push_str(" <span class=\"self\">self-review</span>");
    }
    out.push_str("</h4>\n<div class=\"body\">\n<div class=\"pics\">\n");
    for side in [Side::Before, Side::After] {
        let id = match side {
            Side::Before => fp.before,
            Side::After => fp.after,
        };
        out.push_str("<figure class=\"pic\">\n");
        match &pictures[side_index(side)] {
            Picture::Written {
                file,
                width,
                height,
            } => w!(
                out,
                "<div class=\"frame\"><img src=\"{}\" width=\"{width}\" height=\"{height}\" \
                 loading=\"lazy\" alt=\"F{} {}\"></div>\n",
                Esc(file),
                fp.id.0,
                side.label()
            ),
            other => unavailable(out, site, id, other),
        }
        let date = site
            .image(id)
            .map_or_else(|| "?".to_string(), |i| i.date.to_string());
        w!(
            out,
            "<figcaption>{}: {id}, {date}</figcaption>\n</figure>\n",
            capitalised(side.label())
        );
    }
    out.push_str("</div>\n<div class=\"facts\">\n<table>\n");
    let tags = if fp.tags.is_empty() {
        "<span class=\"muted\">none</span>".to_string()
    } else {
        fp.tags
            .iter()
            .map(|t| format!("<span class=\"tag\">{}</span>", Esc(t)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let note = if fp.note.trim().is_empty() {
        "<span class=\"muted\">none</span>".to_string()
    } else {
        format!("<span class=\"text\">{}</span>", Esc(&fp.note))
    };
    let author = if fp.author.is_empty() {
        "<span class=\"muted\">unknown</span>".to_string()
    } else {
        Esc(&fp.author).to_string()
    };
    let shape = if fp.after_outline.is_some() {
        "<tr><th>Shape</th><td>changed: the after picture shows the after-outline</td></tr>\n"
    } else {
        ""
    };
    w!(
        out,
        "<tr><th>Kind</th><td>{}</td></tr>\n<tr><th>Confidence</th><td>{}</td></tr>\n{shape}\
         <tr><th>Author</th><td>{author}</td></tr>\n\
         <tr><th>Created</th><td>{}</td></tr>\n<tr><th>Modified</th><td>{}</td></tr>\n\
         <tr><th>Tags</th><td>{tags}</td></tr>\n<tr><th>Note</th><td>{note}</td></tr>\n\
         <tr><th>Review</th><td>{}{}</td></tr>\n</table>\n",
        fp.kind.label(),
        fp.confidence.label(),
        when(fp.created),
        when(fp.modified),
        state.label(),
        if fp.is_self_reviewed() {
            " (self-review: decided by its own author)"
        } else {
            ""
        }
    );
    thread(out, &fp.reviews);
    out.push_str("</div>\n</div>\n</article>\n");
}

/// "2024-07-15 10:32:00 UTC".
fn when(t: Timestamp) -> String {
    let iso = t.to_string();
    format!("{} UTC", iso.replacen('T', " ", 1).trim_end_matches('Z'))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|first| first.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The review thread, oldest first: who, when, the decision and its reason on one line, the
/// comment below it at full width.
fn thread(out: &mut String, events: &[ReviewEvent]) {
    if events.is_empty() {
        out.push_str("<p class=\"muted\">No review yet.</p>\n");
        return;
    }
    out.push_str("<div class=\"thread\"><strong>Review thread</strong>\n<ol>\n");
    for e in events {
        let decision = match e.decision {
            Some(d) => {
                let state = match d {
                    Decision::Accepted => ReviewState::Accepted,
                    Decision::Rejected => ReviewState::Rejected,
                    Decision::NeedsChanges => ReviewState::NeedsChanges,
                };
                state_badge(state)
            }
            None => "<span class=\"muted\">comment</span>".to_string(),
        };
        let reason = e
            .reason
            .map_or(String::new(), |r| format!("<span>for {}</span>", r.label()));
        w!(
            out,
            "<li><div class=\"event\"><span class=\"by\">{}</span> <span>{}</span> {decision} \
             {reason}</div>",
            Esc(&e.by),
            when(e.at)
        );
        if !e.comment.trim().is_empty() {
            w!(out, "<div class=\"text\">{}</div>", Esc(&e.comment));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol></div>\n");
}

/// The page's style: system fonts only, readable printed too.
const STYLE: &str = r#":root { --fg: #1d232a; --muted: #5b6670; --line: #d3d9df; --bg: #f4f5f7; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 1.7em; margin: 0.2em 0 0.5em; }
h2 { font-size: 1.4em; margin: 1.6em 0 0.5em; padding-top: 0.6em; border-top: 3px solid var(--fg); }
h3 { font-size: 1.15em; margin: 1.4em 0 0.4em; }
h4 { font-size: 1.05em; margin: 0 0 8px; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
table { border-collapse: collapse; background: #fff; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; }
th.sub { font-weight: normal; padding-left: 22px; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.group > * { border-top: 2px solid #9aa5b0; }
.meta th { color: var(--muted); }
nav { margin: 10px 0; }
nav a { margin-right: 12px; }
.muted { color: var(--muted); }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.summary { display: flex; flex-wrap: wrap; gap: 16px 28px; align-items: flex-start; }
.summary table.images { flex: 1 1 420px; }
.swatch { display: inline-block; width: 14px; height: 10px; margin-right: 6px; border: 1px solid #0007; }
.legend span { white-space: nowrap; margin-right: 10px; }
.state { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: 0.85em; font-weight: 600; color: #fff; background: #6b7480; }
.state.accepted { background: #1e7b34; }
.state.rejected { background: #b3261e; }
.state.needs-changes { background: #a55200; }
.state.changed { background: #6a3fb5; }
.self { font-size: 0.85em; font-weight: 600; color: #a55200; border: 1px solid #a55200; border-radius: 9px; padding: 0 8px; }
.tag { display: inline-block; background: #e8ecf0; border-radius: 4px; padding: 0 6px; margin: 1px 0; }
.warning { background: #fff4e5; border: 1px solid #e0a040; border-radius: 4px; padding: 8px 12px; margin: 8px 0; overflow-wrap: anywhere; }
.overview { margin: 16px 0; }
.overview img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: 0.9em; color: var(--muted); margin-top: 4px; }
.fp { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--kind); border-radius: 4px; margin: 12px 0; padding: 10px 12px; break-inside: avoid; }
.fp .body { display: flex; flex-wrap: wrap; gap: 12px 20px; }
.pics { display: flex; gap: 10px; flex-wrap: wrap; }
.pic { margin: 0; width: 256px; }
.pic .frame { width: 256px; height: 256px; background: #20252b; }
.pic .frame img { display: block; width: 100%; height: 100%; object-fit: contain; }
.missing { width: 256px; min-height: 120px; background: #fdecea; border: 1px dashed #b3261e; color: #7a1a14; padding: 8px; font-size: 0.85em; overflow-wrap: anywhere; }
.facts { flex: 1 1 380px; min-width: 0; }
.facts table { width: 100%; }
.facts th { width: 7.5em; color: var(--muted); white-space: nowrap; }
.thread { margin-top: 10px; }
.thread ol { list-style: none; margin: 4px 0 0; padding: 0; border-left: 3px solid var(--line); }
.thread li { padding: 4px 0 6px 10px; }
.thread li + li { border-top: 1px solid #e6eaee; }
.thread .event { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 0.9em; color: var(--muted); }
.thread .by { font-weight: 600; color: var(--fg); }
.thread .text { margin-top: 2px; }
td.date { white-space: nowrap; }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_content_and_attributes() {
        let s = Esc(r#"<b>"Tom" & 'Jerry'</b> ünïcödé 🏗"#).to_string();
        assert_eq!(
            s,
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt; ünïcödé 🏗"
        );
        assert_eq!(Esc("").to_string(), "");
        assert_eq!(Esc("plain").to_string(), "plain");
        assert_eq!(Esc("&&").to_string(), "&amp;&amp;");
    }
}
