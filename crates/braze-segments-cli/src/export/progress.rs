//! The export's progress on stderr: a bar on a terminal, a plain line every few seconds otherwise.

use std::time::{Duration, Instant};

use braze_segments::BudgetWait;

use crate::term::note;

/// Without a terminal: a plain line at most this often, unless a new wait is to be said.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// `count` a second over `elapsed` (finite at once).
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}

/// Whether a plain line is due: a wait not said yet is said at once, once; otherwise a line
/// every few seconds.
fn line_due(waiting: Option<&str>, last_wait: Option<&str>, since_last_line: Duration) -> bool {
    (waiting.is_some() && waiting != last_wait) || since_last_line >= LINE_EVERY
}

pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last_line: Instant,
    last_wait: Option<String>,
}

impl Progress {
    pub fn new() -> Self {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let style = indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} segments ({per_sec}, ETA {eta}) {msg}",
            )
            .expect("a valid template");
            indicatif::ProgressBar::new(0).with_style(style)
        });
        Self {
            bar,
            last_line: Instant::now(),
            last_wait: None,
        }
    }

    /// `requests`: those started so far (retries within them).
    pub fn update(&mut self, done: u64, listed: u64, requests: u64, started: Instant, waiting: Option<BudgetWait>) {
        let waiting = waiting.map(|w| {
            format!(
                "waiting for Braze's budget until {} ({})",
                w.until.with_timezone(&chrono::Local).format("%H:%M:%S"),
                w.reason
            )
        });
        match &self.bar {
            Some(bar) => {
                bar.set_length(listed.max(done));
                bar.set_position(done);
                bar.set_message(waiting.unwrap_or_else(|| format!("{requests} requests")));
            }
            None => {
                if line_due(waiting.as_deref(), self.last_wait.as_deref(), self.last_line.elapsed()) {
                    self.last_line = Instant::now();
                    let rate = per_second(done, started.elapsed());
                    match &waiting {
                        Some(wait) => note!("progress: {done} of {listed} listed so far, {requests} requests; {wait}"),
                        None => note!(
                            "progress: {done} of {listed} listed so far, {requests} requests ({rate:.0} segments/s)"
                        ),
                    }
                }
                self.last_wait = waiting;
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_wait_is_said_at_once_and_otherwise_a_line_every_five_seconds() {
        let at_once = Duration::ZERO;
        assert!(line_due(Some("until 10:00"), None, at_once));
        assert!(line_due(Some("until 10:01"), Some("until 10:00"), at_once));
        assert!(!line_due(Some("until 10:00"), Some("until 10:00"), at_once));
        assert!(
            !line_due(None, Some("until 10:00"), at_once),
            "the end of a wait is not news"
        );
        assert!(!line_due(None, None, Duration::from_millis(4_999)));
        assert!(line_due(None, None, LINE_EVERY));
        assert!(line_due(Some("until 10:00"), Some("until 10:00"), LINE_EVERY));
    }

    #[test]
    fn the_rate_is_per_second_and_finite_at_once() {
        assert_eq!(per_second(10, Duration::from_secs(4)), 2.5);
        assert_eq!(per_second(30, Duration::from_millis(1_500)), 20.0);
        assert!(per_second(3, Duration::ZERO).is_finite());
    }
}
