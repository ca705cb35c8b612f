#pragma once
// OPT decoder-only language model: transformers' OPTForCausalLM (modeling_opt.py), inference
// only, with a key/value cache for decoding. Parameter names are the checkpoint keys:
// model.decoder.embed_tokens.weight, model.decoder.embed_positions.weight,
// model.decoder.layers.N.self_attn.{q,k,v,out}_proj.{weight,bias},
// model.decoder.layers.N.{self_attn_layer_norm,final_layer_norm}.{weight,bias},
// model.decoder.layers.N.{fc1,fc2}.{weight,bias}, model.decoder.final_layer_norm.*,
// model.decoder.project_{in,out}.weight (word_embed_proj_dim != hidden_size only),
// lm_head.weight (untied models only; tied ones project on embed_tokens).
// Facts: learned positions = cumsum(attention_mask) * mask - 1, looked up at + 2 (the table
// has max_position_embeddings + 2 rows); q scaled by head_dim^-0.5; pre-LN blocks (post-LN
// when do_layer_norm_before is false, and then no final layer norm); ReLU MLP.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "models/language_model.h"
#include "nn/layers.h"

namespace partedit {

class JsonConfig;

// The fields of transformers' OPTConfig that inference uses (names as in the file).
struct OPTConfig {
  int64_t vocab_size = 50272;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t ffn_dim = 3072;
  int64_t num_attention_heads = 12;
  int64_t max_position_embeddings = 2048;
  int64_t word_embed_proj_dim = 768;  // absent: hidden_size
  bool do_layer_norm_before = true;
  bool remove_final_layer_norm = false;  // "_remove_final_layer_norm"
  bool enable_bias = true;
  bool layer_norm_elementwise_affine = true;
  bool tie_word_embeddings = true;
  std::string activation_function = "relu";  // relu | gelu | gelu_new
  int64_t pad_token_id = 1;
  int64_t bos_token_id = 2;
  int64_t eos_token_id = 2;

  // Required: vocab_size, hidden_size, num_hidden_layers, ffn_dim, num_attention_heads (a
  // BLIP-2 config.json always writes them); the rest default as in transformers' OPTConfig.
  static OPTConfig from_json(const JsonConfig& cfg);
  int64_t head_dim() const { return hidden_size / num_attention_heads; }
  bool has_final_layer_norm() const { return do_layer_norm_before && !remove_final_layer_norm; }
};

// The positions OPTLearnedPositionalEmbedding looks up (before its offset of 2): for each row,
// cumsum(mask) * mask - 1, so left padding gets -1 and the first real token 0. mask [N, L]
// 0/1 -> [N, L - past] int64 (the last L - past columns).
at::Tensor opt_positions(const at::Tensor& attention_mask, int64_t past);

// Additive attention bias [N, 1, t, past + t] for t new queries at the end of `attention_mask`
// [N, past + t]: the lowest finite value of `dtype` where a key is in the future or padded,
// 0 elsewhere (transformers' 4-d causal mask; fully masked rows stay finite).
at::Tensor opt_attention_bias(const at::Tensor& attention_mask, int64_t t, c10::ScalarType dtype);

// Keys/values of one layer so far, [N, H, T, d].
struct OPTLayerCache {
  at::Tensor k, v;
};

class OPTAttentionImpl : public torch::nn::Module {
 public:
  explicit OPTAttentionImpl(const OPTConfig& config);
  // hidden [N, t, D], bias [N, 1, t, past + t]; cache: keys/values appended, or nullptr.
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& bias, OPTLayerCache* cache);

  Linear k_proj{nullptr}, v_proj{nullptr}, q_proj{nullptr}, out_proj{nullptr};

 private:
  at::Tensor heads(const at::Tensor& projected) const;  // [N, t, H*d] -> [N, H, t, d]
  int64_t heads_, head_dim_;
};
TORCH_MODULE(OPTAttention);

class OPTDecoderLayerImpl : public torch::nn::Module {
 public:
  explicit OPTDecoderLayerImpl(const OPTConfig& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& bias, OPTLayerCache* cache);  // [N, t, D]
  at::Tensor mlp(const at::Tensor& hidden);  // fc2(act(fc1(x))), [..., D]

  OPTAttention self_attn{nullptr};
  torch::nn::LayerNorm self_attn_layer_norm{nullptr};
  Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};

 private:
  bool pre_norm_;
  std::string act_;
};
TORCH_MODULE(OPTDecoderLayer);

class OPTDecoderImpl : public torch::nn::Module {
 public:
  explicit OPTDecoderImpl(const OPTConfig& config);
  // inputs_embeds [N, t, word_embed_proj_dim] for the last t columns of attention_mask
  // [N, past + t] (past = the cached length; cache empty or one entry per layer, or nullptr
  // for no cache) -> [N, t, word_embed_proj_dim] after the final norm and project_out.
  at::Tensor forward(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                     std::vector<OPTLayerCache>* cache);

  Embedding embed_tokens{nullptr};
  Embedding embed_positions{nullptr};  // max_position_embeddings + 2 rows
  Linear project_in{nullptr}, project_out{nullptr};
  torch::nn::LayerNorm final_layer_norm{nullptr};
  torch::nn::ModuleList layers{nullptr};

 private:
  std::vector<OPTDecoderLayer> layers_;
  int64_t max_positions_;
};
TORCH_MODULE(OPTDecoder);

class OPTModelImpl : public torch::nn::Module {  // holds the decoder, as transformers' OPTModel
 public:
  explicit OPTModelImpl(const OPTConfig& config);
  OPTDecoder decoder{nullptr};
};
TORCH_MODULE(OPTModel);

class OPTForCausalLMImpl : public torch::nn::Module, public CaptionLanguageModel {
 public:
  explicit OPTForCausalLMImpl(const OPTConfig& config);

  // Logits [N, t, V] float32 of inputs_embeds [N, t, Dw] at the last t columns of
  // attention_mask [N, past + t] (undefined: all ones), appended to `cache` (nullptr: no
  // cache, the whole sequence is given). last_only: [N, 1, V] for the last position only.
  at::Tensor logits(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                    std::vector<OPTLayerCache>* cache, bool last_only = false);

  const OPTConfig& config() const { return config_; }
  int64_t hidden_size() const override { return config_.word_embed_proj_dim; }
  int64_t vocab_size() const override { return config_.vocab_size; }
  int64_t eos_token_id() const override { return config_.eos_token_id; }
  int64_t pad_token_id() const override { return config_.pad_token_id; }
  at::Tensor embed_tokens(const at::Tensor& ids) override;  // [N, T] -> [N, T, Dw], not scaled
  // Sequences continue prompt_ids; the session's first step runs the whole prefix.
  std::unique_ptr<DecodingSession> start(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                                         const at::Tensor& prompt_ids) override;

  OPTModel model{nullptr};
  Linear lm_head{nullptr};  // untied models only

 private:
  OPTConfig config_;
};
TORCH_MODULE(OPTForCausalLM);

}  // namespace partedit
