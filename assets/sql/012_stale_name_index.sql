-- Version 12: a purge (R-DL-3) drops a name from `queue_search_names` only when no stale row
-- still remembers it; that question now reads an index instead of the whole stale table.
CREATE INDEX queue_search_stale_name ON queue_search_stale (old_name);
