//! The inflation guard: an XLSX file is a zip archive, and a small archive can inflate to
//! gigabytes. Before calamine unpacks anything, [`check`] reads the zip's central directory
//! and refuses the file when its size, its entry count, an entry's declared size or the
//! declared total pass the [`Limits`].
//!
//! Declared sizes can lie, so [`check`] then inflates every entry into a sink, reading at most
//! one byte more than the remaining allowance: a lying entry is caught after at most
//! `max_uncompressed_bytes` of work and nothing is kept in memory. Only when the real sizes
//! are within the limits does calamine open the same bytes; it inflates the same entries, so
//! its memory use is bounded by what was just measured.

use std::io::{self, Cursor, Read};

use serde::{Deserialize, Serialize};

use crate::error::FormError;

/// Size limits for an uploaded workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest accepted file, as uploaded.
    pub max_compressed_bytes: u64,
    /// Largest accepted total of all entries once inflated.
    pub max_uncompressed_bytes: u64,
    /// Most entries (files) in the archive.
    pub max_entries: usize,
}

impl Default for Limits {
    /// 5 MB uploaded, 20 MB inflated, 1,000 entries: a checklist workbook is a few tens of
    /// kilobytes, so these leave room for styles and images without inviting abuse.
    fn default() -> Self {
        Self {
            max_compressed_bytes: 5_000_000,
            max_uncompressed_bytes: 20_000_000,
            max_entries: 1_000,
        }
    }
}

/// Refuses `bytes` unless it is a zip archive within `limits`, measured by actually
/// inflating each entry with a cap.
pub fn check(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), FormError> {
    let too_large = |message: String| FormError::TooLarge {
        file: file.to_owned(),
        message,
    };
    let unreadable = |message: String| FormError::Unreadable {
        file: file.to_owned(),
        message,
    };
    if bytes.len() as u64 > limits.max_compressed_bytes {
        return Err(too_large(format!(
            "the file is {} bytes; the limit is {}",
            bytes.len(),
            limits.max_compressed_bytes
        )));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("it is not a zip archive ({e})")))?;
    if archive.len() > limits.max_entries {
        return Err(too_large(format!(
            "the archive has {} entries; the limit is {}",
            archive.len(),
            limits.max_entries
        )));
    }
    // First the declared sizes, from the central directory alone: no inflating yet.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| unreadable(format!("entry {i} is corrupted ({e})")))?;
        declared = declared.saturating_add(entry.size());
        if entry.size() > limits.max_uncompressed_bytes || declared > limits.max_uncompressed_bytes
        {
            return Err(too_large(format!(
                "entry `{}` declares {} bytes, {} in all so far; the limit is {} bytes inflated",
                entry.name().unwrap_or_default(),
                entry.size(),
                declared,
                limits.max_uncompressed_bytes
            )));
        }
    }
    // Then the real sizes, in case the headers lie.
    let mut remaining = limits.max_uncompressed_bytes;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| unreadable(format!("entry {i} cannot be read ({e})")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let inflated = io::copy(&mut entry.take(remaining + 1), &mut io::sink())
            .map_err(|e| unreadable(format!("entry `{name}` is corrupted ({e})")))?;
        if inflated > remaining {
            return Err(too_large(format!(
                "entry `{name}` inflates past the limit of {} bytes (its header understates it)",
                limits.max_uncompressed_bytes
            )));
        }
        remaining -= inflated;
    }
    Ok(())
}
