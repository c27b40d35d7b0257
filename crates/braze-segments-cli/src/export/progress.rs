//! The export's progress on stderr: a bar on a terminal, a plain line every few seconds otherwise.

use std::time::{Duration, Instant};

use braze_segments::BudgetWait;

use crate::term::note;

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

    pub fn update(&mut self, done: u64, listed: u64, started: Instant, waiting: Option<BudgetWait>) {
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
                bar.set_message(waiting.unwrap_or_default());
            }
            None => {
                // A wait is said at once, once; otherwise a line every few seconds.
                let new_wait = waiting.is_some() && waiting != self.last_wait;
                if new_wait || self.last_line.elapsed() >= Duration::from_secs(5) {
                    self.last_line = Instant::now();
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                    match &waiting {
                        Some(wait) => note!("progress: {done} of {listed} listed so far; {wait}"),
                        None => note!("progress: {done} of {listed} listed so far ({rate:.0} segments/s)"),
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
