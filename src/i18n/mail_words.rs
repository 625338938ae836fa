//! Pieces of text the program fills into the Japanese mail templates (`assets/mail/`): mails to
//! customers are in Japanese whatever the staff's language, so these have no English side.

/// 「求人「調理補助」」: what the mail is about, by its kind's name and its own.
#[must_use]
pub fn item(kind: &str, name: &str) -> String {
    format!("{kind}「{name}」")
}

/// The reviewer's free text under the reason of a return or a rejection (R-REV-2).
#[must_use]
pub fn comment_line(text: &str) -> String {
    format!("  補足： {text}\n")
}

/// One registered job offer in the approval mail (R-REV-3).
#[must_use]
pub fn job_number_line(number: &str, name: &str) -> String {
    format!("  求人番号： {number}（{name}）\n")
}

/// Said in the approval mail when the employer's My Page opened with it.
pub const MY_PAGE_OPENED: &str = "求人者マイページが開設されました。";

/// The deadline reminder's subject when nothing is named: the whole registration.
pub const WHOLE_REGISTRATION: &str = "事業所情報・求人情報";

/// Names in a mail's sentence: 「A、B」.
#[must_use]
pub fn names(items: &[String]) -> String {
    items.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_pieces_keep_the_japanese_punctuation_the_templates_expect() {
        assert_eq!(item("求人", "調理補助"), "求人「調理補助」");
        assert_eq!(comment_line("電話済"), "  補足： 電話済\n");
        assert_eq!(
            job_number_line("13010-1", "調理補助"),
            "  求人番号： 13010-1（調理補助）\n"
        );
        assert_eq!(names(&["A".into(), "B".into()]), "A、B");
    }
}
