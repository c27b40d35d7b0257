//! The live dataset: the segments as they are now (ordered by creation), the ids archived since
//! the start, and the actions tests hang on list pages.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, TimeDelta, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::dataset::{self, Generated, Segment};

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

/// The segments as they are now. A segment is named by its key: its index among the generated
/// segments, or, for the `j`-th segment made at run time, the generated count plus `j`. Keys
/// grow with creation time, so the listed keys, kept sorted, are in `/segments/list`'s order.
pub(crate) struct Live {
    generated: Generated,
    /// Segments made at run time, oldest first (kept when archived: they are few, and their
    /// number is the caller's).
    made: Vec<Segment>,
    made_ids: HashMap<String, usize>,
    /// The keys of the listed segments, oldest first.
    listed: Vec<usize>,
    archived: HashSet<usize>,
    rng: ChaCha8Rng,
}

impl Live {
    /// The key of the segment that has or had this id.
    fn key_of(&self, id: &str) -> Option<usize> {
        self.generated
            .index_of(id)
            .or_else(|| self.made_ids.get(id).map(|j| self.generated.len() + j))
    }

    fn segment(&self, key: usize) -> Segment {
        match key.checked_sub(self.generated.len()) {
            None => self.generated.segment(key),
            Some(j) => self.made[j].clone(),
        }
    }

    fn created_at(&self, key: usize) -> DateTime<Utc> {
        match key.checked_sub(self.generated.len()) {
            None => self.generated.created_at(key),
            Some(j) => self.made[j].created_at,
        }
    }

    /// The listed segment with this id.
    pub(crate) fn get(&self, id: &str) -> Option<Segment> {
        let key = self.key_of(id)?;
        (!self.archived.contains(&key)).then(|| self.segment(key))
    }

    /// Whether the id is of a segment that is or was in the dataset (a bounded set).
    pub(crate) fn is_known(&self, id: &str) -> bool {
        self.key_of(id).is_some()
    }

    /// How many segments are listed.
    pub(crate) fn len(&self) -> usize {
        self.listed.len()
    }

    /// The listed segment at `position`, oldest first (below [`Live::len`]).
    pub(crate) fn at(&self, position: usize) -> Segment {
        self.segment(self.listed[position])
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("segments", &self.read().len())
            .finish_non_exhaustive()
    }
}

impl Dataset {
    /// The dataset [`dataset::generate`] makes from `count` and `seed`.
    pub(crate) fn new(count: usize, seed: u64) -> Dataset {
        let live = Live {
            generated: Generated::new(count, seed),
            made: Vec::new(),
            made_ids: HashMap::new(),
            listed: (0..count).collect(),
            archived: HashSet::new(),
            // Its own stream, so run-time segments never repeat a generated id's draws.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0FC4_EA7E_D001),
        };
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
        let live = self.read();
        (0..live.len()).map(|position| live.at(position)).collect()
    }

    /// How many segments are listed now.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether no segment is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first `n` segments listed now (oldest first), made without the others.
    pub fn first(&self, n: usize) -> Vec<Segment> {
        let live = self.read();
        (0..live.len().min(n)).map(|position| live.at(position)).collect()
    }

    /// Adds a segment named `name`, created now, and returns its new id. It is the newest
    /// segment: if the dataset already holds segments created later than the clock says (a
    /// large generated dataset reaches into the future), it is created one millisecond after
    /// the newest, so it still lists last with `asc` and first with `desc`.
    pub fn create_segment(&self, name: &str) -> String {
        let mut live = self.write();
        let now = Utc::now();
        let newest = live.listed.last().map(|&key| live.created_at(key));
        let created_at = match newest {
            Some(newest) if newest >= now => newest + TimeDelta::milliseconds(1),
            _ => now,
        };
        let mut segment = dataset::made_at_run_time(name, created_at, &mut live.rng);
        while live.is_known(&segment.id) {
            segment = dataset::made_at_run_time(name, created_at, &mut live.rng);
        }
        let id = segment.id.clone();
        let j = live.made.len();
        let key = live.generated.len() + j;
        live.made_ids.insert(id.clone(), j);
        live.made.push(segment);
        live.listed.push(key);
        id
    }

    /// Archives the segment `id`: `/segments/list` leaves it out from now on and
    /// `/segments/details` and `/segments/data_series` answer it as they answer an unknown id
    /// (400). Returns whether a listed segment had that id.
    pub fn archive_segment(&self, id: &str) -> bool {
        let mut live = self.write();
        let Some(key) = live.key_of(id) else {
            return false;
        };
        let Ok(position) = live.listed.binary_search(&key) else {
            return false;
        };
        live.listed.remove(position);
        live.archived.insert(key);
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
