#pragma once
// What a token training run is asked to do (algorithm.md §5, paper Appendix K), with the
// defaults in one place: the CLI, the wizard and the checkpoints read them from here.
#include <cstdint>
#include <string>
#include <vector>

namespace partedit {

// cached: the UNet runs once per image and timestep, conditioned on the prompt (the source
// path's situation at edit time), and its queries at the part layers are kept; the steps
// then optimise the token against them without UNet passes. exact: every step conditions
// the UNet on the token sequence and back-propagates through it (the paper's training).
enum class TrainingMode { Cached, Exact };
const char* training_mode_name(TrainingMode mode);     // "cached" | "exact"
TrainingMode parse_training_mode(const std::string& text);  // throws Error

// sgd: plain gradient descent, the learning rate Appendix K gives (30) only makes sense for
// it. adam: Kingma & Ba with β = (0.9, 0.999), ε = 1e-8.
enum class TokenOptimizer { Sgd, Adam };
const char* token_optimizer_name(TokenOptimizer optimizer);
// 30 for SGD (Appendix K), 0.3 for Adam (measured on the synthetic set of the tests).
double default_learning_rate(TokenOptimizer optimizer);
TokenOptimizer parse_token_optimizer(const std::string& text);

struct TokenTrainingOptions {
  std::string part_name;                 // kebab-case, e.g. "cat-ear"
  TrainingMode mode = TrainingMode::Cached;
  TokenOptimizer optimizer = TokenOptimizer::Sgd;
  int64_t steps = 1000;                  // Appendix K: 1000–2000
  double learning_rate = default_learning_rate(optimizer);
  int64_t lr_step = 80;                  // StepLR step size (Appendix K)
  double lr_gamma = 0.7;                 // StepLR γ (Appendix K)
  // Model timesteps, inclusive: high, high − stride, … ≥ low. 600:400 by 20 are the steps
  // 30→20 of a 50-step schedule (paper §3.2, "intermediate timesteps").
  int64_t timestep_high = 600;
  int64_t timestep_low = 400;
  int64_t timestep_stride = 20;
  double validation_split = 0.2;         // share of the images held out (training_set.h)
  int64_t validate_every = 50;           // steps between validations (and at the end)
  int64_t checkpoint_every = 50;         // steps between checkpoints (and at a stop)
  uint64_t seed = 0;                     // token init, noise, split, timestep draws
  std::string prompt;                    // conditioning of the query pass ("" = the empty prompt)
  std::vector<int> layers;               // cross-attention layers; empty = the model's part layers

  // Throws Error naming the option at fault (steps, rates, timesteps in 0..num_train − 1, ...).
  void validate(int64_t num_train_timesteps = 1000) const;
};

// The timesteps of the options, in the order high → low.
std::vector<int64_t> training_timesteps(const TokenTrainingOptions& options);

// StepLR: lr · γ^⌊step / step_size⌋ for the 0-based step.
double learning_rate_at(const TokenTrainingOptions& options, int64_t step);

// Parses "HIGH:LOW" (model timesteps, inclusive). Throws Error.
void parse_timestep_range(const std::string& text, int64_t& high, int64_t& low);

}  // namespace partedit
