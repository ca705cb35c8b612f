#pragma once
// T5 / Flan-T5 encoder-decoder: transformers' T5ForConditionalGeneration (modeling_t5.py),
// inference only, with a key/value cache for decoding. Parameter names are the checkpoint
// keys: shared.weight, encoder.block.N.layer.0.SelfAttention.q.weight, ...,
// decoder.block.N.layer.1.EncDecAttention.*, decoder.block.N.layer.2.DenseReluDense.wi_0.weight,
// {encoder,decoder}.final_layer_norm.weight, lm_head.weight (untied models only).
// Facts: RMS norm in float32, no attention scaling, relative position bias owned by block 0
// and shared by the later blocks, gated-GELU (tanh approximation) for Flan-T5.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "models/language_model.h"
#include "nn/layers.h"

namespace partedit {

class JsonConfig;

// The fields of transformers' T5Config that inference uses (names as in the file).
struct T5Config {
  int64_t vocab_size = 32128;
  int64_t d_model = 512;
  int64_t d_kv = 64;
  int64_t d_ff = 2048;
  int64_t num_layers = 6;
  int64_t num_decoder_layers = 6;  // absent: num_layers
  int64_t num_heads = 8;
  int64_t relative_attention_num_buckets = 32;
  int64_t relative_attention_max_distance = 128;
  double layer_norm_epsilon = 1e-6;
  std::string dense_act_fn = "relu";  // from feed_forward_proj: relu | gelu_new | gelu
  bool is_gated_act = false;          // feed_forward_proj "gated-..."
  bool tie_word_embeddings = true;
  int64_t pad_token_id = 0;
  int64_t eos_token_id = 1;
  int64_t decoder_start_token_id = 0;  // absent: pad_token_id

  // Required: vocab_size, d_model, d_kv, d_ff, num_layers, num_heads (inside a BLIP-2
  // config.json they are always written: the diff is against OPT, which lacks them); the
  // rest default as in transformers' T5Config.
  static T5Config from_json(const JsonConfig& cfg);
  int64_t inner_dim() const { return num_heads * d_kv; }
};

// transformers T5Attention._relative_position_bucket on a tensor of (memory - query)
// positions, int64, same shape. Computed with the reference's float32 log.
at::Tensor t5_relative_position_bucket(const at::Tensor& relative_position, bool bidirectional, int64_t num_buckets,
                                       int64_t max_distance);

class T5LayerNormImpl : public torch::nn::Module {
 public:
  T5LayerNormImpl(int64_t hidden_size, double eps);
  at::Tensor forward(const at::Tensor& hidden);  // [..., D]
  at::Tensor weight;

 private:
  double eps_;
};
TORCH_MODULE(T5LayerNorm);

class T5AttentionImpl : public torch::nn::Module {
 public:
  T5AttentionImpl(const T5Config& config, bool has_relative_attention_bias, bool is_decoder);
  at::Tensor heads(const at::Tensor& projected) const;  // [B, T, H*d] -> [B, H, T, d]
  // softmax(q k^T + bias) v, output projection; q/k/v [B, H, *, d], bias broadcastable to
  // [B, H, q, k] or undefined.
  at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& bias);
  // [1, H, q, k] bias for query positions offset..offset+q-1 against key positions 0..k-1.
  at::Tensor compute_bias(int64_t query_length, int64_t key_length, int64_t offset);

  Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  Embedding relative_attention_bias{nullptr};  // block 0 only

 private:
  int64_t heads_, d_kv_, num_buckets_, max_distance_;
  bool bidirectional_;
};
TORCH_MODULE(T5Attention);

// Decoder cache of one block: self-attention keys/values so far, cross-attention keys/values
// of the encoder output (computed on the first step).
struct T5LayerCache {
  at::Tensor self_k, self_v, cross_k, cross_v;  // [N, H, T, d]
};

class T5LayerSelfAttentionImpl : public torch::nn::Module {
 public:
  T5LayerSelfAttentionImpl(const T5Config& config, bool has_relative_attention_bias, bool is_decoder);
  // cache: keys/values appended (decoder) or nullptr (encoder).
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& bias, T5LayerCache* cache);

  T5Attention SelfAttention{nullptr};
  T5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(T5LayerSelfAttention);

class T5LayerCrossAttentionImpl : public torch::nn::Module {
 public:
  explicit T5LayerCrossAttentionImpl(const T5Config& config);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& encoder_hidden, const at::Tensor& encoder_bias,
                     T5LayerCache& cache);

  T5Attention EncDecAttention{nullptr};
  T5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(T5LayerCrossAttention);

