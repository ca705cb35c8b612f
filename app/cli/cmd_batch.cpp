// partedit-cli batch: the edits of a JSON Lines manifest (batch_manifest.h), one shard of them
// per process (--shard I/N: the lines whose index modulo N is I), with the model loaded once
// and kept; results per shard (batch_results.h), joined by --merge (batch_merge.h). A cluster's
// own scheduler runs the shards (packaging/cluster/). Everything a batch writes is inside --out
// (batch_outputs.h); a line's failure, whatever it is, is that line's record, never the batch's end.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "batch_eval.h"
#include "batch_manifest.h"
#include "batch_merge.h"
#include "batch_outputs.h"
#include "batch_results.h"
#include "cli_app.h"
#include "cli_common.h"
#include "commands.h"
#include "edit_command.h"
#include "engine/engine.h"
#include "options.h"
#include "runtime/error.h"
#include "runtime/error_text.h"
#include "runtime/elapsed.h"
#include "runtime/message_text.h"

namespace partedit::cli {
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

struct BatchOptions {
  std::string manifest, out, defaults, merge, shard = "0/1", clip_model;
  bool resume = false, eval = false;
  RunOptions run;
};

// A line of this shard, parsed and checked, ready to run.
struct PlannedEdit {
  const ManifestLine* line = nullptr;
  std::unique_ptr<EditCommandLine> command;
  PreparedEdit prepared;
};

std::string part_names(const EditJob& job) {
  std::string names;
  for (const auto& part : job.parts) names += (names.empty() ? "" : "+") + part.part_name;
  return names;
}

// What the part becomes: the appended edit's words, the swapped-in word, or the edit prompt.
std::string edit_text(const EditInstruction& instruction) {
  switch (instruction.form) {
    case EditInstruction::Form::Appended: return instruction.appended.edit;
    case EditInstruction::Form::Swap: return instruction.edit_word;
    case EditInstruction::Form::Explicit: break;
  }
  return instruction.edit_prompt;
}

// Whether `record` has `key` and it equals `value` (a record read back may hold anything).
bool field_equals(const ordered_json& record, const char* key, const ordered_json& value) {
  return record.is_object() && record.contains(key) && record.at(key) == value;
}

// A line's error as it goes into its record and onto the terminal: printable, valid UTF-8
// (a message may quote raw bytes of the manifest), and of bounded length.
std::string line_error_text(const std::string& message) {
  constexpr size_t kMaxErrorChars = 2000;
  return printable_excerpt(message, kMaxErrorChars);
}

// Lines of one model together, models in the order the shard first needs them.
void group_by_model(std::vector<PlannedEdit>& planned) {
  std::map<std::string, size_t> first_use;
  for (const auto& edit : planned) first_use.emplace(edit.line->model_key, first_use.size());
  std::stable_sort(planned.begin(), planned.end(), [&](const PlannedEdit& a, const PlannedEdit& b) {
    return first_use.at(a.line->model_key) < first_use.at(b.line->model_key);
  });
}

int merge(const BatchOptions& o) {
  const MergeSummary summary = merge_batch_results(o.merge);
  const fs::path dir(o.merge);
  std::cout << "merged " << summary.shards << " shard(s): " << summary.edits << " edits, " << summary.failed
            << " failed, " << summary.scored << " scored\n"
            << summary.means_table << "wrote " << (dir / "results.jsonl").string() << ", "
            << (dir / "results.csv").string() << ", " << (dir / "means.jsonl").string() << ", "
            << (dir / "means.csv").string() << "\n";
  return summary.failed > 0 ? 1 : 0;
}

// One shard of a manifest in this process: its lines checked, then run, each result recorded.
class ShardRun {
 public:
  ShardRun(const BatchOptions& o, const Shard& shard, const fs::path& out)
      : options_(o),
        shard_(shard),
        out_(out),
        manifest_(read_manifest(o.manifest, o.defaults.empty() ? std::nullopt : std::optional<fs::path>(o.defaults), out)),
        results_(shard_results_path(out, shard), o.resume) {}

