-- local only: stands in for another branch's 0012 so 0014 applies in this branch; the lead drops
-- this file when merging.
SELECT 1;
