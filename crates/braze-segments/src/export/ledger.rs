//! The ids an export has listed, pass by pass, and when its listing is known to be complete.
//!
//! Braze pages `/segments/list` by offset, so a segment created or archived while the pages are
//! read shifts the later ones: a segment can be listed twice, or missed. The export lists the
//! whole list more than once, and this ledger decides when to stop:
//!
//! **Pass `p` is complete** — it listed every segment that existed from its first page to its
//! last — when it listed no id twice and the next pass listed every id it listed.
//!
//! Why: say segment `S` existed throughout pass `p` and was not listed. Let `r_k` be the
//! number of segments ahead of `S` (in the list's order, which is fixed: the creation time)
//! when page `k` was served. `S` is not on page `k`, so `r_k` is outside `100k..100k+100`;
//! and after the last (short) page, everything listed is ahead of the page's end, so some
//! page `k` has `r_k >= 100(k+1)` and `r_{k+1} < 100(k+1)` (take the first such `k`). Then
//! every segment served on pages `0..=k` was ahead of `S`, and with no id listed twice they
//! are `100(k+1)` different segments; at page `k+1` fewer than `100(k+1)` segments are ahead
//! of `S`. A segment ahead of `S` stays ahead of it, so one of those served segments was
//! archived before page `k+1`, and the next pass cannot list it. So if the next pass lists
//! every id of pass `p`, no such `S` exists. The argument assumes what Braze documents or
//! implies: a fixed order, ids never reused, archived segments left out (and not restored
//! during the run).
//!
//! Memory: one entry per distinct id (the id and a pass number).

use std::collections::HashMap;

/// How a listed id stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listed {
    /// Listed for the first time in this run: fetch it.
    New,
    /// Listed for the first time in this run, but given as already exported: leave it out.
    Skipped,
    /// Listed before in this run.
    Known,
}

/// The bookkeeping of one export's listing passes.
#[derive(Debug)]
pub(crate) struct Ledger {
    /// Each id, with the last pass that listed it (0: given as already exported, not listed yet).
    last_pass: HashMap<String, u32>,
    /// The pass being listed (from 1).
    pass: u32,
    /// Distinct ids listed in this pass, and in the previous one.
    distinct: u64,
    previous_distinct: u64,
    /// Ids of the previous pass listed again in this one.
    carried: u64,
    /// Whether this pass, and the previous one, listed an id twice.
    repeated: bool,
    previous_repeated: bool,
}

impl Ledger {
    /// A ledger at the start of pass 1, knowing `skip` as already exported.
    pub(crate) fn new(skip: impl IntoIterator<Item = String>) -> Self {
        Self {
            last_pass: skip.into_iter().map(|id| (id, 0)).collect(),
            pass: 1,
            distinct: 0,
            previous_distinct: 0,
            carried: 0,
            repeated: false,
            previous_repeated: false,
        }
    }

    /// Whether some pass of this run listed `id` (one only given as already exported, not).
    pub(crate) fn has_listed(&self, id: &str) -> bool {
        self.last_pass.get(id).is_some_and(|pass| *pass > 0)
    }

    /// The pass being listed, or the last one listed (from 1).
    pub(crate) fn pass(&self) -> u32 {
        self.pass
    }

    /// Records `id` as listed in the current pass.
    pub(crate) fn list(&mut self, id: &str) -> Listed {
        let Some(last) = self.last_pass.get_mut(id) else {
            self.last_pass.insert(id.to_owned(), self.pass);
            self.distinct += 1;
            return Listed::New;
        };
        if *last == self.pass {
            self.repeated = true;
            return Listed::Known;
        }
        let before = std::mem::replace(last, self.pass);
        self.distinct += 1;
        if self.pass > 1 && before == self.pass - 1 {
            self.carried += 1;
        }
        if before == 0 { Listed::Skipped } else { Listed::Known }
    }

    /// Whether the current (or last) pass listed `id`.
    pub(crate) fn in_pass(&self, id: &str) -> bool {
        self.last_pass.get(id) == Some(&self.pass)
    }

