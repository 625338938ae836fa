//! How a version's payload (the normalised establishment or job-offer JSON) is kept in
//! `submission_versions.payload` (schema v11: a column of any type):
//! - TEXT: the JSON itself (versions written before v11, fixtures written by SQL);
//! - BLOB: one format byte, then a zstd frame compressed against a fixed dictionary;
//! - NULL: purged (R-DL-3).
//!
//! Why: payloads were half of the pages an import writes (100,000 generated events: 25,036 of
//! 50,000 pages). A job offer's JSON (about 850 bytes, mostly the same keys and values in
//! every offer) becomes about 70 on generated data (less on real wording), so the import's
//! writer has half the pages to put into the WAL and the database file. The import
//! compresses on its parsing thread, not the writer's.
//!
//! A dictionary, once used, is kept forever: stored payloads name theirs by the format byte.
//! A new dictionary gets a new byte; readers keep knowing the old ones.

use std::cell::RefCell;
use std::sync::OnceLock;

use zstd::dict::{DecoderDictionary, EncoderDictionary};

use rusqlite::types::{FromSqlError, ValueRef};

/// Format byte: zstd against [`DICTIONARY_1`].
const ZSTD_DICTIONARY_1: u8 = 1;
/// A trained zstd dictionary (`assets/dict/README.md` says how it was made): it holds the keys
/// and common values, and entropy tables, so a frame needs neither (building those tables was
/// most of the time to compress a payload against raw sample text).
const DICTIONARY_1: &[u8] = include_bytes!("../../assets/dict/payload-1.zdict");
/// zstd's fastest level: higher ones gain a few bytes a payload for several times the time.
const LEVEL: i32 = 1;
/// Largest payload a stored frame may expand to (a line is at most 1 MiB).
const MAX_DECODED: usize = 1 << 20;

/// [`DICTIONARY_1`] digested once for the process: a context given the raw bytes instead
/// digests them again for every payload (that was most of the time to compress one).
fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static D: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| EncoderDictionary::copy(DICTIONARY_1, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static D: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| DecoderDictionary::copy(DICTIONARY_1))
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn damaged(what: &str) -> FromSqlError {
    FromSqlError::Other(format!("payload: {what}").into())
}

/// The stored form of a payload (see the module comment).
///
/// # Errors
/// Only if zstd fails (out of memory).
pub fn encode(json: &str) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        let c = match c.as_mut() {
            Some(c) => c,
            None => c.insert(zstd::bulk::Compressor::with_prepared_dictionary(
                encoder_dictionary(),
            )?),
        };
        let mut out = Vec::with_capacity(1 + zstd::zstd_safe::compress_bound(json.len()));
        out.push(ZSTD_DICTIONARY_1);
        let frame = c.compress(json.as_bytes())?;
        out.extend_from_slice(&frame);
        Ok(out)
    })
}

/// A stored payload as JSON; `""` once purged.
///
/// # Errors
/// The value is of no known form, or its frame does not decode to UTF-8 text.
pub fn decode(v: ValueRef<'_>) -> Result<String, FromSqlError> {
    match v {
        ValueRef::Null => Ok(String::new()),
        ValueRef::Text(t) => String::from_utf8(t.to_vec()).map_err(|_| damaged("not UTF-8")),
        ValueRef::Blob(b) => match b.split_first() {
            Some((&ZSTD_DICTIONARY_1, frame)) => {
                let bytes = DECOMPRESSOR.with(|d| {
                    let mut d = d.borrow_mut();
                    let d =
                        match d.as_mut() {
                            Some(d) => d,
                            None => d.insert(
                                zstd::bulk::Decompressor::with_prepared_dictionary(
                                    decoder_dictionary(),
                                )
                                .map_err(|_| damaged("zstd"))?,
                            ),
                        };
                    d.decompress(frame, MAX_DECODED)
                        .map_err(|_| damaged("zstd frame"))
                })?;
                String::from_utf8(bytes).map_err(|_| damaged("not UTF-8"))
            }
            _ => Err(damaged("unknown format")),
        },
        ValueRef::Integer(_) | ValueRef::Real(_) => Err(FromSqlError::InvalidType),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOB: &str = r#"{"category":{"kind":"general","part_time":false},"title":"看護師","pr_message":"地域に根ざした会社です。"}"#;

    #[test]
    fn r_io_1_payload_round_trips_through_the_stored_form() {
        let stored = encode(JOB).expect("encode");
        assert_eq!(stored[0], ZSTD_DICTIONARY_1);
        assert!(stored.len() < JOB.len(), "{} bytes", stored.len());
        assert_eq!(decode(ValueRef::Blob(&stored)).expect("decode"), JOB);
    }

    #[test]
    fn r_io_1_text_payloads_of_older_versions_read_as_they_are() {
        assert_eq!(decode(ValueRef::Text(JOB.as_bytes())).expect("text"), JOB);
    }

    #[test]
    fn r_dl_3_purged_payload_reads_empty() {
        assert_eq!(decode(ValueRef::Null).expect("null"), "");
    }

    #[test]
    fn damaged_or_unknown_payloads_are_errors_not_panics() {
        let mut stored = encode(JOB).expect("encode");
        assert!(decode(ValueRef::Blob(&[9, 1, 2, 3])).is_err());
        assert!(decode(ValueRef::Blob(&[])).is_err());
        let last = stored.len() - 1;
        stored.truncate(last);
        assert!(decode(ValueRef::Blob(&stored)).is_err());
        assert!(decode(ValueRef::Integer(1)).is_err());
    }

    /// A job offer as the import stores it is a fraction of its JSON.
    #[test]
    fn r_io_1_a_typical_job_offer_is_stored_in_under_a_third_of_its_size() {
        // Wording and values the dictionary's generated samples do not have.
        let job = r#"{"category":{"kind":"general","part_time":false,"trial_employment":false,"dispatch_or_contract":false,"disability_short_time_trial":false},"publication_scope":"with_name","online_opt_out":{"private_placement":false,"local_government":true},"establishment":{"establishment_number":"1301-654321-9"},"title":"介護職員（夜勤あり）","occupation_code":"036-01","licences":["介護福祉士"],"employment_type":"regular","work_location":{"postal_code":"173-0004","address":"東京都板橋区板橋2-66-1"},"wage":{"kind":"monthly","other_text":"","min":228000,"max":281000},"bonus":{"has_bonus":true,"months":"3.10","amount_min":500000,"amount_max":720000},"hours":{"kind":"shift","start":"07:00","end":"16:00","paid_leave_days":10,"annual_holidays":110},"insurance":{"kinds":["employment","workers_compensation","health","pension"],"other_text":""},"work_rules":{"full_time":true,"part_time":false},"pr_message":"利用者さま一人ひとりに寄り添う介護を大切にしています。","hires":2,"note_to_hello_work":"面接は平日午後を希望します。"}"#;
        let stored = encode(job).expect("encode");
        assert!(
            stored.len() * 3 < job.len(),
            "{} of {}",
            stored.len(),
            job.len()
        );
    }
}
