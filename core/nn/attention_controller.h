#pragma once
// The hook through which editing code (PartEdit localisation, prompt-to-prompt, blending)
// observes and rewrites what happens inside attention layers, without the models knowing
// about editing. The default controller does nothing; a layer with no controller, or whose
// controller does not ask for probabilities, uses the fused attention kernel.
#include <string>

#include <ATen/core/Tensor.h>

namespace partedit {

class AttentionImpl;

// Static facts about one attention layer, assigned by the model that owns it.
struct AttentionSite {
  int index = -1;        // execution order among all attention layers of the model
  int cross_index = -1;  // execution order among cross-attention layers; -1 for self-attention
  bool is_cross = false;
  std::string name;      // module path, e.g. "down_blocks.1.attentions.0.transformer_blocks.1.attn2"
};

// Per-call facts: the spatial grid of the tokens (0 if not an image layer).
struct AttentionCall {
  const AttentionSite& site;
  AttentionImpl& layer;    // gives access to to_q/to_k/to_v, heads, scale
  int64_t height = 0;      // query tokens = height * width for image layers
  int64_t width = 0;
};

class AttentionController {
 public:
  virtual ~AttentionController() = default;
  // True if this call must take the explicit softmax path so that on_probabilities runs.
  virtual bool wants_probabilities(const AttentionCall& call) { return false; }
  // query: [B, heads, N, head_dim] after to_q and the head split. May be replaced.
  virtual void on_query(const AttentionCall& call, at::Tensor& query) {}
  // probabilities: [B, heads, N, M] = softmax(q k^T * scale). May be replaced.
  virtual void on_probabilities(const AttentionCall& call, at::Tensor& probabilities) {}
  // output: [B, N, C] after to_out, before any residual connection. May be replaced.
  virtual void on_output(const AttentionCall& call, at::Tensor& output) {}
};

}  // namespace partedit
