//! The live dataset: the segments as they are now (ordered by creation), the ids archived since
//! the start, and the actions tests hang on list pages.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{TimeDelta, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::dataset::{self, Segment};

/// An action run when a list page is first served (see [`Dataset::before_list_page`]).
type PageAction = Box<dyn FnOnce(&Dataset) + Send>;

/// A handle on the stand-in's segments that can change them while it serves. Cheap to clone;
/// every clone sees and changes the same segments. [`crate::MockBraze`] hands one out with
/// [`crate::MockBraze::dataset`] and passes one to each list-page action.
///
/// Changes follow Braze's rules for `/segments/list`: segments are listed by creation time, 100
/// a page, archived ones left out. So archiving a segment of an earlier page moves the first
/// segment of every later page one page back, and a new segment, created now, is the newest:
/// last with `sort_direction=asc`, first with `desc` (where it pushes every other segment one
/// place down).
#[derive(Clone)]
pub struct Dataset {
    inner: Arc<Inner>,
}

struct Inner {
    live: RwLock<Live>,
    actions: Mutex<Vec<(u64, PageAction)>>,
}

pub(crate) struct Live {
    /// Ordered by `created_at`, oldest first.
    pub(crate) segments: Vec<Segment>,
    by_id: HashMap<String, usize>,
    archived: HashSet<String>,
    rng: ChaCha8Rng,
}

impl Live {
    /// The live segment with this id.
    pub(crate) fn get(&self, id: &str) -> Option<&Segment> {
        self.by_id.get(id).map(|&i| &self.segments[i])
    }

    /// Whether the id is of a segment that is or was in the dataset (a bounded set).
    pub(crate) fn is_known(&self, id: &str) -> bool {
        self.by_id.contains_key(id) || self.archived.contains(id)
    }

    fn reindex(&mut self) {
        self.by_id = self
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("segments", &self.read().segments.len())
            .finish_non_exhaustive()
    }
}

impl Dataset {
    /// The dataset [`dataset::generate`] makes from `count` and `seed`.
    pub(crate) fn new(count: usize, seed: u64) -> Dataset {
        let mut live = Live {
            segments: dataset::generate(count, seed),
            by_id: HashMap::new(),
            archived: HashSet::new(),
            // Its own stream, so run-time segments never repeat a generated id's draws.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0FC4_EA7E_D001),
        };
        live.reindex();
        Dataset {
            inner: Arc::new(Inner {
                live: RwLock::new(live),
                actions: Mutex::new(Vec::new()),
            }),
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Live> {
        self.inner.live.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Live> {
        self.inner.live.write().unwrap_or_else(|e| e.into_inner())
    }

    fn actions(&self) -> MutexGuard<'_, Vec<(u64, PageAction)>> {
        self.inner.actions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A snapshot of the segments now listed (not archived), oldest first: the order of
    /// `/segments/list` by default.
    pub fn segments(&self) -> Vec<Segment> {
        self.read().segments.clone()
    }

    /// Adds a segment named `name`, created now, and returns its new id. It is the newest
    /// segment: if the dataset already holds segments created later than the clock says (a
    /// large generated dataset reaches into the future), it is created one millisecond after
    /// the newest, so it still lists last with `asc` and first with `desc`.
    pub fn create_segment(&self, name: &str) -> String {
        let mut live = self.write();
        let now = Utc::now();
        let created_at = match live.segments.last() {
            Some(newest) if newest.created_at >= now => newest.created_at + TimeDelta::milliseconds(1),
            _ => now,
        };
        let mut segment = dataset::made_at_run_time(name, created_at, &mut live.rng);
        while live.is_known(&segment.id) {
            segment = dataset::made_at_run_time(name, created_at, &mut live.rng);
        }
        let id = segment.id.clone();
        let index = live.segments.len();
        live.by_id.insert(id.clone(), index);
        live.segments.push(segment);
        id
    }

    /// Archives the segment `id`: `/segments/list` leaves it out from now on and
    /// `/segments/details` and `/segments/data_series` answer it as they answer an unknown id
    /// (400). Returns whether a listed segment had that id.
    pub fn archive_segment(&self, id: &str) -> bool {
        let mut live = self.write();
        let Some(&index) = live.by_id.get(id) else {
            return false;
        };
        live.segments.remove(index);
        live.archived.insert(id.to_owned());
        live.reindex();
        true
    }

    /// Runs `action` once, on the first request for list page `page` (Braze's page number,
    /// from 0; either sort direction) that the stand-in answers with a page: after the key is
    /// checked, any fault injected and the budget spent, just before the page is read. So
    /// `before_list_page(1, |d| { d.archive_segment(&id); })` makes page 1 the first page
    /// served without that segment. Actions on the same page run in the order they were added.
    pub fn before_list_page(&self, page: u32, action: impl FnOnce(&Dataset) + Send + 'static) {
        self.actions().push((u64::from(page), Box::new(action)));
    }

    /// Takes and runs the actions waiting for `page`.
    pub(crate) fn run_page_actions(&self, page: u64) {
        let due: Vec<PageAction> = {
            let mut actions = self.actions();
            if actions.is_empty() {
                return;
            }
            let (due, rest) = std::mem::take(&mut *actions).into_iter().partition(|(p, _)| *p == page);
            *actions = rest;
            due.into_iter().map(|(_, action)| action).collect()
        };
        for action in due {
            action(self);
        }
    }
}
