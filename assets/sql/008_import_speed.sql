-- Version 8: an offer's R-VISIT-1 reasons are kept on its `submissions` row (a JSON array of
-- [code, label] pairs; NULL: none) instead of one `submission_visit_reasons` row per reason.
-- Nearly every imported job offer has two or more reasons: each was a B-tree insert of its
-- own (and a delete per reason on every resubmission); on the row they cost nothing extra.
-- Written only by storage::submissions (insert, set_visit_reasons), read by its
-- `visit_reasons`, which gives them in code order as the table's primary key did.
ALTER TABLE submissions ADD COLUMN visit_reasons TEXT;
UPDATE submissions SET visit_reasons =
    (SELECT json_group_array(json_array(r.code, r.label))
       FROM (SELECT code, label FROM submission_visit_reasons
              WHERE submission_id = submissions.id ORDER BY code) r)
 WHERE id IN (SELECT submission_id FROM submission_visit_reasons);
DROP TABLE submission_visit_reasons;