// wo(act(wi_0 x) * wi_1 x) (gated) or wo(act(wi x)): transformers T5DenseGatedActDense /
// T5DenseActDense, one class holding the parameters of the configured variant.
class T5DenseActDenseImpl : public torch::nn::Module {
 public:
  explicit T5DenseActDenseImpl(const T5Config& config);
  at::Tensor forward(const at::Tensor& hidden);

  Linear wi{nullptr}, wi_0{nullptr}, wi_1{nullptr}, wo{nullptr};

 private:
  at::Tensor act(const at::Tensor& x) const;
  std::string act_fn_;
};
TORCH_MODULE(T5DenseActDense);

class T5LayerFFImpl : public torch::nn::Module {
 public:
  explicit T5LayerFFImpl(const T5Config& config);
  at::Tensor forward(const at::Tensor& hidden);

  T5DenseActDense DenseReluDense{nullptr};
  T5LayerNorm layer_norm{nullptr};
};
TORCH_MODULE(T5LayerFF);

class T5BlockImpl : public torch::nn::Module {
 public:
  T5BlockImpl(const T5Config& config, bool has_relative_attention_bias, bool is_decoder);
  at::Tensor forward(const at::Tensor& hidden, const at::Tensor& bias, const at::Tensor& encoder_hidden,
                     const at::Tensor& encoder_bias, T5LayerCache* cache);

  torch::nn::ModuleList layer{nullptr};  // 0 self-attention, 1 cross-attention (decoder), last FF

  T5LayerSelfAttention self_attention{nullptr};
  T5LayerCrossAttention cross_attention{nullptr};  // decoder only
  T5LayerFF feed_forward{nullptr};
};
TORCH_MODULE(T5Block);

class T5StackImpl : public torch::nn::Module {
 public:
  T5StackImpl(const T5Config& config, bool is_decoder);
  // Encoder: inputs [B, T, D], mask_bias [B, 1, 1, T] or undefined.
  at::Tensor encode(const at::Tensor& inputs_embeds, const at::Tensor& mask_bias);
  // Decoder: inputs [N, t, D] at positions past..past+t-1 (past = cached length).
  at::Tensor decode(const at::Tensor& inputs_embeds, const at::Tensor& encoder_hidden, const at::Tensor& encoder_bias,
                    std::vector<T5LayerCache>& cache);

  torch::nn::ModuleList block{nullptr};
  T5LayerNorm final_layer_norm{nullptr};

 private:
  std::vector<T5Block> blocks_;
  bool is_decoder_;
};
TORCH_MODULE(T5Stack);

class T5ForConditionalGenerationImpl : public torch::nn::Module, public CaptionLanguageModel {
 public:
  explicit T5ForConditionalGenerationImpl(const T5Config& config);

  // Encoder last hidden state (after the final RMS norm) [B, T, D]; attention_mask [B, T]
  // (undefined = all ones).
  at::Tensor encode(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask);
  // Decoder logits [N, t, V] float32 for tokens [N, t] appended to `cache` (empty on the first call).
  at::Tensor decode(const at::Tensor& tokens, const at::Tensor& encoder_hidden, const at::Tensor& encoder_bias,
                    std::vector<T5LayerCache>& cache);
  // Additive mask [B, 1, 1, T] from a [B, T] 0/1 mask; undefined when all ones (or undefined).
  at::Tensor mask_bias(const at::Tensor& attention_mask, c10::ScalarType dtype) const;

  const T5Config& config() const { return config_; }
  int64_t hidden_size() const override { return config_.d_model; }
  int64_t vocab_size() const override { return config_.vocab_size; }
  int64_t eos_token_id() const override { return config_.eos_token_id; }
  int64_t pad_token_id() const override { return config_.pad_token_id; }
  at::Tensor embed_tokens(const at::Tensor& ids) override;
  // prompt_ids are ignored: the prompt is encoder input, sequences start with decoder_start_token_id.
  std::unique_ptr<DecodingSession> start(const at::Tensor& inputs_embeds, const at::Tensor& attention_mask,
                                         const at::Tensor& prompt_ids) override;

  Embedding shared{nullptr};
  T5Stack encoder{nullptr}, decoder{nullptr};
  Linear lm_head{nullptr};  // untied models only; tied ones project on shared.weight

 private:
  T5Config config_;
};
TORCH_MODULE(T5ForConditionalGeneration);

// Names some checkpoints carry that alias shared.weight (tied input embeddings of the stacks).
const std::vector<std::string>& t5_aliased_keys();

}  // namespace partedit
