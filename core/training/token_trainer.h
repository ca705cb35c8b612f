#pragma once
// Training a part token from images and masks (algorithm.md §5; paper §3.1, Appendix K).
// The data path is shared by both modes: every image is VAE-encoded once and noised once
// per timestep of the options' range (seeded), each step draws one of those timesteps for
// all training images, and the loss is the binary cross-entropy between the token's part
// maps at the part layers and the mask (training/part_maps.h), averaged over layers,
// pixels and images. Only the 2 × D embedding changes. Validation measures the held-out
// images the way the mode trains (cached: the prompt-conditioned queries, which is also the
// situation at edit time; exact: the UNet conditioned on the token, as the paper): the same
// loss and the mIoU of Otsu-binarised maps (training/part_maps.h, as `locate`).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "editing/part_token.h"
#include "runtime/cancel.h"
#include "training/part_maps.h"
#include "training/token_checkpoint.h"
#include "training/training_options.h"
#include "training/training_set.h"

namespace partedit {

class DiffusionModel;

struct TrainingStepReport {
  int64_t step = 0;        // steps done, counting this one
  int64_t steps = 0;       // the run's total
  double loss = 0;         // mean over the training images
  double learning_rate = 0;
  int64_t timestep = 0;    // the model timestep this step drew
  double seconds = 0;      // wall time of the step
};

struct ValidationReport {
  int64_t step = 0;
  double loss = 0;
  double miou = 0;
  bool on_training_images = false;  // no image was held out (fewer than 3): measured on the training images
  std::vector<double> ious;         // per evaluated image
  int64_t preview_example = -1;     // index into examples() of the preview
  at::Tensor preview_map;           // [H, W] normalised map of that image
  at::Tensor preview_mask;          // [H, W] its Otsu-binarised mask
};

// What preparation is doing: "Encoding images", "Recording queries"; done of total.
using TrainingPreparationCallback = std::function<void(const std::string& what, int64_t done, int64_t total)>;

class TokenTrainer {
 public:
  // Checks the options and data, then prepares (encodes, noises, records queries); cancel is
  // checked between UNet passes. Throws Error on bad input and when the cached queries would
  // not fit in memory, CancelledError when cancelled.
  TokenTrainer(DiffusionModel& model, std::vector<TrainingExample> examples, TokenTrainingOptions options,
               const TrainingPreparationCallback& progress = {}, const CancelToken& cancel = {});
  ~TokenTrainer();
  TokenTrainer(const TokenTrainer&) = delete;
  TokenTrainer& operator=(const TokenTrainer&) = delete;

  const TokenTrainingOptions& options() const;
  const std::vector<TrainingExample>& examples() const;
  const TrainingSplit& split() const;
  const std::vector<int>& layers() const;
  const std::vector<int64_t>& timesteps() const;
  int64_t steps_done() const;
  const at::Tensor& embedding() const;  // [2, D], the model's device
  int64_t cached_bytes() const;         // memory held by recorded queries
  std::string fingerprint() const;      // what a checkpoint must match (JSON)

  TrainingStepReport train_step();  // one optimisation step
  ValidationReport validate();      // on the held-out images (or the training images)

  TokenCheckpoint checkpoint() const;
  // Continues from `checkpoint` (read from `where`); throws Error when it belongs to another run.
  void resume(const TokenCheckpoint& checkpoint, const std::string& where);
  // The token with its metadata (family, width, layers, timestep range, training record).
  PartToken token() const;

  // The loss this mode computes for one training image at the timestep with index
  // `timestep_index`, with the current embedding; its gradient is accumulated into
  // embedding().grad() when `backward`. For tests and benchmarks.
  at::Tensor example_loss(size_t example, size_t timestep_index, bool backward = false);
  // The loss computed from explicitly given queries (one per part layer) of an example.
  at::Tensor loss_from_queries(const std::vector<LayerQueries>& queries, size_t example) const;
  // The queries an exact-mode pass (the UNet conditioned on the token) sees, for tests.
  std::vector<LayerQueries> exact_queries(size_t example, size_t timestep_index);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What a checkpoint of a run with these inputs must match (JSON; TokenTrainer::fingerprint),
// computable before the expensive preparation.
std::string training_fingerprint(DiffusionModel& model, const std::vector<TrainingExample>& examples,
                                 const TokenTrainingOptions& options);

// Runs `trainer` until options().steps, reporting every step and every validation;
// writes a checkpoint to `checkpoint_path` (unless empty) every checkpoint_every steps, at
// the end and when cancelled, then throws CancelledError. Returns the token.
struct TrainingObserver {
  std::function<void(const TrainingStepReport&)> step;
  std::function<void(const ValidationReport&)> validation;
  std::function<void(const std::filesystem::path&, int64_t step)> checkpoint;
};
PartToken run_token_training(TokenTrainer& trainer, const std::filesystem::path& checkpoint_path,
                             const TrainingObserver& observer = {}, const CancelToken& cancel = {});

}  // namespace partedit
