//! The users command's progress on stderr: a spinner or bar on a terminal (waiting: polls and
//! time waited; downloading: bytes; reading: users written), a plain line otherwise, at once
//! when a phase begins and every few seconds within it.

use std::time::{Duration, Instant};

use braze_segments::DownloadProgress;
use indicatif::{HumanBytes, HumanDuration, ProgressBar, ProgressStyle};

use crate::term::note;

/// How often a plain line is written within a phase.
const LINE_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Starting,
    Waiting,
    Downloading,
    Reading,
}

pub struct Progress {
    bar: Option<ProgressBar>,
    phase: Phase,
    last_line: Instant,
    /// The byte count the last plain download line showed.
    bytes_shown: Option<u64>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl Progress {
    pub fn new() -> Self {
        let bar = std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| {
            let bar = ProgressBar::new_spinner().with_style(style("{spinner} [{elapsed_precise}] {msg}"));
            bar.set_message("starting the export");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            phase: Phase::Starting,
            last_line: Instant::now(),
            bytes_shown: None,
        }
    }

    /// Whether a plain line is due: at once when `phase` begins, then every few seconds.
    fn line_due(&mut self, phase: Phase) -> bool {
        let due = self.phase != phase || self.last_line.elapsed() >= LINE_EVERY;
        self.phase = phase;
        if due {
            self.last_line = Instant::now();
        }
        due
    }

    pub fn download(&mut self, progress: DownloadProgress) {
        match progress {
            DownloadProgress::Waiting { polls, waited, .. } => {
                let waited = HumanDuration(waited);
                let polls = match polls {
                    1 => "1 poll".to_owned(),
                    n => format!("{n} polls"),
                };
                if let Some(bar) = &self.bar {
                    bar.set_message(format!("waiting for Braze to prepare the export: {polls}, {waited}"));
                    self.phase = Phase::Waiting;
                } else if self.line_due(Phase::Waiting) {
                    note!("progress: waiting for Braze to prepare the export ({polls}, {waited})");
                }
            }
            DownloadProgress::Downloading { bytes, total } => {
                if let Some(bar) = &self.bar {
                    if self.phase != Phase::Downloading {
                        self.phase = Phase::Downloading;
                        let template = match total {
                            Some(total) => {
                                bar.set_length(total);
                                "{spinner} [{elapsed_precise}] downloading {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec})"
                            }
                            None => "{spinner} [{elapsed_precise}] downloading: {bytes} ({bytes_per_sec})",
                        };
                        bar.set_style(style(template));
                    }
                    bar.set_position(bytes);
                } else if self.line_due(Phase::Downloading) {
                    self.bytes_shown = Some(bytes);
                    match total {
                        Some(total) => note!("progress: downloaded {} of {}", HumanBytes(bytes), HumanBytes(total)),
                        None => note!("progress: downloaded {}", HumanBytes(bytes)),
                    }
                }
            }
            _ => {}
        }
    }

    /// The download is complete, at `bytes`: the last count is shown, however recently the
    /// one before it was.
    pub fn downloaded(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        } else if self.bytes_shown != Some(bytes) {
            self.line_due(Phase::Downloading);
            note!("progress: downloaded {} (complete)", HumanBytes(bytes));
        }
    }

    /// Says `text` on stderr without garbling the bar.
    pub fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| note!("{text}")),
            None => note!("{text}"),
        }
    }

    /// `users` written so far.
    pub fn reading(&mut self, users: u64) {
        if let Some(bar) = &self.bar {
            if self.phase != Phase::Reading {
                self.phase = Phase::Reading;
                bar.set_style(style(
                    "{spinner} [{elapsed_precise}] {human_pos} users written ({per_sec})",
                ));
                bar.reset_eta();
            }
            bar.set_position(users);
        } else if self.line_due(Phase::Reading) {
            note!("progress: {users} users written");
        }
    }

    /// Clears the bar (the summary follows).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