  // This shard's lines checked before any model is loaded: malformed ones recorded as failed,
  // finished ones (with --resume) skipped, the rest prepared.
  void plan() {
    if (options_.resume) {
      refuse_foreign_records();
      results_.compact();  // without a torn last record, refused or superseded ones: appends follow
    }
    size_t mine = 0;
    std::map<fs::path, std::set<std::string>> to_write;  // folder -> the outputs about to be written there
    for (const ManifestLine& line : manifest_.lines) {
      if (line.index % shard_.count != shard_.index) continue;
      ++mine;
      // Lines that fail here cost nothing to redo: their records are fsynced once, below.
      if (!line.error.empty()) {
        fail(line, base_record(line), line.error, false);
        continue;
      }
      if (finished_before(line)) {
        ++skipped_;
        continue;
      }
      try {
        for (const auto& [key, output] : line.outputs) {
          check_output_inside(manifest_.out_root, key, output);  // again: the folders may have changed
          std::error_code error;
          fs::create_directories(output.parent_path(), error);
          if (error)
            throw Error("\"" + key + "\": cannot create the folder " + output.parent_path().string() + " (" +
                        error.message() + ")");
          check_output_inside(manifest_.out_root, key, output);
          to_write[output.parent_path()].insert(output.filename().string());
        }
        PlannedEdit edit;
        edit.line = &line;
        edit.command = std::make_unique<EditCommandLine>(line.words);
        edit.prepared = prepare_edit(edit.command->command(), edit.command->options());
        planned_.push_back(std::move(edit));
      } catch (...) {
        const ErrorText error = describe_exception(std::current_exception());
        if (error.kind == ErrorKind::Cancelled) throw;
        fail(line, base_record(line), error.message, false);
      }
    }
    results_.sync();
    // What a killed run left of the files about to be written, each folder read once.
    for (const auto& [folder, names] : to_write) remove_stale_temporaries(folder, names);
    std::cerr << "shard " << shard_.text() << ": " << mine << " of " << manifest_.lines.size() << " edits";
    if (skipped_ > 0) std::cerr << ", " << skipped_ << " done already";
    std::cerr << ", " << planned_.size() << " to run\n";
  }

  // The planned edits, a model's lines together, on one engine that keeps the model.
  void run(const ComputeOptions& compute) {
    group_by_model(planned_);
    Engine engine;
    std::optional<BatchScorer> scorer;
    if (options_.eval && !planned_.empty())
      scorer.emplace(options_.clip_model.empty() ? std::nullopt : std::optional<fs::path>(options_.clip_model), compute);
    CancelToken cancel;
    InterruptScope interrupt(cancel);
    const EngineListener listener = stderr_listener();
    size_t started = 0;
    for (PlannedEdit& edit : planned_) {
      const ManifestLine& line = *edit.line;
      ordered_json record = base_record(line);
      std::cerr << "[" << ++started << "/" << planned_.size() << "] " << line_place(manifest_, line) << "\n";
      const auto line_start = std::chrono::steady_clock::now();
      try {
        const EditJob job = edit.prepared.job;
        const EditJobResult result = run_edit(edit.command->command(), edit.command->options(),
                                              std::move(edit.prepared), engine, listener, cancel);
        record["status"] = "ok";
        record["prompt"] = result.source_prompt;
        record["part"] = part_names(job);
        record["edit"] = edit_text(job.instruction);
        record["edit_prompt"] = result.edit.edit_prompt;
        if (result.edit.noise_from_seed) record["seed"] = result.edit.seed;
        if (scorer) record["scores"] = scorer->score(result, line);
        record["files"] = output_fingerprints(line.outputs);
      } catch (...) {
        const ErrorText error = describe_exception(std::current_exception());
        if (error.kind == ErrorKind::Cancelled) throw;  // Ctrl-C: the finished lines are recorded
        fail(line, record, error.message);
        continue;
      }
      record["seconds"] = seconds_since(line_start);
      results_.put(std::move(record));
      ++edited_;
    }
  }

