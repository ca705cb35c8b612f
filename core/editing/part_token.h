#pragma once
// Part tokens (algorithm.md §2): a learned embedding with one (BG, PART) row pair per part,
// stored as safetensors — tensor `embedding` [2k, D] plus `__metadata__` strings (lists
// JSON-encoded). A file with only `embedding` (the authors' own format) is valid too; the
// authors' PyTorch `torch.save` files are converted by import_torch_token.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

// How a token was trained (metadata key "training", a JSON object); unknown fields stay at
// their defaults (the authors' tokens and imported files carry none).
struct TokenTrainingRecord {
  int64_t images = -1;             // training images
  int64_t validation_images = -1;  // held-out images the mIoU was measured on
  double validation_miou = -1;     // mean IoU of Otsu-binarised maps on them
  std::string mode;                // "cached" | "exact"
  int64_t steps = -1;              // optimisation steps
  std::string date;                // ISO 8601, UTC

  bool known() const { return images >= 0 || steps >= 0 || !mode.empty(); }
};

struct PartToken {
  at::Tensor embedding;           // [2k, D] float32 CPU: rows (BG, PART) per part
  std::string part_name;          // kebab-case, e.g. "human-head"
  std::string display_name;       // e.g. "Human head"
  std::string base_model_family;  // "sdxl" | "sd15" | "sd21" | "unknown"
  int64_t embedding_dim = 0;      // D
  std::vector<int64_t> layers;    // cross-attention layer indices used in training; empty = unknown
  std::pair<int64_t, int64_t> timestep_range{-1, -1};  // [first, last] trained timesteps; -1 = unknown
  std::string training_summary;   // free text: images, steps, loss, date
  TokenTrainingRecord training;   // what PartEdit's trainer recorded

  int64_t num_parts() const;  // rows / 2
};

// What a token file says about itself, read from the header only (no tensor data):
// what `tokens list` shows.
struct PartTokenInfo {
  std::filesystem::path path;
  std::string part_name;
  std::string display_name;
  std::string base_model_family;
  int64_t embedding_dim = 0;
  int64_t num_parts = 0;
  bool has_metadata = false;  // false: the authors' bare format
};

// Reads and validates a token file; throws partedit::Error naming the file and the problem
// (missing `embedding`, rank ≠ 2, odd or zero rows, non-float dtype, non-finite values,
// unparsable metadata). F16/BF16 are converted to float32.
PartToken read_part_token(const std::filesystem::path& path);
PartTokenInfo read_part_token_info(const std::filesystem::path& path);

// Validates and writes atomically (temporary file + rename). Fills embedding_dim from the
// tensor when it is 0 and derives an empty display name / family.
void write_part_token(const std::filesystem::path& path, const PartToken& token);

// Converts a PyTorch `torch.save` file (zip format) holding one tensor — alone, or the only
// tensor among the values of a dict/list/tuple — into a token named `part_name` (the
// kebab-cased file stem when empty). Implemented in part_token_import.cpp.
PartToken import_torch_token(const std::filesystem::path& path, const std::string& part_name = "");

// What a token file is: a torch.save zip archive (by its content, or the authors' extensions
// .pt, .pth, .bin), a safetensors file (.safetensors), or neither. Extensions in any case.
enum class TokenFileKind { Safetensors, TorchSave, Other };
TokenFileKind token_file_kind(const std::filesystem::path& path);
// Reads a token file of either kind (a torch.save file is named after its file stem).
PartToken read_token_file(const std::filesystem::path& path);

// The one rule for which token can condition which model (CLI, batch, engine, the app's token
// panel): the token's embedding must be as wide as the model's text conditioning, and a token
// of a known family (sdxl, sd15, sd21) must be of the model's family. A token of any other
// family ("unknown": the authors' bare files, odd widths, custom models) is used when its width
// fits: the width is all the model needs, the family only guards against mislabelled files.
enum class TokenFit { Fits, WidthDiffers, FamilyDiffers };
TokenFit token_fit(int64_t token_width, const std::string& token_family, int64_t model_embedding_dim,
                   const std::string& model_family);
// Why `token` cannot condition the model (token_fit in words), or "" when it can.
std::string token_incompatibility(const PartToken& token, int64_t model_embedding_dim, const std::string& model_family);
// Throws token_incompatibility as an Error when it is not empty.
void check_token_compatible(const PartToken& token, int64_t model_embedding_dim, const std::string& model_family);

// Helpers shared with the token library and the command line.
std::string family_for_width(int64_t embedding_dim);         // 2048 sdxl, 768 sd15, 1024 sd21, else "unknown"
std::string family_display_name(const std::string& family);  // "sd15" -> "SD 1.x" (SDXL, SD 2.x); others as given
std::string part_name_from_text(const std::string& text);    // "Human_Head.v2" -> "human-head-v2"
std::string display_name_for(const std::string& part_name);  // "human-head" -> "Human head"
bool is_valid_part_name(const std::string& name);            // [a-z0-9]+ joined by single '-'

// Checks an embedding tensor (rank, rows, dtype, finiteness) and returns it as contiguous
// float32 CPU without autograd history; `where` names the source in the error.
at::Tensor validated_token_embedding(const at::Tensor& embedding, const std::string& where);

}  // namespace partedit