    /// Ends the current pass: true when it proves the previous pass complete (see the module's
    /// doc). The pass stays current (for [`in_pass`](Self::in_pass)) until
    /// [`next_pass`](Self::next_pass).
    pub(crate) fn end_pass(&self) -> bool {
        self.pass >= 2 && !self.previous_repeated && self.carried == self.previous_distinct
    }

    /// Starts the next pass.
    pub(crate) fn next_pass(&mut self) {
        self.previous_distinct = std::mem::take(&mut self.distinct);
        self.previous_repeated = std::mem::take(&mut self.repeated);
        self.carried = 0;
        self.pass += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists each pass's ids and returns the verdict after each pass from the second.
    fn run(skip: &[&str], passes: &[&[&str]]) -> (Ledger, Vec<bool>) {
        let mut ledger = Ledger::new(skip.iter().map(|s| s.to_string()));
        let mut verdicts = Vec::new();
        for (i, ids) in passes.iter().enumerate() {
            if i > 0 {
                ledger.next_pass();
            }
            for id in *ids {
                ledger.list(id);
            }
            if i > 0 {
                verdicts.push(ledger.end_pass());
            }
        }
        (ledger, verdicts)
    }

    #[test]
    fn first_listings_are_new_or_skipped_and_later_ones_known() {
        let mut ledger = Ledger::new(["done".to_owned()]);
        assert_eq!(ledger.list("a"), Listed::New);
        assert_eq!(ledger.list("done"), Listed::Skipped);
        assert_eq!(ledger.list("a"), Listed::Known);
        assert_eq!(ledger.list("done"), Listed::Known);
        ledger.next_pass();
        assert_eq!(ledger.list("a"), Listed::Known);
        assert_eq!(ledger.list("done"), Listed::Known);
        assert_eq!(ledger.list("b"), Listed::New);
        assert!(ledger.in_pass("b") && ledger.in_pass("a") && !ledger.in_pass("never"));
    }

    #[test]
    fn a_pass_is_complete_when_the_next_lists_all_of_it_and_it_repeated_nothing() {
        // Nothing changed.
        assert_eq!(run(&[], &[&["a", "b"], &["a", "b"]]).1, [true]);
        // Created during the run: new ids in the next pass do not matter.
        assert_eq!(run(&[], &[&["a", "b"], &["a", "b", "c"]]).1, [true]);
        // Resumed: skipped ids count as listed.
        assert_eq!(run(&["a"], &[&["a", "b"], &["b", "a"]]).1, [true]);
        assert_eq!(run(&[], &[&[], &[]]).1, [true]);
    }

    #[test]
    fn an_id_gone_from_the_next_pass_or_an_id_listed_twice_asks_for_another_pass() {
        // "b" was archived during or after pass 1: pass 1 may have missed a segment behind it.
        assert_eq!(run(&[], &[&["a", "b", "c"], &["a", "c"], &["a", "c"]]).1, [false, true]);
        // A creation shifted "b" onto the next page of pass 1.
        assert_eq!(
            run(&[], &[&["n", "a", "b", "b"], &["n", "a", "b"], &["n", "a", "b"]]).1,
            [false, true]
        );
        // A repeat in pass 2 keeps pass 2 unproved even when pass 1 is carried over.
        assert_eq!(run(&[], &[&["a"], &["a", "a"], &["a"]]).1, [true, false]);
        // One id of pass 1 missing, another new: counts alone must not cancel out.
        assert_eq!(run(&[], &[&["a", "b"], &["a", "c"]]).1, [false]);
    }

    #[test]
    fn a_skipped_id_listed_only_in_a_later_pass_is_still_skipped() {
        let mut ledger = Ledger::new(["done".to_owned()]);
        ledger.list("a");
        ledger.next_pass();
        assert_eq!(ledger.list("done"), Listed::Skipped);
        assert_eq!(ledger.list("a"), Listed::Known);
        assert!(
            ledger.end_pass(),
            "pass 1 (\"a\") is carried over; \"done\" is new in pass 2"
        );
    }
}