  // The results file rewritten: one record per line, in the order they finished.
  void compact() { results_.compact(); }

  size_t edited() const { return edited_; }
  size_t skipped() const { return skipped_; }
  size_t failed() const { return failed_; }
  const fs::path& results_file() const { return results_.file(); }

 private:
  // The record's fields every line has, before it runs.
  ordered_json base_record(const ManifestLine& line) const {
    ordered_json record = {{"line", line.line_number}, {"index", line.index}, {"edits", manifest_.lines.size()},
                           {"key", line.key}, {"status", "error"}};
    if (line.entry.contains("model")) record["model"] = line.entry["model"];
    ordered_json outputs = ordered_json::object();
    for (const auto& [key, path] : line.outputs) outputs[key] = path.lexically_relative(out_).string();
    record["outputs"] = outputs;
    record["shard"] = shard_.text();
    return record;
  }

  void fail(const ManifestLine& line, ordered_json record, const std::string& message, bool durable = true) {
    const std::string text = line_error_text(message);
    std::cerr << line_place(manifest_, line) << ": error: " << text << "\n";
    record["status"] = "error";
    record["error"] = text;
    results_.put(std::move(record), durable);
    ++failed_;
  }

  // With --resume: whether the line's record says it finished, for the line as it is now, with
  // its outputs as they were written. Says why a finished line runs again.
  bool finished_before(const ManifestLine& line) {
    const ordered_json* done = options_.resume ? results_.find(line.index) : nullptr;
    if (!done || !field_equals(*done, "status", "ok") || (options_.eval && !done->contains("scores"))) return false;
    const std::string changed = outputs_changed(done->contains("files") ? done->at("files") : ordered_json(), line.outputs);
    if (changed.empty()) return true;
    std::cerr << line_place(manifest_, line) << ": runs again: " << line_error_text(changed) << "\n";
    return false;
  }

  // With --resume: the records read back that are not of a line of this shard as the manifest
  // has it now (an index the manifest lacks, another shard's, another line's content) are
  // dropped, with a warning: they must not stand for a line or reach the merged results.
  void refuse_foreign_records() {
    constexpr size_t kMaxWarnings = 10;
    size_t refused = 0;
    for (const size_t index : results_.indices()) {
      const ordered_json& record = *results_.find(index);
      std::string why;
      if (index >= manifest_.lines.size()) {
        why = "the manifest has " + std::to_string(manifest_.lines.size()) + " edits); left out of the results";
      } else if (index % shard_.count != shard_.index) {
        why = "it is not shard " + shard_.text() + "'s); left out of the results";
      } else {
        const ManifestLine& line = manifest_.lines[index];
        if (!field_equals(record, "line", line.line_number) || !field_equals(record, "key", line.key))
          why = "line " + std::to_string(line.line_number) + " of the manifest is not what it ran); it runs again";
      }
      if (why.empty()) continue;
      if (++refused <= kMaxWarnings)
        std::cerr << results_.file().filename().string() << ": refused the record of edit " << index << " (" << why
                  << "\n";
      results_.drop(index);
    }
    if (refused > kMaxWarnings)
      std::cerr << results_.file().filename().string() << ": refused " << refused - kMaxWarnings << " more records\n";
  }

