//! The words of a broken input rule, the one table: a form's field issue (`FieldIssue` codes,
//! `i18n::cli::issue_message`) and a stored validation finding (SPEC §5 rule codes,
//! `domain::validate::rules`, `i18n::findings`) name the same rule with the same words. Kept
//! apart from the messages that name the field, which `cli.rs` and `findings.rs` hold.

use super::Lang;
use crate::domain::validate::rules;

/// The rule's text, without the field name; `None` for a code no rule here knows.
///
/// `field` is the form field a clerk is typing into (`Some`), whose words may name that
/// field's own format and say what to do next; a stored finding (`None`) is told by its rule
/// and its parameter alone (limits, ranges, the characters found).
#[allow(clippy::too_many_lines)]
pub(super) fn rule_text(
    lang: Lang,
    field: Option<&str>,
    code: &str,
    param: Option<&str>,
) -> Option<String> {
    let p = param.unwrap_or("");
    let range = p.split_once('-');
    let ja = lang == Lang::Ja;
    let is_email = matches!(field, Some("email" | "email_confirm"));
    let s = |ja_text: &str, en_text: &str| pick(ja, ja_text, en_text);
    Some(match code {
        // R-REV-1: the check names the item not ticked.
        "required" if field == Some("checklist") && !p.is_empty() => {
            let label = super::labels::checklist_label(lang, p);
            match lang {
                Lang::Ja => format!("「{label}」にチェックがありません"),
                Lang::En => format!("\"{p}\" is not ticked"),
            }
        }
        "required" | "empty" => s("入力してください", "is required"),
        // SPEC §5: refused at entry, the character named.
        "control_char" if p.is_empty() && field.is_some() => s(
            "制御文字や文字の向きを変える記号は使えません",
            "must not contain control or bidirectional-override characters",
        ),
        "control_char" => match lang {
            Lang::Ja => format!("制御文字や文字の向きを変える記号（{p}）は使えません"),
            Lang::En => {
                format!("must not contain control or bidirectional-override characters ({p})")
            }
        },
        // R-REV-5: one version per item of a batch.
        "seen_count" => match lang {
            Lang::Ja => format!(
                "項目の数（{p}件）だけ、review show の更新番号をカンマ区切りで指定してください"
            ),
            Lang::En => format!("give one version per item ({p}), comma separated"),
        },
        "email_mismatch" | "mismatch" => s(
            "1回目の入力と一致しません",
            "does not match the first entry",
        ),
        "email_fullwidth" | "full_width" if p.is_empty() => s(
            "全角文字が含まれています。半角で入力してください",
            "contains full-width characters; type it in half-width",
        ),
        "email_fullwidth" | "full_width" => match lang {
            Lang::Ja => {
                format!("全角文字が含まれています。半角に変換した「{p}」でよければ確認してください")
            }
            Lang::En => format!(
                "contains full-width characters. Confirm if the half-width form \"{p}\" is right"
            ),
        },
        "email_free_mail" => match lang {
            Lang::Ja => format!(
                "フリーメール（{p}）です。求人者アカウントには会社のアドレスをお勧めします。このままでよければ確認してください"
            ),
            Lang::En => format!(
                "is a free-mail address ({p}); a company address is recommended for employers. Confirm to keep it"
            ),
        },
        "establishment_unknown" => match lang {
            Lang::Ja => format!(
                "事業所番号 {p} はこのデータベースに登録されていません。番号を確かめ、このままでよければ確認してください"
            ),
            Lang::En => format!(
                "establishment number {p} is not registered here. Check it; confirm to keep it"
            ),
        },
        "establishment_accounts_full" => match lang {
            Lang::Ja => {
                format!("この事業所のアカウントは上限（代表1件＋追加10件、計{p}件）に達しています")
            }
            Lang::En => format!(
                "this establishment already has the maximum of {p} accounts (1 primary + 10 additional)"
            ),
        },
        "staff_name_format" => s(
            "2〜32文字の半角英小文字・数字・「.」「_」「-」で、英小文字で始めてください",
            "use 2-32 characters a-z, 0-9, '.', '_', '-', starting with a letter",
        ),
        "staff_name_taken" => s("既に使われています", "is already taken"),
        "password_wrong" => s(
            "現在のパスワードが違います",
            "the current password is wrong",
        ),
        "password_mismatch" => s(
            "確認用の入力と一致しません",
            "does not match the confirmation",
        ),
        "password_unchanged" => s(
            "現在と同じパスワードは使えません",
            "must differ from the current password",
        ),
        // One parser reads every typed date (domain::date): the examples show its forms.
        "date_format" if field == Some("birth_date") => s(
            "日付として読めません（例: 1990/4/5、平成2年4月5日、H2.4.5）",
            "is not a date (e.g. 1990-04-05, 1990/4/5, 平成2年4月5日, H2.4.5)",
        ),
        "date_format" => s(
            "日付として読めません（例: 2026/12/1、令和8年12月1日、R8.12.1）",
            "is not a date (e.g. 2026-12-01, 2026/12/1, 令和8年12月1日, R8.12.1)",
        ),
        "date_before_since" => s("開始日より前の日付です", "is before the start date"),
        "date_no_such_day" => s(
            "その日はありません（月と日を確かめてください）",
            "no such day (check the month and the day)",
        ),
        "date_year_range" => match lang {
            Lang::Ja => format!(
                "{}年〜{}年の日付を入力してください",
                crate::domain::calendar::FIRST_YEAR,
                crate::domain::calendar::LAST_YEAR
            ),
            Lang::En => format!(
                "must be in the years {}-{}",
                crate::domain::calendar::FIRST_YEAR,
                crate::domain::calendar::LAST_YEAR
            ),
        },
        c if crate::domain::date::era_by_outside_code(c).is_some() => {
            era_range_text(lang, crate::domain::date::era_by_outside_code(c))
        }
        "already_closed" => s(
            "この日はすでに閉庁日として登録されています",
            "is already an office closure",
        ),
        "birth_date_range" => s(
            "ありえない日付です（今日より前、120年以内）",
            "is not a plausible date (before today, within 120 years)",
        ),
        "too_long" if is_email => match lang {
            Lang::Ja => format!("100文字以内で入力してください（{p}文字あります）"),
            Lang::En => format!("must be at most 100 characters (has {p})"),
        },
        "too_long" if !p.is_empty() => match lang {
            Lang::Ja => format!("{p}文字以内で入力してください"),
            Lang::En => format!("must be at most {p} characters"),
        },
        "too_long" if matches!(field, Some("password" | "new")) => s(
            "128文字以内にしてください",
            "must be at most 128 characters",
        ),
        "too_long" if field.is_some() => s("長すぎます", "is too long"),
        "office_code_format" => s("5桁の数字で入力してください", "must be 5 digits"),
        "non_ascii" => s(
            "半角の英数字と記号だけが使えます",
            "may contain half-width ASCII characters only",
        ),
        "at_sign" => s(
            "「@」をちょうど1つ含めてください",
            "must contain exactly one '@'",
        ),
        "local_part" => s(
            "「@」より前の部分が正しくありません（使えるのは半角の英数字と「. _ - +」などの記号で、64文字までです）",
            "the part before '@' is not valid (letters, digits and . _ - + and the like, at most 64 characters)",
        ),
        // R-REG-2: old carrier addresses (taro..yamada@docomo.ne.jp, hanako.@ezweb.ne.jp).
        "local_part_dots" => s(
            "「@」の前で「.」が続いているか、「@」の直前・先頭に「.」があります。このようなアドレスはメールの規格に合わず、メールが届きません。別のメールアドレス（携帯電話会社の設定で変更したアドレスや、パソコン用のアドレスなど）を登録してください",
            "the part before '@' has two dots in a row, or a dot at its start or right before '@': such an address breaks the mail standard and mail cannot be delivered to it. Please register another address (e.g. one changed in the carrier's settings, or a PC address)",
        ),
        "domain" => s(
            "「@」より後のドメインが正しくありません（「.」を含むドメインが必要です）",
            "the domain after '@' is not valid (it needs a dot)",
        ),
        "format" if field.is_some() => match field {
            Some("establishment_number") => s(
                "4桁-6桁-1桁の数字で入力してください（例: 1301-999999-9）",
                "use 4-6-1 digits (e.g. 1301-999999-9)",
            ),
            Some("seeker_number" | "job_number") => s(
                "5桁-8桁の数字で入力してください（例: 13010-12345678）",
                "use 5-8 digits (e.g. 13010-12345678)",
            ),
            Some("corporate_number") => s("13桁の数字で入力してください", "use 13 digits"),
            _ => s("形式が正しくありません", "has the wrong format"),
        },
        "email_same" => s(
            "今のメールアドレスと同じです",
            "is the same as the current address",
        ),
        "unknown_document" => s(
            "運転免許証・マイナンバーカード・健康保険証・在留カード・社員証＋名刺・その他 から選んでください",
            "choose one of the listed identity documents",
        ),
        "check_digit" if field.is_some() => s(
            "チェックデジットが合いません。番号を確かめてください",
            "the check digit does not match; check the number",
        ),
        "not_kana" if !p.is_empty() => match lang {
            Lang::Ja => format!(
                "全角カタカナで入力してください（「{p}」は使えません。使える記号は長音「ー」・中点「・」・空白です）"
            ),
            Lang::En => format!(
                "use katakana (\"{p}\" is not allowed; the long-vowel mark, the middle dot and spaces are)"
            ),
        },
        "not_kana" => s(
            "全角カタカナで入力してください（ひらがな・半角カナ・「-」は変換されます。使える記号は長音「ー」・中点「・」・空白です）",
            "use katakana (hiragana, half-width kana and '-' are converted; the long-vowel mark, the middle dot and spaces are allowed)",
        ),
        "too_short" => s("12文字以上にしてください", "must be at least 12 characters"),
        "common" => s(
            "よく使われるパスワードのため使えません",
            "is a commonly used password",
        ),
        "same_as_name" => s(
            "職員IDと同じパスワードは使えません",
            "must not be the same as the staff ID",
        ),
        // The rules of a stored finding (SPEC §5).
        rules::FORMAT => match p {
            "4-6-1" => pick(
                ja,
                "4桁-6桁-1桁の数字で入力してください",
                "must be 4-6-1 digits",
            ),
            "3-4" => pick(ja, "3桁-4桁の数字で入力してください", "must be 3-4 digits"),
            "10-11" => pick(
                ja,
                "10桁または11桁の数字で入力してください",
                "must have 10 or 11 digits",
            ),
            "13" => pick(ja, "13桁の数字で入力してください", "must be 13 digits"),
            _ => pick(ja, "数字で入力してください", "must be digits"),
        },
        rules::CHECK_DIGIT => pick(
            ja,
            "チェックデジットが正しくありません",
            "has a wrong check digit",
        ),
        rules::KANA => {
            if ja {
                format!("全角カタカナで入力してください（「{p}」は使えません）")
            } else {
                format!("must be full-width katakana (\"{p}\" is not allowed)")
            }
        }
        rules::TOO_MANY => {
            if ja {
                format!("{p}件以内にしてください")
            } else {
                format!("must have at most {p} entries")
            }
        }
        rules::TOO_LONG => {
            if ja {
                format!("{p}文字以内で入力してください")
            } else {
                format!("must be at most {p} characters")
            }
        }
        rules::OUT_OF_RANGE => {
            let (lo, hi) = range.unwrap_or((p, p));
            if ja {
                format!("{lo}～{hi}の範囲で入力してください")
            } else {
                format!("must be between {lo} and {hi}")
            }
        }
        rules::NOT_POSITIVE => pick(ja, "1円以上で入力してください", "must be at least 1 yen"),
        rules::WAGE_MIN_GT_MAX => pick(ja, "上限より大きい値です", "is above the maximum"),
        rules::WAGE_UNUSUAL => {
            let (lo, hi) = range.unwrap_or((p, p));
            if ja {
                format!(
                    "通常の範囲（{}円～{}円）を外れています。確認してください",
                    yen(lo),
                    yen(hi)
                )
            } else {
                format!(
                    "is outside the usual range ({} to {} yen); please confirm",
                    yen(lo),
                    yen(hi)
                )
            }
        }
        rules::BONUS_MIN_GT_MAX => pick(ja, "上限より大きい値です", "is above the maximum"),
        rules::NOT_A_NUMBER => pick(ja, "数値で入力してください", "must be a number"),
        rules::DECIMALS => {
            if ja {
                format!("小数点以下{p}桁までで入力してください")
            } else {
                format!("must have at most {p} decimals")
            }
        }
        rules::BONUS_WITHOUT_FLAG => pick(
            ja,
            "賞与「なし」ですが月数・金額が入力されています",
            "is \"none\" but months or amounts are given",
        ),
        rules::INSURANCE_NONE => pick(
            ja,
            "1つ以上選択してください",
            "needs at least one selection",
        ),
        rules::OTHER_TEXT_REQUIRED => pick(
            ja,
            "「その他」を選んだときは内容を入力してください",
            "is required when \"other\" is selected",
        ),
        rules::OTHER_TEXT_UNUSED => pick(
            ja,
            "「その他」が選ばれていないため使われません",
            "is ignored because \"other\" is not selected",
        ),
        rules::SAME_START_END => pick(ja, "始業と同じ時刻です", "is the same as the start time"),
        rules::PR_TOO_MANY_LINES => {
            if ja {
                format!("1行30文字で{p}行を超えます")
            } else {
                format!("needs more than {p} lines of 30 characters")
            }
        }
        rules::PR_NEAR_LIMIT => {
            if ja {
                format!("上限（{p}文字）に近づいています")
            } else {
                format!("is close to its limit of {p} characters")
            }
        }
        rules::PART_TIME_MISMATCH => pick(
            ja,
            "雇用形態（パートかどうか）と一致しません",
            "does not match the employment type (part-time or not)",
        ),
        rules::DISPATCH_MISMATCH => pick(
            ja,
            "雇用形態が派遣ですが「派遣・請負」が選ばれていません",
            "is not set although the employment type is dispatch",
        ),
        rules::DISABILITY_TRIAL_MISMATCH => pick(
            ja,
            "求人区分が「障害者」ではありません",
            "requires the category \"disabled\"",
        ),
        rules::MIN_WAGE => {
            let mut it = p.split('|');
            let (pref, amount) = (it.next().unwrap_or(""), yen(it.next().unwrap_or("")));
            if ja {
                format!(
                    "{pref}の最低賃金（時間額{amount}円）を下回っています。最低賃金法に違反する求人は受理できません"
                )
            } else {
                format!(
                    "is below the minimum wage of {pref} ({amount} yen per hour); an offer that breaks the Minimum Wage Act cannot be accepted"
                )
            }
        }
        rules::MIN_WAGE_CONVERTED => {
            let mut it = p.split('|');
            let pref = it.next().unwrap_or("");
            let amount = yen(it.next().unwrap_or(""));
            let per_hour = yen(it.next().unwrap_or(""));
            if ja {
                format!(
                    "就業時間で割ると時間額約{per_hour}円で、{pref}の最低賃金（{amount}円）を下回ります。労働時間と賃金を確認してください"
                )
            } else {
                format!(
                    "comes to about {per_hour} yen per hour over the stated working hours, below the minimum wage of {pref} ({amount} yen); check hours and wage"
                )
            }
        }
        rules::MIN_WAGE_UNKNOWN if p.is_empty() => pick(
            ja,
            "就業場所の都道府県が分からないため最低賃金を確認できません。就業場所と安定所コードを確認してください",
            "the minimum wage cannot be checked: the work location's prefecture is not known (check the work location and the office code)",
        ),
        rules::MIN_WAGE_UNKNOWN => {
            if ja {
                format!(
                    "この日の{p}の最低賃金が最低賃金表にありません。最新の最低賃金を確認してください"
                )
            } else {
                format!(
                    "the minimum wage table has no amount for {p} on this day; check the current minimum wage"
                )
            }
        }
        rules::MIN_WAGE_TABLE_OLD => {
            let year: i32 = p.parse().unwrap_or(0);
            if ja {
                format!(
                    "最低賃金表は{}（{year}年度）までで、新しい年度の最低賃金が入っていません。最新の最低賃金を確認し、表を更新してください",
                    super::labels::fiscal_year_ja(year)
                )
            } else {
                format!(
                    "the minimum wage table ends with fiscal year {year} and lacks the newer amounts; check the current minimum wage and update the table"
                )
            }
        }
        _ => return None,
    })
}

