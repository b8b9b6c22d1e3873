//! Aggregate data element values per facility and period (data entry, API, CSV import).

use std::collections::HashMap;

use serde::Serialize;

use super::org::FacilityIdx;
use crate::definitions::DataElementIdx;
use crate::periods::Period;

/// One data element value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DataValue {
    /// Data element.
    pub element: DataElementIdx,
    /// Category option combo index within the element.
    pub coc: u16,
    /// Facility.
    pub facility: FacilityIdx,
    /// Period it was reported for (any period type).
    pub period: Period,
    /// The value.
    pub value: f64,
}

type Key = (DataElementIdx, u16, FacilityIdx, Period);

/// Values with one per (element, combo, facility, period); setting again replaces.
#[derive(Clone, Debug, Default)]
pub(crate) struct DataValues {
    entries: Vec<DataValue>,
    index: HashMap<Key, usize>,
}

impl DataValues {
    pub fn set(&mut self, v: DataValue) {
        let key = (v.element, v.coc, v.facility, v.period);
        match self.index.get(&key) {
            Some(&i) => self.entries[i] = v,
            None => {
                self.index.insert(key, self.entries.len());
                self.entries.push(v);
            }
        }
    }

    pub fn remove(
        &mut self,
        element: DataElementIdx,
        coc: u16,
        f: FacilityIdx,
        period: Period,
    ) -> bool {
        let Some(i) = self.index.remove(&(element, coc, f, period)) else {
            return false;
        };
        self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.index
                .insert((moved.element, moved.coc, moved.facility, moved.period), i);
        }
        true
    }

    pub fn iter(&self) -> impl Iterator<Item = &DataValue> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<DataValue>()
            + self.index.capacity() * (std::mem::size_of::<Key>() + 8 + 1)
    }
}
