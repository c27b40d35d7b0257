//! `details`, `list` and `data-series`: one segment, every segment, a segment's size over time.
//! Server text in the readable outputs goes through [`shown`]; JSON outputs are exact, but for
//! a terminal, where what a terminal would act on is escaped in JSON's notation ([`json_text`]).

use braze_segments::{Client, DataPoint, SegmentDetails, SegmentSummary, SortDirection, Timestamp};
use futures::StreamExt as _;

use crate::args::{DetailsFormat, ListFormat, SeriesFormat};
use crate::term::{emit, json_text, note, shown, write_failure, Notation};
use crate::Failure;

pub async fn details(client: &Client, segment_id: &str, output: DetailsFormat) -> Result<(), Failure> {
    let response = client.segment_details_with_meta(segment_id).await?;
    match output {
        DetailsFormat::Json => emit(&format!("{}\n", json_text(&response.value, stdout_is_terminal()))),
        DetailsFormat::Text => emit(&details_text(segment_id, &response.value, &response.rate_limit)),
    }
}

/// Whether the data goes to a terminal, which gets escapes (a file or a pipe gets it exact).
fn stdout_is_terminal() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stdout())
}

/// A timestamp for people: RFC 3339 when it could be read, Braze's text otherwise.
pub fn time_text(t: Option<&Timestamp>) -> String {
    match t {
        Some(t) => t.at().map_or_else(|| shown(t.raw()).into_owned(), |at| at.to_rfc3339()),
        None => "—".to_owned(),
    }
}

fn details_text(segment_id: &str, d: &SegmentDetails, rate_limit: &braze_segments::RateLimit) -> String {
    let or_dash = |v: Option<&str>| shown(v.filter(|s| !s.is_empty()).unwrap_or("—")).into_owned();
    let list = |v: &[String]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            shown(&v.join(", ")).into_owned()
        }
    };
    let mut out = String::new();
    out.push_str(&format!("{}\n", or_dash(d.name.as_deref())));
    out.push_str(&format!("  id:               {}\n", shown(segment_id)));
    out.push_str(&format!("  description:      {}\n", or_dash(d.description.as_deref())));
    out.push_str(&format!(
        "  text description: {}\n",
        or_dash(d.text_description.as_deref())
    ));
    out.push_str(&format!("  tags:             {}\n", list(&d.tags)));
    out.push_str(&format!("  teams:            {}\n", list(&d.teams)));
    out.push_str(&format!("  created:          {}\n", time_text(d.created_at.as_ref())));
    out.push_str(&format!("  updated:          {}\n", time_text(d.updated_at.as_ref())));
    for (key, value) in &d.extra {
        // A JSON value, as JSON escapes what a terminal acts on; the key is shown like any text.
        let value = crate::term::escape::escaped(&value.to_string(), Notation::Json).into_owned();
        out.push_str(&format!("  {}: {value}\n", shown(key)));
    }
    let remaining = match (rate_limit.remaining, rate_limit.limit) {
        (Some(r), Some(l)) => format!("{r} of {l} remaining"),
        (Some(r), None) => format!("{r} remaining"),
        _ => "unknown".to_owned(),
    };
    let reset = rate_limit
        .reset_at
        .map(|t| format!(" (resets {})", t.to_rfc3339()))
        .unwrap_or_default();
    out.push_str(&format!("  rate limit:       {remaining}{reset}\n"));
    out
}

pub async fn list(client: &Client, sort: SortDirection, output: ListFormat) -> Result<(), Failure> {
    use std::io::Write as _;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let terminal = stdout_is_terminal();
    let mut segments = std::pin::pin!(client.segments_sorted(sort));
    let mut count = 0u64;
    if output == ListFormat::Json {
        out.write_all(b"[").map_err(write_failure)?;
    }
    if output == ListFormat::Table {
        writeln!(out, "{:<36}  {:<8}  {:<40}  TAGS", "ID", "TRACKING", "NAME").map_err(write_failure)?;
    }
    while let Some(segment) = segments.next().await {
        let segment = segment?;
        match output {
            ListFormat::Table => writeln!(out, "{}", list_row(&segment)),
            ListFormat::Jsonl => writeln!(out, "{}", json_text(&segment, terminal)),
            ListFormat::Json => {
                let sep = if count == 0 { "" } else { "," };
                write!(out, "{sep}{}", json_text(&segment, terminal))
            }
        }
        .map_err(write_failure)?;
        count += 1;
    }
    if output == ListFormat::Json {
        out.write_all(b"]\n").map_err(write_failure)?;
    }
    out.flush().map_err(write_failure)?;
    note!("{count} segment(s)");
    let without_id = segments.without_id();
    if !without_id.is_empty() {
        note!(
            "warning: {} more listed segment(s) have no usable id (missing or blank) and cannot be fetched:",
            without_id.len()
        );
        for s in without_id {
            note!(
                "  without id: {} (id \"{}\")",
                shown(s.name.as_deref().unwrap_or("—")),
                shown(&s.id)
            );
        }
    }
    Ok(())
}

