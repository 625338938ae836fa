//! One file per screen: each draws its part of `&App` into the body area.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod home;
pub mod lookup;
pub mod mailq;
pub mod purpose;
pub mod register;
pub mod review;
pub mod signin;
pub mod staff;
