//! Screen text: every label, message and help page of the TUI, in Japanese and English.
//! The macro makes a missing translation a compile error.

use super::Lang;

macro_rules! messages {
    ($($name:ident => $ja:expr, $en:expr;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            #[must_use]
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$name, Lang::Ja) => $ja, (Msg::$name, Lang::En) => $en,)*
                }
            }
        }
    };
}

messages! {
    // Submission detail: the deadline's year has no official holiday data (R-DL-2)
    DetailDeadlineNoOfficialData => "！ 期限の年の祝日は公式データがありません。期限が変わることがあります。", "! No official holiday data for the deadline's year: the deadline may still change.";
    // Keys (hint bar and help)
    KeySubmit => "登録・実行", "Submit";
    KeyNextField => "次の項目", "Next field";
    KeyPrevField => "前の項目", "Previous field";
    KeyEnterNext => "次へ（最後の項目で実行）", "Next (submit on the last field)";
    KeyBack => "戻る", "Back";
    KeyCancel => "取消してメニューへ", "Cancel to menu";
    KeyHelp => "ヘルプ", "Help";
    KeyLock => "画面ロック", "Lock screen";
    KeyQuit => "終了", "Quit";
    KeyUp => "上へ", "Up";
    KeyDown => "下へ", "Down";
    KeyPageUp => "前のページ", "Page up";
    KeyPageDown => "次のページ", "Page down";
    KeyOpen => "開く", "Open";
    KeySignOut => "サインアウト", "Sign out";
    KeyReissue => "認証キー再発行", "Re-issue key";
    KeySearch => "検索し直す", "New search";
    KeyRegisterNew => "新規登録", "New registration";
    KeyRefresh => "再読込", "Reload";
    KeyOpenAccount => "アカウント画面へ", "Open account";
    KeyAddStaff => "職員追加", "Add staff";
    KeyToggleDisable => "無効化・有効化", "Disable/enable";
    KeyUnlockStaff => "ロック解除", "Unlock";
    KeyResetPassword => "パスワード再設定", "Reset password";
    KeyMailRetry => "再送", "Retry";
    KeyMailHold => "保留", "Hold";
    KeyMailRelease => "保留解除", "Release";
    KeyMailCancel => "取消", "Cancel mail";
    KeyFilter => "絞込み切替", "Filter";
    KeyOpenSubmission => "仮登録の内容を開く（番号）", "Open a submission (its number)";
    KeyYes => "はい", "Yes";
    KeyNo => "いいえ", "No";
    KeyClose => "閉じる", "Close";
    KeyUnlock => "ロック解除", "Unlock";
    KeySignOutQuit => "サインアウトして終了", "Sign out and quit";
    KeyMenuItem => "メニューのその番号の業務を開く", "Open the menu item of that number";
    KeyNextQueue => "次の一覧", "Next list";
    KeyPrevQueue => "前の一覧", "Previous list";
    KeyQueueFilter => "絞込み（名称・カナ・番号）", "Filter (name, kana, number)";
    KeySort => "並び替え", "Sort";
    KeyCheck => "確認", "Check";
    KeyApprove => "本登録", "Approve";
    KeyReturn => "差戻し", "Return";
    KeyReject => "不受理", "Reject";
    KeyVisit => "来所記録", "Record visit";
    KeyClaim => "担当する", "Claim";
    KeyRelease => "担当を外す", "Release";
    KeyComment => "コメント", "Comment";
    KeyHandOver => "引継ぎ", "Hand over";
    KeyFollowUp => "フォロー日", "Follow-up date";
    KeyChoose => "選ぶ", "Choose";
    KeyCancelDialog => "やめる", "Cancel";
    QueueUnassigned => "未担当", "Unassigned";
    QueueMine => "自分の担当", "Mine";
    QueueOverdue => "期限超過", "Overdue";
    QueueDueSoon => "期限3開庁日以内", "Due in 3 open days";
    QueueChecked => "確認済・承認待ち", "Checked, awaiting approval";
    QueueReturned => "差戻し中", "Returned, waiting";
    QueueVisit => "来所要", "Visit required";
    MenuQueue => "審査一覧", "Review queues";
    MenuQueueDesc => "仮登録の確認・差戻し・本登録（期限順）", "Check, return and approve provisional submissions (by deadline)";
    MenuDashboard => "統括ダッシュボード", "Supervisor dashboard";
    MenuDashboardDesc => "一覧ごとの件数、本日の処理件数、最古の案件、メールの状況", "Counts per list, today's throughput, oldest item, mail health";
    QueueTitle => "審査一覧", "Review queues";
    DetailTitle => "仮登録の内容", "Submission";
    DashboardTitle => "統括ダッシュボード", "Supervisor dashboard";
    ColKind => "種別", "Kind";
    ColName => "名称", "Name";
    ColEstablishment => "事業所", "Establishment";
    ColDeadline => "期限", "Due";
    ColDaysLeft => "残り", "Left";
    ColAssigned => "担当", "Assigned";
    ColCheckedBy => "確認者", "Checked by";
    ColCheckedAt => "確認日時", "Checked at";
    LabelSort => "並び", "Sort";
    SortDeadline => "期限順", "by deadline";
    SortReceived => "受付順", "by received";
    SortName => "名称順", "by name";
    LabelQueueFilter => "絞込み", "Filter";
    QueueEmpty => "該当する案件はありません", "No items";
    QueueMany => "多数", "many";
    LabelDaysLeft => "残り開庁日", "Open days left";
    LabelVisitReasons => "窓口来所が必要な理由", "Counter visit required because";
    LabelVisitRecorded => "来所記録", "Visit recorded";
    LabelFindings => "入力チェック", "Validation findings";
    LabelDiff => "前の版からの変更", "Changes from the previous version";
    LabelHistory => "履歴", "History";
    LabelComments => "コメント", "Comments";
    LabelChecklist => "確認項目", "Checklist";
    LabelAssigned => "担当", "Assigned";
    LabelCheckedBy => "確認者", "Checked by";
    LabelCheckedAt => "確認日時", "Checked at";
    LabelNumbers => "番号", "Numbers";
    CheckEffect => "確認した項目を Space（x）でチェックし、Enter で確認済にします（承認待ちの一覧へ移ります）。↑↓（j/k）で移動、a ですべてチェック。", "Tick each item you checked with Space (x), then Enter marks the item as checked (it moves to awaiting approval). Up/down (j/k) move, a ticks all.";
    ConfirmApprove => "本登録しますか", "Approve (full registration)?";
    ApproveEffect => "番号を付与し、求人者マイページを開設し、「本登録完了のお知らせ」を送ります。", "Assigns the numbers, opens the employer's My Page and mails the registration notice.";
    ConfirmReturn => "差戻しますか", "Return to the employer?";
    ReturnEffect => "理由を添えて求人者に差戻しのメールを送ります。", "Mails the employer the return with the reason.";
    ConfirmReject => "不受理にしますか", "Reject?";
    RejectEffect => "理由を添えて求人者に不受理のメールを送ります。元に戻せません。", "Mails the employer the rejection with the reason. This cannot be undone.";
    ConfirmVisit => "本日の窓口来所を記録しますか", "Record today's counter visit?";
    ConfirmClaim => "この案件を担当しますか", "Claim this item?";
    ConfirmRelease => "担当を外しますか", "Release this item?";
    ConfirmHandOver => "この案件を引き継ぎますか", "Hand this item over?";
    HandOverEffect => "担当がこの職員に変わり、その職員の「自分の担当」に入ります。", "The colleague becomes the assignee; the item moves to their own list.";
    HandOverTitle => "引継ぎ先の職員", "Hand over to";
    HandOverIntro => "審査ができる職員です。↑↓ で選び Enter。", "Staff who may review. Up/down, then Enter.";
    NoColleague => "引き継げる職員がいません（審査ができる有効な職員がほかにいません）。", "Nobody to hand over to (no other active staff who may review).";
    Myself => "自分", "you";
    CommentTitle => "コメントを追加", "Add a comment";
    CommentSaved => "コメントを保存しました。", "Comment saved.";
    HandedOver => "さんに引き継ぎました。", " now holds the item.";
    FollowUpSet => "フォロー日を設定しました", "Follow-up date set";
    FollowUpCleared => "フォロー日を解除しました。", "Follow-up date cleared.";
    FollowUpTitle => "フォロー日の設定", "Set the follow-up date";
    FieldComment => "コメント", "Comment";
    HintComment => "400文字以内。Enter で保存、Esc でやめる", "Up to 400 characters. Enter saves, Esc cancels";
    FieldFollowUp => "フォロー日", "Follow-up date";
    HintFollowUp => "例: 2026-12-01（全角・「/」も可）。空欄で Enter: 解除", "e.g. 2026-12-01. Empty + Enter clears it";
    LabelFollowUp => "フォロー日", "Follow-up";
    HistClaim => "担当", "claimed";
    HistRelease => "担当解除", "released";
    HistHandOver => "引継ぎ", "handed over";
    HistCheck => "確認", "checked";
    HistReturn => "差戻し", "returned";
    HistReject => "不受理", "rejected";
    HistApprove => "本登録", "approved";
    HistVisit => "来所記録", "visit recorded";
    HistVisitFlag => "来所要に指定", "visit flagged";
    HistComment => "コメント", "comment";
    HistFollowUp => "フォロー日", "follow-up date";
    HistFollowUpCleared => "解除", "cleared";
    HistDeadlinePassed => "期限切れ", "deadline passed";
    HistPurge => "保存期間終了", "purged";
    FieldReason => "理由（番号）", "Reason (number)";
    FieldReasonText => "補足（任意）", "Note (optional)";
    // The return/reject confirmation: the reason chosen and the note typed
    ConfirmReason => "理由", "Reason";
    ConfirmNote => "補足", "Note";
    HintReason => "一覧の番号を入力", "Type the number from the list";
    ActedFirstTitle => "他の職員が先に処理しました", "Someone acted first";
    DashThroughput => "本日の処理（職員別）", "Today's throughput per staff";
    DashOldest => "最も期限が近い案件", "Oldest item";
    DashCategory => "審査中の求人（区分別）", "Pending offers by category";
    DashReading => "集計中…", "Counting...";
    DashMail => "メール", "Mail";
    DashLocked => "ロック中の職員", "Locked staff";
    LabelSubmissions => "仮登録", "Submissions";
    HelpQueue => "1〜7 で一覧を切り替え（件数つき）。Enter で内容を開き、/ で名称・カナ・番号の絞込み、s で並び替え（期限順・受付順・名称順）。残りは開庁日数で、期限超過は赤、残り2開庁日以内は橙。他の端末の処理は自動で反映されます。", "1-7 switch lists (with counts). Enter opens the item, / filters by name, kana or number, s changes the order (deadline, received, name). Days left are open days: overdue in red, at most 2 in orange. Changes from other terminals appear by themselves.";
    HelpDetail => "c 確認: チェックリストの項目を ↑↓（j/k）で選び Space（x）でチェック、a ですべてチェック、Enter で確認済にします。チェックのない項目があれば赤で示して記録せず、付けたチェックはそのまま残ります。Esc でやめます。\na 本登録（統括のみ・確認者以外）、r 差戻し、x 不受理（統括）、v 来所記録、t 担当、u 担当解除。各操作は確認画面で内容を示してから実行します。他の職員が先に処理した場合は、その職員名と新しい状態を表示します。\nm コメントを追加（Enter で保存）。h 引継ぎ: 審査ができる職員を ↑↓ で選び Enter、確認して実行。f フォロー日: 日付を入れて Enter（空欄で解除）。\nコメントは上のほう、履歴は下にあります（↑↓ PgUp PgDn でスクロール）。", "c check: choose a checklist item with up/down (j/k), tick it with Space (x), a ticks all, Enter marks the item as checked. Items not ticked are shown in red and nothing is recorded; your ticks stay. Esc cancels.\na approve (supervisor, not the checker), r return, x reject (supervisor), v record the visit, t claim, u release. Each action says what will happen before it runs. When someone else acted first, you are told who and the new state.\nm adds a comment (Enter saves). h hands the item over: choose a colleague who may review, Enter, confirm. f sets the follow-up date (empty clears it).\nComments are near the top, the history at the bottom (scroll with the arrows and PgUp/PgDn).";
    HelpPurpose => "このお客様の記録を、このセッションで初めて開きます。見る目的を ←→ で選び Enter（「その他」は内容も入力）。目的は閲覧の記録とともに監査ログに残り、同じお客様の記録は次から聞かれません。Esc で開かずに戻ります。", "This customer's record is opened for the first time this session. Choose why with left/right and press Enter (type the reason for Other). The purpose is logged with the view; the same customer is not asked again. Esc goes back without opening.";
    HelpDashboard => "一覧ごとの件数、本日の職員別処理件数、最も期限が近い案件、区分別の審査中求人、メールの状況、ロック中の職員。", "Counts per list, today's throughput per staff, the oldest item, pending offers by category, mail health, locked staff.";

    // Forgotten-ID lookup (SPEC §2.4) and the audit viewer (R-AUD-3)
    KeyNextVisitor => "次のお客様", "Next visitor";
    KeyReveal => "本人確認してID表示", "Reveal ID (identity check)";
    KeyMailId => "IDをメールで通知", "Mail the ID";
    KeyChangeId => "ID変更", "Change ID";
    KeyApproveChange => "ID変更を承認", "Approve ID change";
    KeyRejectChange => "ID変更を却下", "Reject ID change";
    LkConfirmApprove => "承認待ちのID変更を承認しますか？（すぐに変更され、通知が送られます）", "Approve the pending ID change? (It applies now and the notices go out.)";
    LkConfirmReject => "承認待ちのID変更を却下しますか？", "Reject the pending ID change?";
    LkRejected => "ID変更を却下しました", "ID change rejected";
    KeyAuditFilter => "絞込み", "Filter";
    KeyAuditOpenRow => "1件を開く", "Open row";
    KeyAuditReport => "照会レポート", "Report";
    KeyAuditExport => "CSV書出し", "Export CSV";
    KeyRefreshVerify => "再読込・改ざん検査", "Reload and verify";
    MenuLookup => "ID照会", "ID lookup";
    MenuLookupDesc => "IDを忘れたお客様の検索・ID通知・ID変更", "Find a customer's forgotten login ID, mail it, change it";
    LkTitle => "ID照会", "ID lookup";
    LkSearchBy => "検索方法", "Search by";
    LkSearchByHint => "1〜9・0（10番目）の数字、または ←→ で選びます", "Digits 1-9 and 0 (the tenth), or left/right, choose";
    LkQuery => "検索語", "Search text";
    LkQueryHint => "全角・半角、ひらがな・カタカナ、空白の違いは区別しません", "Width, kana kind and spaces are ignored";
    LkBirthHint => "求職者カナ検索のとき: 例 1990/4/1、平成2年4月1日", "Seeker kana search only: e.g. 1990-04-01, H2.4.1";
    LkCorporateNumber => "法人番号", "Corporate no.";
    LkEstablishmentName => "事業所名", "Establishment name";
    LkEstablishmentKana => "事業所名カナ", "Establishment kana";
    LkPhone => "電話番号", "Phone";
    LkPostal => "郵便番号", "Postal code";
    LkJobNumber => "求人番号", "Job offer no.";
    LkSeekerKana => "求職者カナ＋生年月日", "Seeker kana + birth date";
    LkPurposeTitle => "照会の目的（お客様ごとに1回）", "Purpose of the lookup (once per customer)";
    LkPurposeAsk => "このお客様の記録を見る目的を選んでください。目的は監査ログに残ります。", "Choose why this customer's records are looked at; it goes into the audit log.";
    LkPurpose => "目的", "Purpose";
    LkPurposeId => "ID照会", "ID lookup";
    LkPurposeReview => "本登録審査", "Registration review";
    LkPurposeInquiry => "問合せ対応", "Inquiry";
    LkPurposeOther => "その他", "Other";
    LkPurposeOtherText => "その他の目的", "Other purpose";
    HintPurpose => "←→ で選んで Enter（その他は続けて内容を入力）", "Left/right to choose, then Enter (for Other, then type it)";
    LkCurrentPurpose => "目的", "Purpose";
    LkDocument => "本人確認書類", "Identity document";
    LkDocLicence => "運転免許証", "Driver's licence";
    LkDocMyNumber => "マイナンバーカード", "My Number card";
    LkDocInsurance => "健康保険証", "Health insurance card";
    LkDocResidence => "在留カード", "Residence card";
    LkDocStaffCard => "社員証＋名刺", "Staff ID + business card";
    LkDocOther => "その他", "Other";
    LkNote => "確認内容メモ", "Check note";
    LkNoteHint => "例: 番号末尾1234、氏名・生年月日一致", "e.g. number ends 1234, name and birth date match";
    LkNewEmail => "新しいメールアドレス", "New email";
    LkNewEmailConfirm => "新しいメールアドレス（確認）", "New email (again)";
    LkIdentityTitle => "本人確認（IDを表示する前に）", "Identity check (before the ID is shown)";
    LkChangeTitle => "ID（メールアドレス）の変更", "Change of login ID (email)";
    LkNoHits => "該当するお客様は見つかりませんでした", "No customer found";
    LkNoAccount => "この事業所にはアカウントがありません", "This establishment has no account";
    LkTruncated => "ほかにも該当があります。条件を絞ってください", "More matched; narrow the search";
    LkColNumber => "番号", "Number";
    LkColKind => "種別", "Kind";
    LkShortKeyPending => "登録待ち", "Waiting";
    LkShortActivated => "仮登録中", "Provisional";
    LkColName => "名称・氏名", "Name";
    LkColKana => "カナ", "Kana";
    LkColEmail => "ID（伏字）", "ID (masked)";
    LkColPhone => "電話", "Phone";
    LkMasked => "ID（伏字）", "ID (masked)";
    LkRevealed => "ID（本人確認済み）", "ID (identity checked)";
    LkPasswordNote => "パスワードはハローワークでも表示・確認できません。お客様には、ログイン画面の「パスワードをお忘れの方」から再設定するようご案内ください。", "Passwords can never be shown, not even here. Tell the customer to reset it from the login page (forgot password).";
    LkPendingChange => "統括の承認待ちのID変更があります（統括: a 承認、x 却下）", "An ID change is waiting for approval (supervisor: a approve, x reject)";
    LkConfirmAudited => "この操作は目的・端末とともに監査ログに記録されます。", "This is recorded in the audit log with the purpose and terminal.";
    LkConfirmReveal => "本人確認を記録して、IDを画面に表示しますか？", "Record the identity check and show the ID?";
    LkConfirmMail => "登録IDをメールで通知しますか？", "Mail the login ID?";
    LkConfirmMailEffect => "「登録ID（メールアドレス）のお知らせ」を登録アドレスに送ります。画面には表示しません。", "The login-ID notice goes to the registered address; it is not shown here.";
    LkConfirmChange => "ID（メールアドレス）を変更しますか？", "Change the login ID?";
    LkConfirmChangeKey => "新しいアドレスに認証キー（50分有効）を送ります。", "The new address gets an auth key (valid 50 minutes).";
    LkConfirmChangeBoth => "新旧両方のアドレスに変更の通知を送ります。", "Both the old and the new address get a notice.";
    LkConfirmChangeOldKey => "今の認証キーは使えなくなります。", "The current auth key stops working.";
    LkConfirmChangeApproval => "統括の承認があるまで変更されません（申請として登録します）。", "Nothing changes until a supervisor approves (recorded as a request).";
    LkMailed => "登録IDのお知らせを送信予約しました", "Login-ID notice queued";
    LkChanged => "IDを変更しました", "Login ID changed to";
    LkChangePending => "ID変更を申請しました（統括の承認待ち）", "ID change requested (waiting for approval)";
    AuFilterTitle => "監査ログの絞込み", "Filter the audit log";
    AuExportTitle => "監査ログのCSV書出し", "Export the audit log as CSV";
    AuReportTitle => "照会レポート", "Lookup report";
    AuStaff => "職員ID", "Staff ID";
    AuStaffHint => "空欄: 全員", "Empty: everyone";
    AuSubject => "対象", "Subject";
    AuSubjectHint => "例: account:12（空欄: すべて）", "e.g. account:12 (empty: all)";
    AuAction => "操作", "Action";
    AuActionHint => "例: lookup.reveal、「lookup.」で照会すべて", "e.g. lookup.reveal; lookup. for every lookup";
    AuSince => "開始日", "From";
    AuUntil => "終了日", "Until";
    AuDateHint => "例 2026/12/1、R8.12.1（日本時間、空欄: 指定なし・今日）", "e.g. 2026-12-01, R8.12.1; JST (empty: none / today)";
    AuPath => "保存先ファイル", "File path";
    AuPathHint => "例: /home/suzuki/audit-2026-11.csv（既存のファイルには上書きしません）", "e.g. /home/suzuki/audit.csv (an existing file is never overwritten)";
    AuConfirmExport => "監査ログをCSVファイルに書き出しますか？", "Write the audit log to a CSV file?";
    AuExportEffect => "書き出したことも監査ログに記録されます。ファイルの取扱いに注意してください。", "The export itself is logged; handle the file with care.";
    AuExportFailed => "ファイルを作れませんでした", "Could not create the file";
    AuExported => "CSVを書き出しました", "CSV written";
    AuFiltered => "絞込み中", "Filtered";
    AuReportPerDay => "職員別・日別の照会件数", "Lookups per staff per day";
    AuReportUnfollowed => "照会後30分以内に手続のない照会", "Lookups not followed by business within 30 minutes";
    AuReportAfterHours => "時間外・閉庁日のアクセス", "After-hours and closed-day access";
    AuNone => "（なし）", "(none)";
    ColPurpose => "目的", "Purpose";
    HelpLookup => "1. 検索方法を ←→ で選び、検索語を入れて Enter。最初にお客様ごとの目的を聞きます。\n2. 一覧は伏字です。Enter でお客様の記録を開きます（記録を見たことも残ります）。\n3. v: 本人確認書類とメモを記録してIDを表示。m: 登録アドレスにIDを通知（画面には出ません）。c: ID変更（新しいアドレスを2回、本人確認）。\nパスワードは誰にも表示できません。ログイン画面の「パスワードをお忘れの方」を案内します。\nn で次のお客様（目的を聞き直します）。すべて監査ログに残ります。", "1. Choose the key with left/right, type, Enter. The purpose is asked once per customer.\n2. Results are masked; Enter opens the record (the view is logged).\n3. v: record the identity check and show the ID. m: mail the ID to the registered address. c: change the ID (new address twice, identity check).\nPasswords can never be shown; point to the login page's forgot-password link.\nn: next visitor (purpose asked again). Everything is logged.";
    KeyAddClosure => "閉庁日追加", "Add closure";
    KeyRemoveClosure => "閉庁日削除", "Remove closure";
    KeyPrevYear => "前年", "Previous year";
    KeyNextYear => "翌年", "Next year";

    // Fields
    FieldStaffName => "職員ID", "Staff ID";
    FieldPassword => "パスワード", "Password";
    FieldCurrentPassword => "現在のパスワード", "Current password";
    FieldNewPassword => "新しいパスワード", "New password";
    FieldConfirmPassword => "新しいパスワード（確認）", "New password (again)";
    FieldOfficeCode => "安定所番号", "Office code";
    FieldOfficeName => "安定所名", "Office name";
    FieldDisplayName => "氏名（表示名）", "Display name";
    FieldRoles => "役割", "Roles";
    FieldKind => "アカウント種別", "Account kind";
    FieldEmail => "メールアドレス", "Email address";
    FieldEmailConfirm => "メールアドレス（確認）", "Email (again)";
    FieldEstablishmentNumber => "事業所番号", "Establishment no.";
    FieldBirthDate => "生年月日", "Date of birth";
    FieldName => "氏名", "Name";
    FieldNameKana => "氏名（カナ）", "Name (kana)";
    FieldSeekerNumber => "求職番号", "Job-seeker no.";

    // Hints under a focused field
    HintOfficeCode => "5桁の数字（例: 13010）", "5 digits (e.g. 13010)";
    HintStaffName => "半角英小文字・数字・. _ -（2〜32文字）", "a-z, 0-9, . _ - (2 to 32 characters)";
    HintPassword => "12文字以上。よく使われるパスワードは使えません", "12 characters or more; common passwords are refused";
    HintRoles => "←→で選び、Spaceで切替（複数可）", "Left/right to choose, Space to toggle";
    HintKind => "←→ または Space で切替", "Left/right or Space to switch";
    HintEmail => "半角英数字。全角で入力した場合は変換を確認します", "Half-width ASCII; full-width input is offered a conversion";
    HintEmailConfirm => "もう一度入力してください（貼り付けでなく打ち直し）", "Type it again (do not paste)";
    HintEstablishmentNumber => "分かる場合のみ。4-6-1桁（例: 1301-999999-9）", "If known: 4-6-1 digits (e.g. 1301-999999-9)";
    HintBirthDate => "例: 1985/4/1、昭和60年4月1日、S60.4.1（全角も可）", "e.g. 1985-04-01, S60.4.1";
    HintName => "漢字氏名（30文字以内）", "Name in kanji (30 characters max)";
    HintNameKana => "全角カタカナ・長音「ー」・中点「・」（ひらがな・半角カナ・「-」は変換されます）", "Katakana, long-vowel mark and middle dot (hiragana, half-width kana and '-' are converted)";
    HintSeekerNumber => "5-8桁（例: 13010-12345678）", "5-8 digits (e.g. 13010-12345678)";
    HintSearchEmail => "メールアドレスを入力して Enter", "Type the email address and press Enter";

    // Kinds, roles, states
    KindEmployer => "求人者", "Employer";
    KindSeeker => "求職者", "Job seeker";
    RoleCounter => "窓口", "Counter";
    RoleSupervisor => "統括", "Supervisor";
    RoleAdmin => "管理者", "Admin";
    RoleAuditor => "監査", "Auditor";
    StateAwaitingRequest => "お客様のパスワード登録待ち（認証キーは未申込）", "Waiting for the customer to ask for a key online";
    StateKeyPending => "認証キー発行済", "Key mailed";
    StateWaiting => "パスワード登録待ち", "Waiting for password registration";
    StateKeyExpired => "認証キー期限切れ（再申込か再発行で新しいキー）", "Key expired (ask again online, or re-issue)";
    StateKeyLocked => "認証キー無効（10回誤り。再申込か再発行）", "Key locked (10 wrong tries; ask again or re-issue)";
    StateActivated => "アカウント登録完了（仮登録期間中）", "Account registered (provisional period)";
    StateOpened => "マイページ開設済", "My Page open";
    StateInvalid => "無効", "Invalid";
    StateWithdrawn => "退会", "Withdrawn (left the service)";
    LabelOrigin => "開設方法", "Opened by";
    OriginCounter => "窓口でメールアドレス登録", "Email registered at the counter";
    OriginSelf => "お客様がオンラインで仮登録", "Self-registered online";
    LabelOpenedAt => "マイページ開設日時", "My Page open since";
    MailQueued => "送信待ち", "Queued";
    MailSending => "送信中", "Sending";
    MailSent => "送信済", "Sent";
    MailStateFailed => "送信失敗", "Failed";
    MailHeld => "保留", "Held";
    MailCancelled => "取消", "Cancelled";
    MailExpired => "期限切れ", "Expired";
    MailWaiting => "メール待ち", "Mail queued";
    MailFailed => "失敗", "failed";
    StaffDisabled => "無効", "disabled";
    StaffLocked => "ロック中", "locked";
    StaffMustChange => "PW変更待ち", "must change PW";

    // Titles and intros
    SignInTitle => "サインイン", "Sign in";
    SignInIntro => "職員IDとパスワードを入力してください。", "Enter your staff ID and password.";
    FirstRunTitle => "初期設定（最初の管理者）", "First run: the first admin";
    FirstRunIntro => "職員がまだ登録されていません。安定所と最初の管理者を登録します。", "No staff yet. Register the office and its first admin.";
    ChangePasswordTitle => "パスワード変更", "Change password";
    ChangePasswordIntro => "現在のパスワードと新しいパスワードを入力してください。", "Enter your current and new password.";
    ForcedChangeIntro => "管理者がパスワードを再設定しました。続けるには変更してください。", "An admin reset your password. Change it to continue.";
    LockedTitle => "画面ロック中", "Screen locked";
    LockedIntro => "一定時間操作がなかったためロックしました。パスワードで解除します。", "Locked after inactivity. Enter your password to unlock.";
    LockedByHandIntro => "画面をロックしました。パスワードで解除します。", "Screen locked. Enter your password to unlock.";
    HomeTitle => "メニュー", "Menu";
    HomeFoot => "数字キーまたは ↑↓ と Enter で選びます。? でヘルプ。", "Press a number, or arrows and Enter. ? for help.";
    MenuRegister => "窓口登録", "Counter registration";
    MenuRegisterDesc => "メールアドレス登録とご案内メール", "Register an account email and mail the guidance";
    MenuAccount => "アカウント照会", "Account";
    MenuAccountDesc => "状態・認証キー・メール送信状況・再発行", "State, auth key, mails sent, re-issue";
    MenuStaff => "職員管理", "Staff";
    MenuStaffDesc => "職員の追加・無効化・ロック解除・再設定", "Add, disable, unlock, reset staff";
    MenuAudit => "監査ログ", "Audit log";
    MenuAuditDesc => "操作記録と改ざん検査", "Actions recorded, tamper check";
    MenuMail => "メール送信状況", "Mail queue";
    MenuMailDesc => "送信待ち・失敗の確認、再送・保留・取消", "Queued and failed mail; retry, hold, cancel";
    MenuChangePassword => "パスワード変更", "Change password";
    MenuChangePasswordDesc => "自分のパスワードを変更", "Change your own password";
    RegisterTitle => "窓口登録（アカウント）", "Counter registration";
    RegisterIntro => "Tab/↓で移動、最後の項目で Enter（または ^S）で登録します。", "Tab/Down to move; Enter on the last field (or ^S) registers.";
    AccountTitle => "アカウント照会", "Account";
    AccountEmpty => "メールアドレスで検索してください。", "Search by email address.";
    AccountState => "状態", "State";
    StaffTitle => "職員管理", "Staff";
    StaffAddTitle => "職員の追加", "Add a staff member";
    StaffAddIntro => "仮パスワードを発行します。初回サインイン時に変更が必要です。", "A temporary password is issued; it must be changed at first sign-in.";
    AuditTitle => "監査ログ（新しい順）", "Audit log (newest first)";
    MailQueueTitle => "メール送信状況", "Mail queue";
    MailFilterAll => "すべて", "all";
    LabelFilter => "表示", "Showing";
    LabelOldest => "最も古い送信待ち", "Oldest waiting";
    ColAge => "経過", "Age";
    ColNext => "次回", "Next";
    ColTries => "回数", "Tries";
    ColTo => "宛先", "To";
    MailWorkerError => "送信エラー", "send error";
    ConfirmMailRetry => "このメールを今すぐ再送しますか？", "Retry this mail now?";
    ConfirmMailHold => "このメールを保留にしますか？", "Hold this mail?";
    ConfirmMailRelease => "保留を解除して送信しますか？", "Release this mail for sending?";
    ConfirmMailCancel => "このメールを取消しますか？", "Cancel this mail?";
    MailRetryEffect => "送信待ちに戻し、すぐに送ります。", "It is queued again and sent at once.";
    MailHoldEffect => "解除するまで送りません。", "It is not sent until released.";
    MailReleaseEffect => "送信待ちに戻します。", "It is queued again.";
    MailCancelEffect => "取消すと送れません。認証キーのメールなら本文も消去します。", "It will never be sent; a key mail's body is erased.";
    HelpMailQueue => "送信待ち・送信済・失敗などの件数と、1通ごとの経過時間・次回の送信予定・サーバーの応答を表示します。\n失敗（5xx）は r で再送できます。宛先の誤りが疑われるときは、アカウント照会で確認してから再発行してください。\nh 保留、e 保留解除、c 取消、f で表示する状態を切替えます。\n一覧は送信の結果や他の端末の操作に合わせて自動で更新されます（g で今すぐ再読込）。\nこの画面を開いたことは監査ログに残ります。", "Counts by state, and for each mail its age, next attempt and the server's last reply.\nA failed (5xx) mail can be retried with r; if the address looks wrong, check the account and re-issue.\nh hold, e release, c cancel, f cycles the state shown.\nThe list follows deliveries and other terminals by itself (g reloads now).\nOpening this screen is recorded in the audit log.";
    HelpTitle => "ヘルプ（Esc で閉じる）", "Help (Esc to close)";

    // Labels
    LabelAccountId => "アカウントID", "Account ID";
    LabelKeyExpires => "認証キー有効期限", "Key valid until";
    LabelMailQueued => "送信待ちのメール", "Mail queued";
    LabelKey => "認証キー", "Auth key";
    LabelActivated => "アカウント登録完了", "Account registered";
    LabelDeadline => "仮登録期限", "Provisional deadline";
    LabelItemDeadline => "期限", "Deadline";
    LabelItemRev => "更新番号", "Version";
    LabelOpenDaysLeft => "残り開庁日", "open days left";
    LabelVisitReason => "来所が必要な理由", "Visit needed because";
    LabelSystem => "システム", "system";
    LabelRegisteredAt => "窓口登録日時", "Registered at";
    Issued => "発行", "issued";
    ExpiresAt => "有効期限", "expires";
    WrongTries => "誤入力", "wrong tries";
    NotGiven => "（未入力）", "(not given)";
    ColTime => "日時", "Time";
    ColSubject => "件名・対象", "Subject";
    ColState => "状態", "State";
    ColReply => "応答", "Reply";
    ColStaff => "職員", "Staff";
    ColAction => "操作", "Action";
    ColOutcome => "結果", "Outcome";
    ColTerminal => "端末", "Terminal";
    ChainOk => "改ざん検査: 正常", "Chain verifies";
    ChainBroken => "改ざん検査: 不整合あり", "Chain broken at";
    Rows => "件", "rows";
    MoreBelow => "↓ 続きあり（j/k, PgDn）", "↓ more below (j/k, PgDn)";
    MoreAbove => "↑ 上に続きあり（k, PgUp）", "↑ more above (k, PgUp)";
    AuRowTitle => "監査ログ 1件", "Audit row";
    AuRowNumber => "番号", "Row";
    AuRowTimeJst => "日時（日本時間）", "Time (JST)";
    AuRowTimeUtc => "日時（UTC）", "Time (UTC)";
    AuRowRoles => "役割", "Roles";
    AuRowCode => "記録上の操作名", "Stored action";
    AuRowDetail => "詳細", "Detail";

    // Messages
    SignInFailed => "IDまたはパスワードが違います。", "ID or password is wrong.";
    SignedOut => "サインアウトしました。", "Signed out.";
    SignedOutDisabled => "この職員IDは無効化されました。管理者に確認してください。", "This staff ID was disabled. Ask an admin.";
    UnlockFailed => "パスワードが違います。", "Wrong password.";
    FirstRunDone => "初期設定が完了しました。職員管理から職員を追加してください。", "Set up. Add staff from the Staff screen.";
    PasswordChanged => "パスワードを変更しました。", "Password changed.";
    FixRedFields => "赤字の項目を直してください。入力内容はそのまま残っています。", "Fix the fields in red; what you typed is kept.";
    FixRedPasswords => "赤字の項目を直して、パスワードを入力し直してください。", "Fix the fields in red and type the passwords again.";
    ConfirmWarnings => "注意があります。このまま登録しますか？", "There are warnings. Register as it is?";
    Registered => "登録しました。ご案内のメールを送信待ちに入れました。", "Registered. The guidance mail is queued.";
    RegisteredHeadline => "登録しました", "Registered";
    RegisteredNote => "お客様には、ご都合のよいときにインターネットサービスの「パスワード登録」から申し込むようご案内ください。認証キーはそのときメールで届き、50分間有効です。", "Tell the customer to apply for password registration on the Internet Service when convenient; the key is mailed then and is valid 50 minutes.";
    RegisteredWaiting => "お客様のパスワード登録待ち", "Waiting for the customer's password registration";
    AccountNotFound => "そのメールアドレスのアカウントはありません。", "No account with that email address.";
    ReissueNotPending => "認証キー待ちのアカウントではないため、再発行できません。", "Not waiting for a key: nothing to re-issue.";
    ConfirmReissue => "認証キーを再発行しますか？", "Re-issue the auth key?";
    ConfirmReissueTo => "送信先:", "To:";
    ConfirmReissueEffect => "前の認証キーは使えなくなり、未送信のメールは取消されます。", "The previous key stops working and its unsent mail is cancelled.";
    Reissued => "再発行しました。新しい認証キーの有効期限:", "Re-issued. New key valid until";
    AlertMailFailed => "！ 最新のメールが送信に失敗しています。アドレスを確認し再発行してください。", "! The latest mail failed. Check the address and re-issue.";
    AlertMailExpired => "！ 認証キーのメールは送信前に期限切れ。再申込か再発行をご案内ください。", "! The key mail expired unsent. The customer applies again, or re-issue.";
    AlertMailStuck => "！ 最新のメールが5分以上送信待ちです。メール送信の状態を確認してください。", "! The latest mail has waited over 5 minutes. Check mail delivery.";
    ConfirmQuit => "終了しますか？（サインアウトします）", "Quit? (You will be signed out.)";
    ConfirmQuitSignedOut => "終了しますか？", "Quit?";
    ConfirmSignOut => "サインアウトしますか？", "Sign out?";
    ConfirmDisable => "この職員を無効化しますか？（開いている画面でも操作できなくなります）", "Disable this staff member? (Open sessions stop working too.)";
    ConfirmEnable => "この職員を有効に戻しますか？", "Enable this staff member again?";
    ConfirmUnlock => "この職員のロックを解除しますか？", "Unlock this staff member?";
    ConfirmReset => "この職員のパスワードを再設定しますか？", "Reset this staff member's password?";
    ConfirmResetEffect => "仮パスワードを発行します。次回サインイン時に変更が必要です。", "A temporary password is issued; it must be changed at next sign-in.";
    StaffAdded => "職員を追加しました", "Staff member added";
    PasswordReset => "パスワードを再設定しました", "Password reset";
    TemporaryPassword => "仮パスワード", "Temporary password";
    TemporaryPasswordNote => "本人に直接伝えてください。この画面を閉じると再表示できません。", "Tell the person directly; it cannot be shown again.";
    Done => "完了しました。", "Done.";
    NotForYourRoles => "この操作はあなたの役割ではできません（本登録・不受理は統括・承認者、審査は窓口・統括）", "Your roles do not include this (approve and reject: supervisor; review: counter and supervisor)";
    ResultClaimed => "を担当しました", "is yours now";
    ResultReleased => "の担当を外しました", "released";
    ResultChecked => "を確認済にしました（承認待ち）", "checked (waiting for approval)";
    ResultApproved => "を本登録しました", "registered";
    ResultVisit => "の窓口来所を記録しました", "visit recorded";
    ResultReturned => "を差戻しました", "returned";
    ResultRejected => "を不受理にしました", "rejected";
    ResultMailQueued => "（お客様へのメールを送信待ちに追加）", " (mail to the customer queued)";
    ResultSkipped => "　承認しなかった求人（来所未記録など）: ", "  not approved (visit not recorded, ...): ";
    CalendarTitle => "閉庁日カレンダー", "Closed days";
    CalendarAddTitle => "閉庁日の追加", "Add an office closure";
    CalendarAddIntro => "この安定所だけの閉庁日を登録します。仮登録の期限の計算に使われます。", "A day this office is closed; deadlines move around it.";
    CalendarNoOfficialData => "！ この年の祝日は公式データがありません。期限が変わることがあります。", "! No official holiday data for this year: deadlines may still change.";
    CalendarWeekends => "土曜・日曜は毎週閉庁日です（一覧には載りません）。", "Saturdays and Sundays are always closed (not listed).";
    CalendarEmpty => "この年の閉庁日はありません。", "No closed days listed for this year.";
    CalendarReadOnly => "閲覧のみ（追加・削除は管理者）", "Read-only (admins add and remove)";
    ColDate => "日付", "Date";
    ColWeekday => "曜日", "Day";
    ColNameReason => "名称・理由", "Name / reason";
    DayHoliday => "祝日", "Holiday";
    DayYearEnd => "年末年始", "Year-end";
    DayOffice => "庁舎閉庁", "Office";
    YearEndText => "年末年始の閉庁（12/29〜1/3）", "Year-end closure (12/29-1/3)";
    FieldClosureDate => "日付", "Date";
    FieldClosureReason => "理由", "Reason";
    HintClosureDate => "例: 2026/5/1、令和8年5月1日", "e.g. 2026-05-01";
    HintClosureReason => "40文字以内（例: 庁舎点検）", "Up to 40 characters (e.g. building inspection)";
    ConfirmRemoveClosure => "この閉庁日を削除しますか？", "Remove this office closure?";
    OnlyOfficeClosuresRemovable => "削除できるのは庁舎閉庁日だけです（祝日・年末年始は削除できません）。", "Only office closures can be removed (not holidays or the year-end closure).";
    ClosureAdded => "閉庁日を追加しました。", "Closure added.";
    ClosureAddedNoOfficialData => "閉庁日を追加しました。注意: この年の祝日は公式データがありません。", "Closure added. Note: no official holiday data for this year.";
    ClosureRemoved => "閉庁日を削除しました。", "Closure removed.";
    MenuCalendar => "閉庁日カレンダー", "Closed days";
    MenuCalendarDesc => "祝日・年末年始・庁舎の閉庁日（期限の計算用）", "Holidays, year-end, office closures";
    TooSmall => "画面を広げてください", "Please enlarge the terminal";
    PasteRefusedInConfirm => "確認欄には貼り付けできません。お客様に伺って、もう一度入力してください", "No pasting into the retype field: type it again as the customer says it";
    TooSmallKeys => "広げるまで q 終了 以外のキーは効きません", "Keys do nothing until then, except q to quit";
    TooSmallQuitAsk => "終了しますか？ Y はい  N いいえ", "Quit? Y yes  N no";

    // Help pages (for counter staff)
    HelpEditing => "入力欄の操作: ←→ 移動 / Home・^A 先頭 / End・^E 末尾 / BS 1文字削除 / ^U 全部削除 / ^W 1語削除\n日本語入力（IME）はカーソル位置に表示されます。F キーが効かない端末では、^ 付きのキーを使ってください。", "Editing: Left/Right move, Home/^A start, End/^E end, BS delete, ^U clear, ^W delete word.\nIf F-keys do not work on your terminal, use the ^ keys.";
    HelpSignIn => "職員IDとパスワードでサインインします。\n5回続けて間違えると30分間サインインできません。解除は管理者に依頼してください。\n15分操作がないと画面がロックされ、パスワードで再開できます（入力中の内容は残ります）。", "Sign in with your staff ID and password.\nFive wrong passwords in a row lock the ID for 30 minutes; an admin can unlock it.\nAfter 15 idle minutes the screen locks; your password reopens it with everything kept.";
    HelpFirstRun => "最初に一度だけ、安定所番号・安定所名と管理者を登録します。\n管理者はその後、職員管理で窓口・統括・監査の職員を追加します。", "Once, at first start: register the office and its admin.\nThe admin then adds counter, supervisor and auditor staff.";
    HelpChangePassword => "12文字以上のパスワードにしてください。記号などの決まりはありません。\nよく使われるパスワードや職員IDを含むものは使えません。", "Use 12 characters or more; no composition rules.\nCommon passwords and ones containing your ID are refused.";
    HelpHome => "使う業務を番号キーで選びます。表示されるのは、あなたの役割で使える業務だけです。\nl で画面ロック、o でサインアウト、q で終了します。", "Choose a job by its number. Only the jobs your roles allow are listed.\nl locks the screen, o signs out, q quits.";
    CheckTitle => "確認（チェックリスト）", "Check (checklist)";
    CheckMissing => "チェックのない項目があります。確認してチェックしてください:", "Some items are not ticked. Check them and tick them:";
    KeyRecordCheck => "確認済にする", "Mark as checked";
    KeyTick => "チェック", "Tick";
    KeyTickAll => "すべてチェック", "Tick all";
    HelpRegister => "お客様のメールアドレスを2回入力していただき、登録します。\n求人者: 事業所番号が分かれば入力します。フリーメールは注意（橙）が出ますが、確認すれば登録できます。\n求職者: 生年月日・氏名・カナ・求職番号も入力します。\n赤字は直さないと登録できません。入力した内容は消えません。\n登録すると「メールアドレス登録のお知らせ」を送ります。認証キーは、お客様がインターネットサービスで「パスワード登録」を申し込んだときにメールで届き、50分間有効です。キーは画面に表示されません。", "Ask the customer to give the email twice.\nEmployer: the establishment number if known. Free-mail addresses get an orange warning you can accept.\nJob seeker: date of birth, name, kana and job-seeker number too.\nRed must be fixed; nothing you typed is lost.\nOn success a guidance mail is queued; the auth key is mailed when the customer applies for password registration online, valid 50 minutes, and is never shown on screen.";
    HelpAccount => "メールアドレスで検索し、状態・認証キーの期限・送ったメールを確認します。\n開設方法（窓口で登録／オンラインで仮登録）と、パスワード登録待ち・認証キー発行済・マイページ開設済などの状態が分かります。\n「認証キーが届かない」ときは、メールの状態（送信待ち・失敗・期限切れ）を見て、お客様にもう一度パスワード登録を申し込んでいただくか、r で再発行します。\n再発行すると前のキーは使えなくなります。\nこのセッションで初めてのお客様は、表示の前に見る目的を聞きます（問合せ対応が選択済み、Enter で進む）。照会した記録は目的とともに監査ログに残ります。", "Search by email to see the state, the key's expiry and every mail sent.\nWhen the key did not arrive, check the mail state and press r to re-issue.\nRe-issuing kills the previous key.\nA customer not seen yet this session is asked the purpose first (Inquiry preselected: Enter goes on). Every look is recorded in the audit log with its purpose.";
    HelpStaff => "a 追加、d 無効化・有効化、u ロック解除、p パスワード再設定。\n仮パスワードは一度だけ表示されます。本人に直接伝えてください。\nすべての操作は監査ログに残ります。", "a add, d disable/enable, u unlock, p reset password.\nA temporary password is shown once; tell the person directly.\nEvery change is recorded in the audit log.";
    HelpAudit => "新しい順に操作記録を表示します。上部の検査結果が「不整合あり」の場合は、記録が書き換えられた可能性があります。システム管理者に連絡してください。\nf: 職員・対象・操作・期間で絞込み。r: 照会レポート（職員別・日別の件数、手続のない照会、時間外アクセス）。x: CSVに書出し。g: 再読込と改ざん検査。\nEnter: 選んだ1件のすべての項目（日本時間とUTCの日時、職員、役割、端末、操作、対象、目的、結果、詳細）を表示。Esc で一覧に戻ります。", "The newest actions first. If the check at the top says broken, the log may have been altered: tell the system administrator.\nf: filter by staff, subject, action, dates. r: the lookup report. x: export CSV. g: reload and verify.\nEnter: the chosen row in full (time in JST and UTC, staff, roles, terminal, action, subject, purpose, outcome, detail). Esc goes back to the list.";
    HelpCalendar => "仮登録の期限（R-DL-2）の計算に使う閉庁日です。期限が閉庁日に当たると、前の開庁日に繰り上がります。\n祝日は同梱の祝日データ、年末年始は 12/29〜1/3、土日は毎週閉庁です。\n管理者は a で庁舎の閉庁日を追加、d で削除できます（確認あり、監査ログに残ります）。p 前年、n 翌年。\n祝日の公式データがない年は、上部に注意が出ます。", "Closed days move provisional deadlines (R-DL-2) back to the previous open day.\nHolidays come from the bundled list; the year-end closure is 12/29-1/3; weekends are always closed.\nAdmins add an office closure with a and remove one with d (confirmed, audited). p previous year, n next year.\nA year without official holiday data shows a warning at the top.";
}

