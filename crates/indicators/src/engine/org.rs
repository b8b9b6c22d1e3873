//! The org-unit tree (country > region > district > facility), held as parent arrays.

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{Error, Result};

/// Index of an org unit in its [`OrgTree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct OrgIdx(pub u32);

/// Dense index of a facility (an org unit at the last level), 0..facility_count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FacilityIdx(pub u32);

const NONE: u32 = u32::MAX;

/// An org-unit tree with a fixed number of named levels; facilities are the units at the last
/// level. Units are added parent first, so the tree can have no cycle and every unit's
/// ancestors are known when it is added.
#[derive(Clone, Debug)]
pub struct OrgTree {
    level_names: Vec<String>,
    codes: Vec<String>,
    parent: Vec<u32>,
    level: Vec<u8>,
    by_code: HashMap<String, u32>,
    /// Org index of each facility.
    facilities: Vec<u32>,
    /// Facility index of each org unit, or NONE.
    facility_of: Vec<u32>,
    /// `ancestors[l][f]`: org index of facility `f`'s ancestor at level `l` (the facility
    /// itself at the last level), so a roll-up to any level is one array lookup per facility.
    ancestors: Vec<Vec<u32>>,
}

impl OrgTree {
    /// An empty tree with these level names, top first (e.g. country, region, district,
    /// facility). At least one level.
    pub fn new<S: Into<String>>(levels: impl IntoIterator<Item = S>) -> Result<Self> {
        let level_names: Vec<String> = levels.into_iter().map(Into::into).collect();
        if level_names.is_empty() || level_names.len() > 16 {
            return Err(Error::InvalidTree("a tree needs 1..=16 levels".to_owned()));
        }
        let n = level_names.len();
        Ok(Self {
            level_names,
            codes: Vec::new(),
            parent: Vec::new(),
            level: Vec::new(),
            by_code: HashMap::new(),
            facilities: Vec::new(),
            facility_of: Vec::new(),
            ancestors: vec![Vec::new(); n],
        })
    }

    /// Adds a unit. The root (level 0) has no parent; any other unit's parent must already be
    /// in the tree, one level up.
    pub fn add(&mut self, code: &str, parent: Option<&str>) -> Result<OrgIdx> {
        if code.is_empty() {
            return Err(Error::InvalidTree("empty org unit code".to_owned()));
        }
        if self.by_code.contains_key(code) {
            return Err(Error::InvalidTree(format!(
                "duplicate org unit code {code:?}"
            )));
        }
        let (parent_idx, level) = match parent {
            None => (NONE, 0u8),
            Some(p) => {
                let pi = *self.by_code.get(p).ok_or_else(|| {
                    Error::InvalidTree(format!("parent {p:?} of {code:?} is not in the tree"))
                })?;
                let l = self.level[pi as usize] + 1;
                if usize::from(l) >= self.level_names.len() {
                    return Err(Error::InvalidTree(format!(
                        "{code:?} would sit below the last level ({}) under {p:?}",
                        self.level_names[self.level_names.len() - 1]
                    )));
                }
                (pi, l)
            }
        };
        let idx = u32::try_from(self.codes.len())
            .map_err(|_| Error::InvalidTree("too many org units".to_owned()))?;
        self.codes.push(code.to_owned());
        self.parent.push(parent_idx);
        self.level.push(level);
        self.by_code.insert(code.to_owned(), idx);
        if usize::from(level) == self.level_names.len() - 1 {
            self.facility_of.push(self.facilities.len() as u32);
            self.facilities.push(idx);
            let mut a = idx;
            for l in (0..self.level_names.len()).rev() {
                self.ancestors[l].push(a);
                a = if a == NONE {
                    NONE
                } else {
                    self.parent[a as usize]
                };
            }
        } else {
            self.facility_of.push(NONE);
        }
        Ok(OrgIdx(idx))
    }

    /// Number of org units.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Number of levels.
    pub fn levels(&self) -> usize {
        self.level_names.len()
    }

    /// Name of level `l`.
    pub fn level_name(&self, l: usize) -> &str {
        self.level_names.get(l).map_or("?", String::as_str)
    }

    /// Number of facilities.
    pub fn facility_count(&self) -> usize {
        self.facilities.len()
    }

    /// The unit with this code.
    pub fn find(&self, code: &str) -> Result<OrgIdx> {
        self.by_code
            .get(code)
            .map(|&i| OrgIdx(i))
            .ok_or_else(|| Error::UnknownOrgUnit(code.to_owned()))
    }

    /// The facility with this code; an error naming the level if the unit is not a facility.
    pub fn facility(&self, code: &str) -> Result<FacilityIdx> {
        let o = self.find(code)?;
        self.facility_of_org(o)
    }

    /// The facility index of org unit `o`, or an error if `o` is not a facility.
    pub fn facility_of_org(&self, o: OrgIdx) -> Result<FacilityIdx> {
        match self.facility_of.get(o.0 as usize) {
            Some(&f) if f != NONE => Ok(FacilityIdx(f)),
            Some(_) => Err(Error::NotAFacility {
                code: self.code(o).to_owned(),
                level: self.level_name(self.level_of(o)).to_owned(),
            }),
            None => Err(Error::UnknownOrgUnit(format!("#{}", o.0))),
        }
    }

    /// Org unit of facility `f`.
    pub fn org_of_facility(&self, f: FacilityIdx) -> OrgIdx {
        OrgIdx(self.facilities.get(f.0 as usize).copied().unwrap_or(NONE))
    }

    /// Code of `o`.
    pub fn code(&self, o: OrgIdx) -> &str {
        self.codes.get(o.0 as usize).map_or("?", String::as_str)
    }

    /// Parent of `o` (None for a root).
    pub fn parent(&self, o: OrgIdx) -> Option<OrgIdx> {
        self.parent
            .get(o.0 as usize)
            .filter(|&&p| p != NONE)
            .map(|&p| OrgIdx(p))
    }

    /// Level of `o` (0 = top).
    pub fn level_of(&self, o: OrgIdx) -> usize {
        self.level.get(o.0 as usize).map_or(0, |&l| usize::from(l))
    }

    /// Ancestor of facility `f` at level `l` (the facility itself at the last level).
    pub fn ancestor(&self, f: FacilityIdx, l: usize) -> Option<OrgIdx> {
        self.ancestors
            .get(l)?
            .get(f.0 as usize)
            .filter(|&&a| a != NONE)
            .map(|&a| OrgIdx(a))
    }

    /// Ancestors at level `l` for every facility, indexed by facility (NONE = u32::MAX where a
    /// facility has none).
    pub(crate) fn ancestors_at(&self, l: usize) -> &[u32] {
        self.ancestors.get(l).map_or(&[], Vec::as_slice)
    }

    /// Whether `o` is `root` or below it.
    pub fn is_within(&self, o: OrgIdx, root: OrgIdx) -> bool {
        let mut cur = o.0;
        while cur != NONE {
            if cur == root.0 {
                return true;
            }
            cur = self.parent[cur as usize];
        }
        false
    }

    /// Heap bytes held (approximate: vector capacities plus code strings).
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self.codes.iter().map(|c| c.capacity() * 2 + 24).sum();
        strings
            + self.parent.capacity() * 4
            + self.level.capacity()
            + self.facilities.capacity() * 4
            + self.facility_of.capacity() * 4
            + self
                .ancestors
                .iter()
                .map(|a| a.capacity() * 4)
                .sum::<usize>()
            + self.by_code.capacity() * 8
    }
}