fn list_row(s: &SegmentSummary) -> String {
    let name = shown(s.name.as_deref().unwrap_or("—"));
    let tracking = s
        .analytics_tracking_enabled
        .map_or("—", |b| if b { "yes" } else { "no" });
    format!(
        "{:<36}  {:<8}  {:<40}  {}",
        shown(&s.id),
        tracking,
        name,
        shown(&s.tags.join(", "))
    )
}

pub async fn data_series(
    client: &Client,
    segment_id: &str,
    days: u32,
    ending_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    output: SeriesFormat,
) -> Result<(), Failure> {
    let range = braze_segments::SeriesRange::last_days(days);
    let range = match ending_at {
        Some(at) => range.ending_at(at),
        None => range,
    };
    let points = client.segment_data_series(segment_id, range).await?;
    match output {
        SeriesFormat::Json => emit(&format!("{}\n", json_text(&points, stdout_is_terminal()))),
        SeriesFormat::Text => emit(&series_text(&points)),
    }
}

/// A table of the points, then a chart of size over time drawn in the terminal.
fn series_text(points: &[DataPoint]) -> String {
    use textplots::{Chart, LabelBuilder, LabelFormat, Plot, Shape};
    let mut out = String::new();
    out.push_str(&format!("{:<12}  {:>12}\n", "DAY", "SIZE"));
    let days: Vec<String> = points.iter().map(|p| shown(p.time.raw()).into_owned()).collect();
    for (day, p) in days.iter().zip(points) {
        out.push_str(&format!("{day:<12}  {:>12}\n", p.size));
    }
    if points.is_empty() {
        out.push_str("(no data)\n");
        return out;
    }
    let xy: Vec<(f32, f32)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f32, p.size as f32))
        .collect();
    let (lo, hi) = xy
        .iter()
        .fold((f32::MAX, f32::MIN), |(lo, hi), &(_, y)| (lo.min(y), hi.max(y)));
    // A flat series still gets a visible range; one point still gets an x range.
    let (lo, hi) = if hi - lo < 1.0 { (lo - 1.0, hi + 1.0) } else { (lo, hi) };
    let x_max = (xy.len().max(2) - 1) as f32;
    let shape = Shape::Lines(&xy);
    let day_label = move |x: f32| days.get(x.round().max(0.0) as usize).cloned().unwrap_or_default();
    let mut chart = Chart::new_with_y_range(120, 40, 0.0, x_max, lo, hi);
    let chart = chart
        .lineplot(&shape)
        .x_label_format(LabelFormat::Custom(Box::new(day_label)))
        .y_label_format(LabelFormat::Custom(Box::new(|y| format!("{y:.0}"))));
    chart.axis();
    chart.figures();
    out.push_str(&format!("\nsegment size per day\n{chart}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_survives_any_series_a_server_can_send() {
        let series: Vec<Vec<DataPoint>> = vec![
            vec![],
            vec![DataPoint::new("2024-07-25", 5)],
            vec![DataPoint::new("a", 7), DataPoint::new("b", 7), DataPoint::new("c", 7)],
            vec![DataPoint::new("a", i64::MIN), DataPoint::new("b", i64::MAX)],
            vec![
                DataPoint::new("a", -3),
                DataPoint::new("b", 0),
                DataPoint::new("c\u{1b}[2J", 3),
            ],
            (0..100).map(|i| DataPoint::new(format!("d{i}"), i * i)).collect(),
        ];
        for points in series {
            let text = series_text(&points);
            assert!(text.starts_with("DAY"), "{text}");
            assert_eq!(text.contains("(no data)"), points.is_empty());
            assert!(!text.contains('\u{1b}'), "{text}");
        }
    }
}