  const BatchOptions& options_;
  Shard shard_;
  fs::path out_;
  Manifest manifest_;
  ShardResults results_;
  std::vector<PlannedEdit> planned_;
  size_t skipped_ = 0, failed_ = 0, edited_ = 0;
};

// --out, made when missing; a file or an unmakeable folder is said so, not as a filesystem error.
void create_out_folder(const fs::path& out) {
  std::error_code error;
  if (fs::exists(out, error) && !fs::is_directory(out, error))
    throw Error("--out " + out.string() + " is a file, not a folder (batch writes its outputs and results into a folder)");
  fs::create_directories(out, error);
  if (error) throw Error("--out " + out.string() + ": cannot create the folder (" + error.message() + ")");
}

int batch(const CLI::App& command, const BatchOptions& o) {
  if (!o.merge.empty()) {
    for (const char* option : {"--out", "--defaults", "--shard", "--resume", "--eval", "--clip-model"})
      if (command.count(option) > 0) throw Error(std::string("--merge joins finished shards; it takes no ") + option);
    if (!o.manifest.empty()) throw Error("--merge joins finished shards; it takes no manifest");
    return merge(o);
  }
  if (o.manifest.empty()) throw Error("name the manifest (a JSON Lines file, one edit per line), or --merge DIR");
  if (o.out.empty()) throw Error("missing required option --out (the folder the outputs and results go to)");
  if (command.count("--clip-model") > 0 && !o.eval) throw Error("--clip-model is for --eval");
  const Shard shard = parse_shard(o.shard);
  const ComputeOptions compute = o.run.compute();
  const auto start = std::chrono::steady_clock::now();
  create_out_folder(o.out);
  fs::path out = fs::absolute(o.out).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();  // "dir/": relative paths are taken from "dir"
  ShardRun run(o, shard, out);
  run.plan();
  try {
    run.run(compute);
  } catch (...) {
    try {
      run.compact();  // Ctrl-C: the lines finished so far, each once (the log is valid without it)
    } catch (...) {
    }
    throw;
  }
  run.compact();
  const double total = seconds_since(start);
  std::cout << "shard " << shard.text() << ": " << run.edited() << " edited, " << run.skipped() << " done already, "
            << run.failed() << " failed; results in " << run.results_file().string() << "\n";
  if (o.run.timings) {
    const ordered_json t = {{"edits", run.edited()},
                            {"total", total},
                            {"images_per_minute", total > 0 ? 60.0 * double(run.edited()) / total : 0.0}};
    print_timings(t, compute);
  }
  return run.failed() > 0 ? 1 : 0;
}

}  // namespace

Command add_batch(CLI::App& root) {
  CLI::App* command = root.add_subcommand("batch", "run the edits of a JSON Lines manifest, one shard per process");
  set_usage(*command,
            "partedit-cli batch MANIFEST --out DIR [--defaults FILE] [--shard I/N] [--resume] [--eval [--clip-model DIR]]\n"
            "       partedit-cli batch --merge DIR");
  auto o = std::make_shared<BatchOptions>();
  command->add_option("manifest", o->manifest,
                      "one edit per line: a JSON object whose keys are edit's long options without the dashes")
      ->type_name("MANIFEST");
  command->add_option("--out", o->out, "the folder outputs (relative \"out\" paths) and results go to; nothing is written outside it")
      ->type_name("DIR");
  command->add_option("--defaults", o->defaults, "a JSON object of keys every line shares (a line's own keys win)")
      ->type_name("FILE");
  command->add_option("--shard", o->shard, "run the lines whose index modulo N is I (0 <= I < N)")
      ->type_name("I/N")
      ->capture_default_str();
  command->add_flag("--resume", o->resume,
                    "skip the lines whose results are there and whose outputs are as written; run the rest");
  command->add_flag("--eval", o->eval, "score each edit (as partedit-cli eval) into its result");
  command->add_option("--clip-model", o->clip_model, "CLIP folder for --eval's CLIP scores (else PSNR and SSIM only)")
      ->type_name("DIR");
  command->add_option("--merge", o->merge,
                      "join the results-I-of-N.jsonl of DIR into results.jsonl/.csv and means.jsonl/.csv")
      ->type_name("DIR");
  add_run_options(*command, o->run);
  return {command, [command, o] { return batch(*command, *o); }};
}

}  // namespace partedit::cli
