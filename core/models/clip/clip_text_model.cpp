#include "models/clip/clip_text_model.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/weights.h"
#include "runtime/error.h"

namespace partedit {
namespace nn = torch::nn;

namespace {

// Tensors some checkpoints carry that the module computes instead (older transformers saved
// the position_ids buffer; it is always arange(T)).
const std::vector<std::string> kCLIPIgnoredKeys = {"text_model.embeddings.position_ids"};

}  // namespace

nn::LayerNorm make_clip_layer_norm(const CLIPEncoderConfig& config) {
  return nn::LayerNorm(nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

CLIPTextConfig CLIPTextConfig::from_json(const JsonConfig& cfg) {
  CLIPTextConfig c;
  c.vocab_size = cfg.get<int64_t>("vocab_size");
  c.hidden_size = cfg.get<int64_t>("hidden_size");
  c.intermediate_size = cfg.get<int64_t>("intermediate_size");
  c.num_attention_heads = cfg.get<int64_t>("num_attention_heads");
  c.num_hidden_layers = cfg.get<int64_t>("num_hidden_layers");
  c.max_position_embeddings = cfg.get<int64_t>("max_position_embeddings");
  // Defaults of transformers' CLIPTextConfig.
  c.projection_dim = cfg.get_or<int64_t>("projection_dim", 512);
  c.eos_token_id = cfg.get_or<int64_t>("eos_token_id", 2);
  c.hidden_act = cfg.get_or<std::string>("hidden_act", "quick_gelu");
  c.layer_norm_eps = cfg.get_or<double>("layer_norm_eps", 1e-5);

  const std::string where = " in " + cfg.source().string();
  if (c.hidden_act != "quick_gelu" && c.hidden_act != "gelu")
    throw Error("config key 'hidden_act'" + where + " is '" + c.hidden_act + "'; supported: quick_gelu, gelu");
  if (c.num_attention_heads <= 0 || c.hidden_size % c.num_attention_heads != 0)
    throw Error("config key 'hidden_size' (" + std::to_string(c.hidden_size) + ")" + where +
                " is not divisible by 'num_attention_heads' (" + std::to_string(c.num_attention_heads) + ")");
  if (c.num_hidden_layers < 1) throw Error("config key 'num_hidden_layers'" + where + " must be at least 1");

  const auto architectures = cfg.get_or<std::vector<std::string>>("architectures", {"CLIPTextModel"});
  if (architectures.size() != 1 ||
      (architectures[0] != "CLIPTextModel" && architectures[0] != "CLIPTextModelWithProjection"))
    throw Error("config key 'architectures'" + where +
                " must be [\"CLIPTextModel\"] or [\"CLIPTextModelWithProjection\"], got " +
                cfg.json().at("architectures").dump());
  c.with_projection = architectures[0] == "CLIPTextModelWithProjection";
  return c;
}

// ---- CLIPAttention (transformers modeling_clip.py, CLIPAttention) ----

CLIPAttentionImpl::CLIPAttentionImpl(const CLIPEncoderConfig& config)
    : q_proj(register_module("q_proj", Linear(config.hidden_size, config.hidden_size))),
      k_proj(register_module("k_proj", Linear(config.hidden_size, config.hidden_size))),
      v_proj(register_module("v_proj", Linear(config.hidden_size, config.hidden_size))),
      out_proj(register_module("out_proj", Linear(config.hidden_size, config.hidden_size))),
      heads_(config.num_attention_heads),
      scale_(1.0 / std::sqrt(double(config.hidden_size / config.num_attention_heads))) {}

at::Tensor CLIPAttentionImpl::forward(const at::Tensor& hidden, const at::Tensor& causal_mask) {
  const int64_t B = hidden.size(0), T = hidden.size(1), D = hidden.size(2);
  auto split = [&](const at::Tensor& x) { return x.view({B, T, heads_, D / heads_}).transpose(1, 2); };
  // 1. projections; the queries are scaled before the product, as in the reference
  const auto q = split(q_proj(hidden) * scale_);  // [B, H, T, d]
  const auto k = split(k_proj(hidden));           // [B, H, T, d]
  const auto v = split(v_proj(hidden));           // [B, H, T, d]
  // 2. softmax attention (causal for the text tower)
  auto scores = at::matmul(q, k.transpose(-1, -2));  // [B, H, T, T]
  if (causal_mask.defined()) scores = scores + causal_mask;
  const auto probs = at::softmax(scores, -1);                             // [B, H, T, T]
  const auto out = at::matmul(probs, v).transpose(1, 2).reshape({B, T, D});  // [B, T, D]
  // 3. output projection
  return out_proj(out);  // [B, T, D]
}

// ---- CLIPMLP ----

CLIPMLPImpl::CLIPMLPImpl(const CLIPEncoderConfig& config)
    : fc1(register_module("fc1", Linear(config.hidden_size, config.intermediate_size))),
      fc2(register_module("fc2", Linear(config.intermediate_size, config.hidden_size))),
      quick_gelu_(config.hidden_act == "quick_gelu") {}

at::Tensor CLIPMLPImpl::forward(const at::Tensor& hidden) {
  auto h = fc1(hidden);  // [B, T, I]
  // quick_gelu = x * sigmoid(1.702 x) (transformers activations.py, QuickGELUActivation);
  // gelu = the exact erf form.
  h = quick_gelu_ ? h * at::sigmoid(h * 1.702) : at::gelu(h);
  return fc2(h);  // [B, T, D]
}

// ---- CLIPEncoderLayer: pre-norm residual blocks ----

CLIPEncoderLayerImpl::CLIPEncoderLayerImpl(const CLIPEncoderConfig& config)
    : self_attn(register_module("self_attn", CLIPAttention(config))),
      layer_norm1(register_module("layer_norm1", make_clip_layer_norm(config))),
      mlp(register_module("mlp", CLIPMLP(config))),
      layer_norm2(register_module("layer_norm2", make_clip_layer_norm(config))) {}

at::Tensor CLIPEncoderLayerImpl::forward(const at::Tensor& hidden, const at::Tensor& causal_mask) {
  // 1. self-attention
  auto h = hidden + self_attn(layer_norm1(hidden), causal_mask);  // [B, T, D]
  // 2. feed-forward
  return h + mlp(layer_norm2(h));  // [B, T, D]
}

// ---- CLIPEncoder ----

CLIPEncoderImpl::CLIPEncoderImpl(const CLIPEncoderConfig& config) : layers(register_module("layers", nn::ModuleList())) {
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) {
    typed_layers_.emplace_back(config);
    layers->push_back(typed_layers_.back());
  }
}

std::pair<at::Tensor, at::Tensor> CLIPEncoderImpl::forward(const at::Tensor& hidden, const at::Tensor& causal_mask) {
  at::Tensor h = hidden;  // [B, T, D]
  at::Tensor last_input;
  for (auto& layer : typed_layers_) {
    last_input = h;
    h = layer(h, causal_mask);  // [B, T, D]
  }
  return {h, last_input};
}

// ---- CLIPTextEmbeddings ----

CLIPTextEmbeddingsImpl::CLIPTextEmbeddingsImpl(const CLIPTextConfig& config)
    : token_embedding(register_module("token_embedding", Embedding(config.vocab_size, config.hidden_size))),
      position_embedding(register_module("position_embedding",
                                         Embedding(config.max_position_embeddings, config.hidden_size))) {}

at::Tensor CLIPTextEmbeddingsImpl::forward(const at::Tensor& input_ids) {
  const int64_t T = input_ids.size(1);
  const auto positions = at::arange(T, input_ids.options().dtype(at::kLong));  // [T]
  return token_embedding(input_ids) + position_embedding(positions).unsqueeze(0);  // [B, T, D]
}

// ---- CLIPTextTransformer: the modules; CLIPTextModel::forward runs them ----

CLIPTextTransformerImpl::CLIPTextTransformerImpl(const CLIPTextConfig& config)
    : embeddings(register_module("embeddings", CLIPTextEmbeddings(config))),
      encoder(register_module("encoder", CLIPEncoder(config))),
      final_layer_norm(register_module("final_layer_norm", make_clip_layer_norm(config))) {}

// ---- CLIPTextModel / CLIPTextModelWithProjection ----

CLIPTextModelImpl::CLIPTextModelImpl(const CLIPTextConfig& config)
    : text_model(register_module("text_model", CLIPTextTransformer(config))), config_(config) {
  if (config.with_projection)
    text_projection = register_module(
        "text_projection", Linear(config.hidden_size, config.projection_dim, /*bias=*/false));
}

at::Tensor CLIPTextModelImpl::pooling_positions(const at::Tensor& input_ids) const {
  // transformers 4.44 CLIPTextTransformer.forward: eos_token_id == 2 is the legacy rule
  // (position of the largest id); otherwise the first position holding eos_token_id.
  if (config_.eos_token_id == 2) return input_ids.argmax(-1);  // [B]
  return input_ids.eq(config_.eos_token_id).to(at::kInt).argmax(-1);  // [B]
}

CLIPTextOutput CLIPTextModelImpl::forward(const at::Tensor& input_ids_in) {
  if (input_ids_in.dim() != 2 || input_ids_in.size(1) < 1 || input_ids_in.size(1) > config_.max_position_embeddings)
    throw Error("CLIP text model: input_ids must be [B, T] with 1 <= T <= " +
                std::to_string(config_.max_position_embeddings) + ", got " + std::to_string(input_ids_in.dim()) +
                " dims, sizes " + c10::str(input_ids_in.sizes()));
  const auto input_ids = input_ids_in.to(text_model->final_layer_norm->weight.device(), at::kLong);  // [B, T]
  const int64_t B = input_ids.size(0), T = input_ids.size(1), D = config_.hidden_size;

  // 1. embeddings
  const auto embeds = text_model->embeddings(input_ids);  // [B, T, D]

  // 2. encoder under a causal mask (0 on and below the diagonal, -inf above)
  const auto mask = at::full({T, T}, -std::numeric_limits<double>::infinity(), embeds.options()).triu(1);  // [T, T]
  auto [last, penultimate] = text_model->encoder(embeds, mask);  // [B, T, D] x2

  // 3. final layer norm
  CLIPTextOutput out;
  out.last_hidden_state = text_model->final_layer_norm(last);  // [B, T, D]
  out.penultimate_hidden_state = penultimate;                  // [B, T, D]

  // 4. pooling at the end-of-text position
  const auto index = pooling_positions(input_ids).to(at::kLong).view({B, 1, 1}).expand({B, 1, D});
  out.pooled = out.last_hidden_state.gather(1, index).squeeze(1);  // [B, D]

  // 5. projection (CLIPTextModelWithProjection.text_embeds)
  if (config_.with_projection) out.pooled = text_projection(out.pooled);  // [B, P]
  return out;
}

CLIPTextModel load_clip_text_model(const std::filesystem::path& folder, c10::Device device, c10::ScalarType dtype) {
  const auto config = CLIPTextConfig::from_json(JsonConfig::load(folder / "config.json"));
  return load_clip_text_model(config, WeightSet::open_folder(folder, "model", /*prefer_fp16=*/dtype == c10::kHalf),
                              device, dtype);
}

CLIPTextModel load_clip_text_model(const CLIPTextConfig& config, const WeightSource& weights, c10::Device device,
                                   c10::ScalarType dtype) {
  CLIPTextModel model(config);
  model->to(device, dtype);
  load_weights(*model, weights, kCLIPIgnoredKeys);
  model->eval();
  return model;
}

}  // namespace partedit
