//! Charts drawn on the server as small inline SVG: no script, a few hundred bytes, readable
//! on a slow link and in print. Values are plotted as given; labels are escaped.

use std::fmt::Write as _;

/// Escapes text for SVG/XML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A line chart of `points` (label, value) on a fixed `0..=max` scale, with the first and
/// last labels under the axis and a title for screen readers.
pub fn line_chart(title: &str, points: &[(String, f64)], max: f64) -> String {
    const W: f64 = 600.0;
    const H: f64 = 160.0;
    const PAD: f64 = 24.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    let _ = write!(
        svg,
        r##"<line x1="{PAD}" y1="{b}" x2="{r}" y2="{b}" stroke="#888"/><line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{b}" stroke="#888"/>"##,
        b = H - PAD,
        r = W - PAD
    );
    let _ = write!(
        svg,
        r#"<text x="2" y="{y0}" font-size="10">0</text><text x="2" y="{ym}" font-size="10">{max}</text>"#,
        y0 = H - PAD,
        ym = PAD + 4.0
    );
    if points.is_empty() || max <= 0.0 {
        svg.push_str("</svg>");
        return svg;
    }
    let step = if points.len() > 1 {
        (W - 2.0 * PAD) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |i: usize, v: f64| {
        let x = PAD + step * i as f64;
        let y = (H - PAD) - (v.clamp(0.0, max) / max) * (H - 2.0 * PAD);
        (x, y)
    };
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let (x, y) = xy(i, *v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        svg,
        r##"<polyline fill="none" stroke="#1f5f8b" stroke-width="2" points="{}"/>"##,
        path.join(" ")
    );
    for (i, (label, v)) in points.iter().enumerate() {
        let (x, y) = xy(i, *v);
        let _ = write!(
            svg,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="#1f5f8b"><title>{}: {v:.2}</title></circle>"##,
            escape(label)
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            r#"<text x="{PAD}" y="{y}" font-size="10">{}</text><text x="{r}" y="{y}" font-size="10" text-anchor="end">{}</text>"#,
            escape(&first.0),
            escape(&last.0),
            y = H - 8.0,
            r = W - PAD
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::line_chart;

    #[test]
    fn points_scale_to_the_axis_and_labels_are_escaped() {
        let svg = line_chart(
            "Gini <by month>",
            &[("202501".into(), 0.0), ("202502".into(), 1.0)],
            1.0,
        );
        assert!(
            svg.contains("aria-label=\"Gini &lt;by month&gt;\""),
            "{svg}"
        );
        // 0 sits on the x axis (y = 136), the maximum at the top margin (y = 24).
        assert!(svg.contains("points=\"24.0,136.0 576.0,24.0\""), "{svg}");
        assert!(svg.ends_with("</svg>"));
    }
}
