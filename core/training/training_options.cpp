#include "training/training_options.h"

#include <cmath>

#include "editing/part_token.h"
#include "runtime/error.h"

namespace partedit {

const char* training_mode_name(TrainingMode mode) { return mode == TrainingMode::Exact ? "exact" : "cached"; }

TrainingMode parse_training_mode(const std::string& text) {
  if (text == "cached") return TrainingMode::Cached;
  if (text == "exact") return TrainingMode::Exact;
  throw Error("unknown training mode '" + text + "' (cached or exact)");
}

const char* token_optimizer_name(TokenOptimizer optimizer) { return optimizer == TokenOptimizer::Adam ? "adam" : "sgd"; }

double default_learning_rate(TokenOptimizer optimizer) { return optimizer == TokenOptimizer::Adam ? 0.3 : 30.0; }

TokenOptimizer parse_token_optimizer(const std::string& text) {
  if (text == "sgd") return TokenOptimizer::Sgd;
  if (text == "adam") return TokenOptimizer::Adam;
  throw Error("unknown optimizer '" + text + "' (sgd or adam)");
}

void TokenTrainingOptions::validate(int64_t num_train_timesteps) const {
  if (!is_valid_part_name(part_name))
    throw Error("the part name '" + part_name + "' is not kebab-case (lower-case words joined by '-', e.g. cat-ear)");
  if (steps < 1) throw Error("--steps must be at least 1, got " + std::to_string(steps));
  if (!(learning_rate > 0) || !std::isfinite(learning_rate))
    throw Error("the learning rate must be positive, got " + std::to_string(learning_rate));
  if (lr_step < 1) throw Error("the learning-rate step size must be at least 1");
  if (!(lr_gamma > 0 && lr_gamma <= 1)) throw Error("the learning-rate decay γ must be in (0, 1]");
  if (timestep_low < 0 || timestep_high >= num_train_timesteps || timestep_low > timestep_high)
    throw Error("--timesteps " + std::to_string(timestep_high) + ":" + std::to_string(timestep_low) +
                " is not HIGH:LOW with " + std::to_string(num_train_timesteps - 1) + " >= HIGH >= LOW >= 0");
  if (timestep_stride < 1) throw Error("the timestep stride must be at least 1");
  if (!(validation_split >= 0 && validation_split < 1))
    throw Error("--val-split must be in [0, 1), got " + std::to_string(validation_split));
  if (validate_every < 1) throw Error("validation must run every 1 or more steps");
  if (checkpoint_every < 1) throw Error("checkpoints must be written every 1 or more steps");
  for (int l : layers)
    if (l < 0) throw Error("negative cross-attention layer index " + std::to_string(l));
}

std::vector<int64_t> training_timesteps(const TokenTrainingOptions& options) {
  std::vector<int64_t> timesteps;
  for (int64_t t = options.timestep_high; t >= options.timestep_low; t -= options.timestep_stride) timesteps.push_back(t);
  return timesteps;
}

double learning_rate_at(const TokenTrainingOptions& options, int64_t step) {
  return options.learning_rate * std::pow(options.lr_gamma, static_cast<double>(step / options.lr_step));
}

void parse_timestep_range(const std::string& text, int64_t& high, int64_t& low) {
  const auto colon = text.find(':');
  const auto bad = [&] { return Error("--timesteps '" + text + "' is not HIGH:LOW (model timesteps, e.g. 600:400)"); };
  if (colon == std::string::npos) throw bad();
  try {
    size_t used_high = 0, used_low = 0;
    const std::string a = text.substr(0, colon), b = text.substr(colon + 1);
    high = std::stoll(a, &used_high);
    low = std::stoll(b, &used_low);
    if (used_high != a.size() || used_low != b.size()) throw bad();
  } catch (const std::logic_error&) {
    throw bad();
  }
}

}  // namespace partedit