fn pick(ja: bool, ja_text: &str, en_text: &str) -> String {
    if ja { ja_text } else { en_text }.to_string()
}

/// A date outside the era it was typed in: the era's days, so the clerk sees the slip
/// (`平成31年5月1日` is 令和元年).
fn era_range_text(lang: Lang, era: Option<&crate::domain::date::Era>) -> String {
    use super::labels::date_ja as fmt_ja;
    let Some(e) = era else {
        return pick(
            lang == Lang::Ja,
            "元号の期間外の日付です",
            "is outside its era",
        );
    };
    let first = e.first_day();
    match (lang, e.last_day()) {
        (Lang::Ja, Some(last)) => format!(
            "{}は{}〜{}です。元号と年を確かめてください",
            e.name,
            fmt_ja(first),
            fmt_ja(last)
        ),
        (Lang::Ja, None) => format!(
            "{}は{}からです。元号と年を確かめてください",
            e.name,
            fmt_ja(first)
        ),
        (Lang::En, Some(last)) => format!(
            "{} ({}) runs from {first} to {last}; check the era and the year",
            e.name, e.initial
        ),
        (Lang::En, None) => format!(
            "{} ({}) starts on {first}; check the era and the year",
            e.name, e.initial
        ),
    }
}

/// `2000000` → `2,000,000`; anything else unchanged.
fn yen(digits: &str) -> String {
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn yen_groups_thousands() {
        assert_eq!(super::yen("1200000"), "1,200,000");
        assert_eq!(super::yen("900"), "900");
    }
}
