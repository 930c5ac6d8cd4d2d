-- Aging buckets (DOMAIN.md §2). bucket_index: 0 for "not due" (<= 0 days past due, or no due date),
-- then k for the k-th interval between the edges of config aging.bucket_edges, so edges [30, 60, 90]
-- put 31 days in bucket 2 (d31_60). Counting the edges passed (edges[k] beyond the list is NULL and
-- counts 0) is much faster than a list lambda per row; riskcore.kpi.bucket_names allows at most 6 edges.
CREATE OR REPLACE MACRO bucket_index(days, edges) AS
    CASE WHEN days IS NULL OR days <= 0 THEN 0
         ELSE 1 + coalesce(CAST(days > edges[1] AS INTEGER), 0) + coalesce(CAST(days > edges[2] AS INTEGER), 0)
                + coalesce(CAST(days > edges[3] AS INTEGER), 0) + coalesce(CAST(days > edges[4] AS INTEGER), 0)
                + coalesce(CAST(days > edges[5] AS INTEGER), 0) + coalesce(CAST(days > edges[6] AS INTEGER), 0) END;

-- The bucket's name, names being riskcore.kpi.bucket_names(edges): not_due, d1_30, ..., d91_plus.
CREATE OR REPLACE MACRO bucket_of(days, edges, names) AS names[1 + bucket_index(days, edges)];
