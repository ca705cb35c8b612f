#pragma once
// `partedit-cli batch --merge DIR`: the shards' results-I-of-N.jsonl joined into one table, in
// manifest order, without the run's own fields (shard, seconds), so that a table does not
// depend on how the work was split:
// - results.jsonl and results.csv: one row per edit;
// - means.jsonl and means.csv: the mean scores over all edits, per part and per edit (what
//   the part becomes); PSNR over the edits whose background changed (an identical background
//   has no finite PSNR; those are counted in "identical_backgrounds").
// Every shard 0..N-1 must be there and every edit of the manifest must have a record; a shard
// whose last record was cut short by a crash, or a record of an edit the manifest does not have,
// is refused (--resume repairs both).
#include <cstddef>
#include <filesystem>
#include <string>

namespace partedit::cli {

struct MergeSummary {
  size_t shards = 0, edits = 0, failed = 0, scored = 0;
  std::string means_table;  // the means as aligned text, for the terminal
};

// Throws Error naming what is missing or inconsistent (a shard, an edit, two records of one
// edit, shards of different splits); writes nothing then.
MergeSummary merge_batch_results(const std::filesystem::path& dir);

}  // namespace partedit::cli
