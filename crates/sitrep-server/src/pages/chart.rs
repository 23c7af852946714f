//! Charts drawn by the server as SVG (presentation attributes only: the CSP allows no
//! inline style and no script).

use std::fmt::Write;

use crate::html::esc;
use crate::query::Series;

/// A small SVG bar chart.
pub fn bar_chart(data: &[(String, usize)]) -> String {
    if data.is_empty() {
        return "<p class=\"empty\">No dated mentions.</p>".into();
    }
    let (w, h, pad) = (640.0f64, 170.0f64, 30.0f64);
    let max = data.iter().map(|d| d.1).max().unwrap_or(1).max(1) as f64;
    let bw = ((w - pad) / data.len() as f64).min(48.0);
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Mentions per month\">"
    );
    for (i, (label, n)) in data.iter().enumerate() {
        let bh = (h - 2.0 * pad) * (*n as f64 / max);
        let x = pad + i as f64 * bw;
        let y = h - pad - bh;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {n}</title></rect><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
            x + 2.0,
            y,
            (bw - 4.0).max(1.0),
            bh,
            esc(label),
            x + bw / 2.0,
            y - 3.0
        );
        if data.len() <= 12 || i % data.len().div_ceil(12) == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                h - pad + 14.0,
                esc(label)
            );
        }
    }
    let _ = write!(
        s,
        "<line x1=\"{pad}\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\" stroke=\"#999\"/></svg>",
        y = h - pad
    );
    s
}

/// The colour of an event type in charts and legends (taxonomy order; colour-blind-safe
/// hues first).
pub fn type_colour(kind: &str) -> &'static str {
    const COLOURS: [&str; 13] = [
        "#0072b2", "#e69f00", "#d55e00", "#cc79a7", "#009e73", "#56b4e9", "#f0e442", "#7f3c8d",
        "#11a579", "#3969ac", "#f2b701", "#e73f74", "#8c8c8c",
    ];
    crate::query::all_event_types()
        .iter()
        .position(|t| t.as_str() == kind)
        .map_or("#8c8c8c", |i| COLOURS[i % COLOURS.len()])
}

/// Events per period as stacked bars, one colour per event type, with a legend; each bar
/// links to `link(first day, last day)` of its period.
pub fn series_chart(s: &Series, link: impl Fn(&str, &str) -> String) -> String {
    if s.buckets.is_empty() {
        return "<p class=\"empty\">No event with a full date to chart.</p>".into();
    }
    let (w, h, pad_l, pad_b, pad_t) = (720.0f64, 220.0f64, 34.0f64, 34.0f64, 10.0f64);
    let max = s
        .buckets
        .iter()
        .map(|(_, m)| m.values().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let n = s.buckets.len() as f64;
    let bw = (w - pad_l) / n;
    let plot_h = h - pad_b - pad_t;
    let mut out = format!(
        "<svg class=\"series\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Events per {} by type\">",
        s.group.as_str()
    );
    // axis: the maximum and the baseline
    let _ = write!(
        out,
        "<line x1=\"{pad_l}\" y1=\"{y0}\" x2=\"{w}\" y2=\"{y0}\" stroke=\"#999\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"10\" fill=\"#5b6570\">{}</text><text x=\"{}\" y=\"{y0}\" text-anchor=\"end\" font-size=\"10\" fill=\"#5b6570\">0</text>",
        pad_l - 4.0,
        pad_t + 8.0,
        max as usize,
        pad_l - 4.0,
        y0 = h - pad_b
    );
    let label_every = s.buckets.len().div_ceil(8).max(1);
    let mut types_seen: Vec<String> = Vec::new();
    for (i, (start, counts)) in s.buckets.iter().enumerate() {
        let x = pad_l + i as f64 * bw;
        let mut y = h - pad_b;
        let total: usize = counts.values().sum();
        let end = period_end(start, s.group);
        let href = link(start, &end);
        let _ = write!(out, "<a href=\"{}\"><g>", esc(&href));
        let _ = write!(
            out,
            "<title>{} {}: {total} event{}</title>",
            s.group.as_str(),
            esc(start),
            if total == 1 { "" } else { "s" }
        );
        for (kind, c) in counts {
            if !types_seen.contains(kind) {
                types_seen.push(kind.clone());
            }
            let bh = plot_h * (*c as f64 / max);
            y -= bh;
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" data-type=\"{}\"/>",
                x + bw * 0.1,
                y,
                (bw * 0.8).max(0.5),
                bh,
                type_colour(kind),
                esc(kind)
            );
        }
        out.push_str("</g></a>");
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#5b6570\">{}</text>",
                x,
                h - pad_b + 14.0,
                esc(start)
            );
        }
    }
    out.push_str("</svg>");
    types_seen.sort_by_key(|k| {
        crate::query::all_event_types()
            .iter()
            .position(|t| t.as_str() == k)
    });
    out.push_str("<p class=\"legend\">");
    for k in &types_seen {
        let _ = write!(
            out,
            "<span><svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg> {}</span> ",
            type_colour(k),
            esc(&k.replace('_', " "))
        );
    }
    let _ = write!(
        out,
        "<span class=\"meta\">per {}{}</span></p>",
        s.group.as_str(),
        if s.undrawn > 0 {
            format!(
                "; {} event{} dated only to the month or year (or undated) not drawn",
                s.undrawn,
                if s.undrawn == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    out
}

/// The last day of the period that starts on `start` (YYYY-MM-DD).
fn period_end(start: &str, g: crate::query::Group) -> String {
    use crate::query::Group;
    let Ok(d) = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d") else {
        return start.to_string();
    };
    let end = match g {
        Group::Day => d,
        Group::Week => d + chrono::Duration::days(6),
        Group::Month => d
            .checked_add_months(chrono::Months::new(1))
            .map_or(d, |x| x - chrono::Duration::days(1)),
    };
    end.format("%Y-%m-%d").to_string()
}
