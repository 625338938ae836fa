//! Pure business rules. Nothing here does I/O or reads the clock: callers pass `now`.
//! Rule ids (R-…) refer to `../shared/SPEC.md`.

pub mod account;
pub mod authkey;
pub mod calendar;
pub mod date;
pub mod deadline;
pub mod email;
pub mod establishment;
pub mod interchange;
pub mod job;
pub mod kana;
pub mod lookup;
pub mod mail;
pub mod mask;
pub mod minwage;
pub mod numbers;
pub mod password;
pub mod refusal;
pub mod review;
pub mod staff;
pub mod submission;
pub mod text;
pub mod validate;
pub mod visit;