/// What the history of a submission calls each stored action (screen and CLI alike).
#[must_use]
pub fn history_action(action: &str) -> Option<Msg> {
    Some(match action {
        "claim" => Msg::HistClaim,
        "release" => Msg::HistRelease,
        "handover" => Msg::HistHandOver,
        "check" => Msg::HistCheck,
        "return" => Msg::HistReturn,
        "reject" => Msg::HistReject,
        "approve" => Msg::HistApprove,
        "visit" => Msg::HistVisit,
        "visit_flag" => Msg::HistVisitFlag,
        "comment" => Msg::HistComment,
        "follow_up" => Msg::HistFollowUp,
        "deadline_passed" => Msg::HistDeadlinePassed,
        "purge" => Msg::HistPurge,
        _ => return None,
    })
}

/// A weekday's short name: 「月」 or "Mon".
#[must_use]
pub fn weekday_short(lang: Lang, w: chrono::Weekday) -> &'static str {
    let i = w.num_days_from_monday() as usize;
    match lang {
        Lang::Ja => ["月", "火", "水", "木", "金", "土", "日"][i],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
    }
}

/// Until when something holds: 「13:09 まで有効」 or "valid until 13:09".
#[must_use]
pub fn valid_until(lang: Lang, when: impl std::fmt::Display) -> String {
    match lang {
        Lang::Ja => format!("{when} まで有効"),
        Lang::En => format!("valid until {when}"),
    }
}

/// A year in a heading: 「2026年」 or "2026".
#[must_use]
pub fn year(lang: Lang, year: i32) -> String {
    match lang {
        Lang::Ja => format!("{year}年"),
        Lang::En => year.to_string(),
    }
}

/// How long ago, in its largest unit: `3分`, `2時間`, `5日` (or `3m`, `2h`, `5d`).
#[must_use]
pub fn age(lang: Lang, secs: i64) -> String {
    let (n, ja, en) = match secs {
        s if s < 60 => (s, "秒", "s"),
        s if s < 3600 => (s / 60, "分", "m"),
        s if s < 86_400 => (s / 3600, "時間", "h"),
        s => (s / 86_400, "日", "d"),
    };
    match lang {
        Lang::Ja => format!("{n}{ja}"),
        Lang::En => format!("{n}{en}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::Ja).is_empty(), "{m:?}");
            assert!(!m.text(Lang::En).is_empty(), "{m:?}");
            assert!(
                m.text(Lang::En).is_ascii()
                    || matches!(
                        m,
                        Msg::KeyUp | Msg::KeyDown | Msg::MoreBelow | Msg::MoreAbove
                    ),
                "{m:?} English has non-ASCII"
            );
        }
    }
}
