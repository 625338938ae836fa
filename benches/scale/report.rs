//! The report: one row per measure, the product's figure beside its reference and their
//! ratio, printed as a table at the end of the run.

use crate::Scale;

/// One line of the report.
pub(crate) struct Row {
    item: &'static str,
    what: String,
    after: f64,
    reference: f64,
    unit: &'static str,
    against: &'static str,
    /// Higher is better (a rate): the ratio is after / reference.
    higher_better: bool,
}

impl Scale {
    pub(crate) fn row(
        &mut self,
        item: &'static str,
        what: impl Into<String>,
        (after, reference): (f64, f64),
        unit: &'static str,
        against: &'static str,
    ) {
        self.rows.push(Row {
            item,
            what: what.into(),
            after,
            reference,
            unit,
            against,
            higher_better: false,
        });
    }

    /// [`Self::row`] for a figure where more is better.
    pub(crate) fn row_higher(
        &mut self,
        item: &'static str,
        what: impl Into<String>,
        figures: (f64, f64),
        unit: &'static str,
        against: &'static str,
    ) {
        self.row(item, what, figures, unit, against);
        if let Some(r) = self.rows.last_mut() {
            r.higher_better = true;
        }
    }
}

/// The table of `rows`, after an empty line.
pub(crate) fn print(rows: &[Row]) {
    println!();
    println!(
        "{:<5} {:<58} {:>11} {:>11} {:>8}  reference",
        "item", "measure", "after", "reference", "ratio"
    );
    for r in rows {
        let ratio = if r.higher_better {
            r.after / r.reference
        } else {
            r.reference / r.after
        };
        println!(
            "{:<5} {:<58} {:>9.2}{:<2} {:>9.2}{:<2} {:>7.2}×  {}",
            r.item, r.what, r.after, r.unit, r.reference, r.unit, ratio, r.against
        );
    }
    println!("(ratio above 1: the product does better than its reference; below 1: worse)");
}
