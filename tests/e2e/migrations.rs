//! Released migrations are history (issue 19 item 7): each file's SHA-256 is pinned here, so a
//! migration that reached any database is never edited again (a change goes into a new file).
//! A new migration is pinned in the commit that adds it.

use sha2::{Digest, Sha256};

const PINNED: &[(&str, &str)] = &[
    (
        "schema.sql",
        "1f680bb06168aa758f622bb2599a20aabe88398c566d51d88d5105378535dbc8",
    ),
    (
        "assets/sql/002_submissions.sql",
        "0ef098cfe01fe0bb0823a9589ae12731e801fb8348e64b04ba99f6e8be2c19d7",
    ),
    (
        "assets/sql/003_review.sql",
        "a681ee7be21d55b8a70668e89d1b4d34bdffc430b3baa79ebc91192e752e46df",
    ),
    (
        "assets/sql/004_lookup.sql",
        "857c8c8e9c630fefc32cbd2b028c4fb68c82c3cdbfb530ea7b42aba8401ccb0a",
    ),
    (
        "assets/sql/005_import_writes.sql",
        "d41aaf8ba066b2a9845ba74c0ca9e1f364cd2ae98aa5c907444125bff59ece4d",
    ),
    (
        "assets/sql/006_queue_search.sql",
        "778c6a492a10055916aaaca9d92f5924d2072bcb57dddc9bfdb0bb614cce4bd7",
    ),
    (
        "assets/sql/007_queue_order.sql",
        "9233eb2ff137b875dda94dfb9fd3725a74d8b61179877893735c852705f9d46c",
    ),
    (
        "assets/sql/008_import_speed.sql",
        "c3019e592c2fa4f6742aa9fa1c505496a0715f2cfbbd779752ee6d4a69f2e0f8",
    ),
    (
        "assets/sql/009_job_category.sql",
        "c03f2040d8fbf96d379986d74914f15ebe8039002b395aa25cc6ff138cb4a10f",
    ),
    (
        "assets/sql/010_import_writes_less.sql",
        "ed5e88fff99f3b9ca73636b1289dc75f4f2781a6048e3afedcbfc15f81266d01",
    ),
    (
        "assets/sql/011_payload_any.sql",
        "b80f65602286f01105f8ee561dc4b2b39c0df365a1d479341c3203d2f7db0704",
    ),
    (
        "assets/sql/012_stale_name_index.sql",
        "a76614a48410b0898ac2c1e3b92b0c46b7d55681b177dfe4850b5aa749e49c68",
    ),
    (
        "assets/sql/013_account_index.sql",
        "a9654b78ff1ff7380cd235aa1479f7e6d289fcf0e11cb59973b737ac58feb8b3",
    ),
    (
        "assets/sql/014_account_origin.sql",
        "1e2244d3388bdfd090c0090cfbe4772ccf26279510c3b2afa2cb5ed7740ac5d4",
    ),
    (
        "assets/sql/015_email_case.sql",
        "f5a40e60081f4e7c24d0ac2a501c4b1a58f31785492d7c4078cdb5d5aa09a768",
    ),
    (
        "assets/sql/016_audit_keyed.sql",
        "12e25acb3ef5615001d0a26c06af6ee7e48decb53de11d802df0e6f78ced7018",
    ),
    (
        "assets/sql/017_item_version.sql",
        "3400165a342fb3ba17067404456a662441b17c6722471eadd91c3b37437d92c6",
    ),
    (
        "assets/sql/018_queue_tally.sql",
        "1d38b6db0d0fdbdc786ee1245f7aaeb2eb8f5999773178e9b420b1753cc1923e",
    ),
    (
        "assets/sql/019_tally_inserts.sql",
        "013bb5157be6dc9819dae2576f366d91205fa4f8bed54c82cea0619bc2db124c",
    ),
    (
        "assets/sql/020_unclaimed_tally.sql",
        "30ff880a3647894b3e9ad64a8c2756f5ce046b6510913d8cd75bc95ce0f08a73",
    ),
];

#[test]
fn released_migrations_are_never_edited() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (file, want) in PINNED {
        let bytes = std::fs::read(format!("{root}/{file}")).expect(file);
        let got = hex::encode(Sha256::digest(&bytes));
        assert_eq!(
            &got, want,
            "{file} was edited after its release: put the change in a new migration"
        );
    }
}

#[test]
fn every_migration_file_is_pinned() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<String> = std::fs::read_dir(format!("{root}/assets/sql"))
        .expect("assets/sql")
        .filter_map(Result::ok)
        .map(|e| format!("assets/sql/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    let pinned: Vec<&str> = PINNED
        .iter()
        .map(|p| p.0)
        .filter(|f| f.starts_with("assets/"))
        .collect();
    assert_eq!(
        files, pinned,
        "pin every migration file (name and SHA-256) in tests/e2e/migrations.rs"
    );
    assert_eq!(
        files.len() + 1,
        usize::try_from(madoguchi::storage::migrate::current_version()).expect("version"),
        "one file per upgrade"
    );
}
