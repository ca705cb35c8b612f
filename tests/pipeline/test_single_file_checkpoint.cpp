// Single-file checkpoints (SGM/LDM layout) against the same weights as a diffusers folder:
// tiny SDXL, SD 1.5 and SD 2.1 folders written as one file through the inverse of the
// loader's table give bit-identical latents; fp16/bf16 files load; damaged files and files
// of no known family are refused naming the file and the tensor; the shipped configs parse
// and the shape is picked from the keys.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "io/safetensors.h"
#include "models/checkpoint_layout.h"
#include "models/clip/clip_text_model.h"
#include "models/tiny_model.h"
#include "models/unet/unet_config.h"
#include "models/vae/vae_config.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/single_file_checkpoint.h"
#include "pipeline/text_to_image.h"
#include "runtime/error.h"
#include "schedulers/scheduler.h"
#include "support/checkpoint_writer.h"
#include "support/test_support.h"
#include "text/clip_tokenizer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_single_file_checkpoint {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

GenerateRequest quick_request() {
  GenerateRequest r;
  r.prompt = "a photo of a cat";
  r.negative = "blurry";
  r.steps = 3;
  r.scheduler = "ddim";
  r.seed = 11;
  r.preview = false;
  return r;
}

CheckpointFamily family_of(const std::string& tiny_family) {
  if (tiny_family == "sdxl") return CheckpointFamily::SDXL;
  return tiny_family == "sd15" ? CheckpointFamily::SD1 : CheckpointFamily::SD2;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Rewrites `file` keeping the tensors `keep` accepts, with `edit` applied to each.
void rewrite(const fs::path& from, const fs::path& to, const std::function<bool(const std::string&)>& keep,
             const std::function<at::Tensor(const std::string&, const at::Tensor&)>& edit = {}) {
  SafetensorsFile file(from);
  NamedTensors tensors;
  for (const auto& e : file.entries()) {
    if (!keep(e.name)) continue;
    const auto t = file.tensor(e.name);
    tensors.emplace_back(e.name, edit ? edit(e.name, t) : t);
  }
  write_safetensors(to, tensors);
}

}  // namespace

class TestSingleFileCheckpoint : public QObject {
  Q_OBJECT
 private:
  test::TempDir dir_;

  // A tiny folder of `family` and its single-file checkpoint (fp32, with the known extras).
  fs::path tiny_checkpoint(const std::string& family, fs::path* folder_out = nullptr,
                           c10::ScalarType dtype = c10::kFloat) {
    const fs::path folder = dir_ / ("tiny-" + family);
    if (!fs::exists(folder)) {
      TinyModelOptions options;
      options.family = family;
      options.seed = 3;
      write_tiny_model(options, folder);
    }
    const fs::path file = dir_ / ("tiny-" + family + "-" + c10::toString(dtype) + ".safetensors");
    if (!fs::exists(file)) {
      test::CheckpointWriteOptions w;
      w.family = family_of(family);
      w.dtype = dtype;
      w.known_extras = true;
      test::write_single_file_checkpoint(folder, file, w);
    }
    if (folder_out) *folder_out = folder;
    return file;
  }

 private Q_SLOTS:
  void fileGivesBitIdenticalLatents_data() {
    QTest::addColumn<QString>("family");
    QTest::newRow("sdxl") << "sdxl";
    QTest::newRow("sd15") << "sd15";
    QTest::newRow("sd21") << "sd21";
  }
  void fileGivesBitIdenticalLatents() {
    QFETCH(QString, family);
    fs::path folder;
    const fs::path file = tiny_checkpoint(family.toStdString(), &folder);
    // The writer used the layout's real key names: spot-check a few per family.
    SafetensorsFile written(file);
    QVERIFY(written.contains("model.diffusion_model.input_blocks.0.0.weight"));
    QVERIFY(written.contains("model.diffusion_model.out.2.weight"));
    QCOMPARE(written.entry("first_stage_model.encoder.mid.attn_1.q.weight").shape.size(), size_t(4));
    QVERIFY(written.contains("first_stage_model.decoder.up.0.block.0.conv1.weight"));
    if (family == "sdxl") {
      QVERIFY(written.contains("model.diffusion_model.label_emb.0.0.weight"));
      QVERIFY(written.contains("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight"));
      QVERIFY(written.contains("conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight"));
      QVERIFY(written.contains("conditioner.embedders.1.model.text_projection"));
    } else if (family == "sd21") {
      QVERIFY(written.contains("cond_stage_model.model.ln_final.weight"));
      QVERIFY(written.contains("cond_stage_model.model.transformer.resblocks.4.ln_1.weight"));  // the dropped one
    } else {
      QVERIFY(written.contains("cond_stage_model.transformer.text_model.encoder.layers.0.mlp.fc1.weight"));
    }

    ModelLoadOptions options;
    options.config_dir = folder;  // tiny shapes are no shipped shape
    auto from_folder = DiffusionModel::load(folder, ComputeOptions{});
    auto from_file = DiffusionModel::load(file, ComputeOptions{}, options);
    QVERIFY(from_file.is_single_file());
    QVERIFY(from_file.family() == from_folder.family());
    QCOMPARE(QString::fromStdString(from_file.name()), QString::fromStdString(file.stem().string()));
    QCOMPARE(from_file.scheduler_config().prediction_type, from_folder.scheduler_config().prediction_type);

    // Every parameter is equal, not only those a short run happens to reach.
    auto same_parameters = [](const torch::nn::Module& a, const torch::nn::Module& b) {
      const auto theirs = b.named_parameters();
      for (const auto& p : a.named_parameters())
        if (!at::equal(p.value(), theirs[p.key()])) return p.key();
      return std::string();
    };
    QCOMPARE(same_parameters(*from_folder.unet(), *from_file.unet()), std::string());
    QCOMPARE(same_parameters(*from_folder.vae(), *from_file.vae()), std::string());
    const auto text_a = from_folder.prompt_encoder().encode({"a photo of a cat"});
    const auto text_b = from_file.prompt_encoder().encode({"a photo of a cat"});
    QVERIFY(at::equal(text_a.embeds, text_b.embeds));
    // SDXL's pooled output goes through text_projection, a square matrix the file stores
    // transposed: equal only if the transpose is applied although the shape does not change.
    if (text_a.pooled.defined()) QVERIFY(at::equal(text_a.pooled, text_b.pooled));

    const auto a = generate(from_folder, quick_request());
    const auto b = generate(from_file, quick_request());
    QVERIFY(at::equal(a.latents, b.latents));  // bit-identical: the same weights
    QVERIFY(at::equal(a.image, b.image));
  }

  void halfAndBfloat16FilesLoad() {
    fs::path folder;
    tiny_checkpoint("sdxl", &folder);
    ModelLoadOptions options;
    options.config_dir = folder;
    auto full = DiffusionModel::load(folder, ComputeOptions{});
    const auto reference = generate(full, quick_request());
    for (const auto dtype : {c10::kHalf, c10::kBFloat16}) {
      const fs::path file = tiny_checkpoint("sdxl", nullptr, dtype);
      QCOMPARE(SafetensorsFile(file).entry("model.diffusion_model.out.2.weight").dtype,
               std::string(dtype == c10::kHalf ? "F16" : "BF16"));
      // Upcast to fp32 on load: each weight is the stored value exactly.
      auto model = DiffusionModel::load(file, ComputeOptions{}, options);
      QVERIFY(model.unet()->conv_out->weight.scalar_type() == at::kFloat);
      QVERIFY(at::equal(model.unet()->conv_out->weight, full.unet()->conv_out->weight.to(dtype).to(at::kFloat)));
      const auto result = generate(model, quick_request());
      const double err = test::max_relative_diff(result.latents, reference.latents);
      qInfo() << c10::toString(dtype) << "file vs fp32 folder: latents relative error" << err;
      // Weight rounding only (fp16 11 bits, bf16 8 bits); measured 0.00093 (fp16), 0.0056 (bf16).
      PE_VERIFY_LE(err, dtype == c10::kHalf ? 0.005 : 0.03);
    }
  }

  // The loader drops each tensor's pages after copying it: the data reads back from the file.
  void releasedTensorsReadBackFromTheFile() {
    const fs::path file = dir_ / "pages.safetensors";
    const auto big = at::arange(1 << 20, at::kFloat);  // 4 MiB: whole pages inside
    write_safetensors(file, {{"a", at::ones({3})}, {"big", big}, {"z", at::ones({5})}});
    SafetensorsFile mapped(file);
    const auto view = mapped.view("big");
    QVERIFY(at::equal(view, big));
    mapped.release("big");
    QVERIFY(at::equal(view, big));
    QVERIFY(at::equal(mapped.view("a"), at::ones({3})));
  }

  void unknownFamilyIsRefused() {
    const fs::path file = dir_ / "lora.safetensors";
    write_safetensors(file, {{"lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", at::zeros({4, 8})}});
    const auto message = test::error_of([&] { DiffusionModel::load(file, ComputeOptions{}); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, file.string()), message.c_str());
    QVERIFY2(mentions(message, "not a checkpoint of a known family"), message.c_str());
    QVERIFY2(mentions(message, "cond_stage_model.transformer."), message.c_str());
    QVERIFY2(mentions(message, "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"), message.c_str());
  }

  void truncatedFileIsRefused() {
    const fs::path whole = tiny_checkpoint("sd15");
    const fs::path cut = dir_ / "cut.safetensors";
    fs::copy_file(whole, cut, fs::copy_options::overwrite_existing);
    fs::resize_file(cut, fs::file_size(whole) - 1);  // the last tensor loses its last byte
    const auto message = test::error_of([&] { DiffusionModel::load(cut, ComputeOptions{}); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, cut.string()), message.c_str());
    // The validator names the tensor whose data runs past the end (the file's last one).
    SafetensorsFile file(whole);
    std::string last;
    uint64_t end = 0;
    for (const auto& e : file.entries())
      if (e.end >= end) end = e.end, last = e.name;
    QVERIFY2(mentions(message, last.substr(0, 60)), message.c_str());  // names are quoted up to 80 characters
  }

  void missingUNetBlockIsNamed() {
    fs::path folder;
    const fs::path whole = tiny_checkpoint("sd15", &folder);
    const fs::path damaged = dir_ / "no-input-block-4.safetensors";
    rewrite(whole, damaged, [](const std::string& key) { return key.rfind("model.diffusion_model.input_blocks.4.", 0) != 0; });
    ModelLoadOptions options;
    options.config_dir = folder;
    const auto message = test::error_of([&] { DiffusionModel::load(damaged, ComputeOptions{}, options); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, damaged.string()), message.c_str());
    QVERIFY2(mentions(message, "missing from the file"), message.c_str());
    QVERIFY2(mentions(message, "model.diffusion_model.input_blocks.4.0.in_layers.0.weight"), message.c_str());
    QVERIFY2(!mentions(message, "down_blocks.1"), message.c_str());  // the file's names, not ours
  }

  void wrongShapeIsNamed() {
    fs::path folder;
    const fs::path whole = tiny_checkpoint("sdxl", &folder);
    const fs::path damaged = dir_ / "wrong-shape.safetensors";
    const std::string bad = "conditioner.embedders.1.model.transformer.resblocks.1.attn.in_proj_weight";
    rewrite(whole, damaged, [](const std::string&) { return true; },
            [&](const std::string& key, const at::Tensor& t) { return key == bad ? t.narrow(0, 0, t.size(0) - 3) : t; });
    ModelLoadOptions options;
    options.config_dir = folder;
    const auto message = test::error_of([&] { DiffusionModel::load(damaged, ComputeOptions{}, options); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, damaged.string()), message.c_str());
    QVERIFY2(mentions(message, "text encoder 2"), message.c_str());
    QVERIFY2(mentions(message, "wrong shape"), message.c_str());
    QVERIFY2(mentions(message, bad + " rows 1/3 (q) (file [93, 32] rows 1/3 (q) [31, 32], model [32, 32])"),
             message.c_str());
  }

  void strayAndUnmappedTensorsAreUnexpected() {
    fs::path folder;
    const fs::path whole = tiny_checkpoint("sd21", &folder);
    const fs::path extra = dir_ / "extra.safetensors";
    SafetensorsFile file(whole);
    NamedTensors tensors;
    for (const auto& e : file.entries()) tensors.emplace_back(e.name, file.tensor(e.name));
    tensors.emplace_back("model.diffusion_model.input_blocks.99.0.in_layers.0.weight", at::zeros({2}));
    write_safetensors(extra, tensors);
    ModelLoadOptions options;
    options.config_dir = folder;
    auto message = test::error_of([&] { DiffusionModel::load(extra, ComputeOptions{}, options); });
    QVERIFY2(mentions(message, "unexpected in the file (1): model.diffusion_model.input_blocks.99.0.in_layers.0.weight"),
             message.c_str());
    tensors.pop_back();
    tensors.emplace_back("cond_stage_model.extra_thing", at::zeros({2}));  // owned by no component
    tensors.emplace_back("lora_te_text_model_encoder.alpha", at::zeros({}));
    write_safetensors(extra, tensors);
    message = test::error_of([&] { DiffusionModel::load(extra, ComputeOptions{}, options); });
    qInfo("%s", message.c_str());
    QVERIFY2(mentions(message, extra.string()), message.c_str());
    QVERIFY2(mentions(message, "unexpected in the file (2): cond_stage_model.extra_thing, lora_te_text_model_encoder.alpha"),
             message.c_str());
  }

  void configOfAnotherFamilyIsRefused() {
    fs::path sdxl_folder;
    tiny_checkpoint("sdxl", &sdxl_folder);
    const fs::path sd15_file = tiny_checkpoint("sd15");
    ModelLoadOptions options;
    options.config_dir = sdxl_folder;
    const auto message = test::error_of([&] { DiffusionModel::load(sd15_file, ComputeOptions{}, options); });
    QVERIFY2(mentions(message, "are for an SDXL model"), message.c_str());
    QVERIFY2(mentions(message, sd15_file.string()), message.c_str());
  }

  void predictionTypeOverrideAppliesToFoldersAndFiles() {
    fs::path folder;
    const fs::path file = tiny_checkpoint("sd21", &folder);
    ModelLoadOptions options;
    options.prediction_type = "epsilon";
    const auto model = DiffusionModel::load(folder, ComputeOptions{}, options);  // the tiny sd21 says v_prediction
    QCOMPARE(model.scheduler_config().prediction_type, std::string("epsilon"));
    QCOMPARE(model.make_scheduler("euler")->config().prediction_type, std::string("epsilon"));
    options.config_dir = folder;
    options.prediction_type = "sample";
    QCOMPARE(DiffusionModel::load(file, ComputeOptions{}, options).scheduler_config().prediction_type,
             std::string("sample"));
    options.prediction_type = "x0";
    QVERIFY(mentions(test::error_of([&] { DiffusionModel::load(folder, ComputeOptions{}, options); }),
                     "prediction type 'x0' is not one of epsilon, v_prediction and sample"));
  }

  void shippedConfigsParse_data() {
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("encoders");
    QTest::addColumn<QString>("prediction");
    QTest::newRow("sdxl") << "sdxl-base-1.0" << 2 << "epsilon";
    QTest::newRow("sd15") << "sd-1.5" << 1 << "epsilon";
    QTest::newRow("sd2-512") << "sd-2.x-512-base" << 1 << "epsilon";
    QTest::newRow("sd2-768") << "sd-2.x-768-v" << 1 << "v_prediction";
  }
  void shippedConfigsParse() {
    QFETCH(QString, shape);
    QFETCH(int, encoders);
    QFETCH(QString, prediction);
    const fs::path root = shipped_model_configs_dir();
    QVERIFY2(!root.empty(), "shipped model configs not found");
    const auto parts = inspect_diffusers_folder(root / shape.toStdString());
    QCOMPARE(int(parts.text_encoders.size()), encoders);
    const auto unet = UNet2DConditionConfig::from_json(JsonConfig::load(parts.unet / "config.json"));
    const auto vae = AutoencoderKLConfig::from_json(JsonConfig::load(parts.vae / "config.json"));
    QCOMPARE(vae.downscale_factor(), int64_t(8));
    QCOMPARE(unet.has_text_time(), encoders == 2);
    int64_t context = 0;
    for (const auto& dir : parts.text_encoders)
      context += CLIPTextConfig::from_json(JsonConfig::load(dir / "config.json")).hidden_size;
    QCOMPARE(unet.cross_attention_dim.front(), context);  // 768, 1024, 768 + 1280
    const auto scheduler = SchedulerConfig::load(parts.scheduler / "scheduler_config.json");
    QCOMPARE(QString::fromStdString(scheduler.prediction_type), prediction);
    // The layout table covers every parameter of the real shapes (no weights needed: the
    // module names against the rules).
    const auto layout = unet_checkpoint_layout(unet);
    std::map<std::string, KeyRule> by_ours;
    for (const auto& rule : layout.rules) by_ours[rule.ours] = rule;
    UNet2DConditionModel module(unet);
    for (const auto& p : module->named_parameters()) QVERIFY2(longest_prefix_match(by_ours, p.key()), p.key().c_str());
  }

  void shippedTokenizersAreClips() {
    // The real CLIP vocabulary: "a photo of a cat" -> 320 1125 539 320 2368 between bos and eos.
    const fs::path root = shipped_model_configs_dir();
    const auto clip_l = ClipTokenizer::load(root / "sd-1.5" / "tokenizer", root / "clip-vocabulary");
    QCOMPARE(clip_l.encode("a photo of a cat"), (std::vector<int64_t>{49406, 320, 1125, 539, 320, 2368, 49407}));
    QCOMPARE(clip_l.vocab_size(), int64_t(49408));
    QCOMPARE(clip_l.pad_id(), int64_t(49407));  // SD 1.x pads with <|endoftext|>
    const auto open_clip = ClipTokenizer::load(root / "sdxl-base-1.0" / "tokenizer_2", root / "clip-vocabulary");
    QCOMPARE(open_clip.pad_id(), int64_t(0));  // OpenCLIP's tokenizers pad with "!"
    QCOMPARE(ClipTokenizer::load(root / "sd-2.x-768-v" / "tokenizer", root / "clip-vocabulary").pad_id(), int64_t(0));
  }

  void shapeIsPickedFromTheKeys() {
    // Files of each family with only a text-encoder key: the family, and the shipped shape.
    const std::pair<const char*, CheckpointFamily> keys[] = {
        {"conditioner.embedders.1.model.ln_final.weight", CheckpointFamily::SDXL},
        {"cond_stage_model.model.ln_final.weight", CheckpointFamily::SD2},
        {"cond_stage_model.transformer.text_model.final_layer_norm.weight", CheckpointFamily::SD1}};
    for (const auto& [key, family] : keys) {
      const fs::path file = dir_ / "signature.safetensors";
      write_safetensors(file, {{key, at::zeros({2})}});
      const auto detected = detect_checkpoint_family(SafetensorsFile(file));
      QVERIFY(detected && *detected == family);
      const auto checkpoint = SingleFileCheckpoint::open(file, {});
      QVERIFY(fs::exists(checkpoint.configs().unet / "config.json"));
    }
    QCOMPARE(shipped_shape_name(CheckpointFamily::SD2, ""), std::string("sd-2.x-768-v"));
    QCOMPARE(shipped_shape_name(CheckpointFamily::SD2, "v_prediction"), std::string("sd-2.x-768-v"));
    QCOMPARE(shipped_shape_name(CheckpointFamily::SD2, "epsilon"), std::string("sd-2.x-512-base"));
    QCOMPARE(shipped_shape_name(CheckpointFamily::SDXL, "epsilon"), std::string("sdxl-base-1.0"));
    QCOMPARE(shipped_shape_name(CheckpointFamily::SD1, ""), std::string("sd-1.5"));
    // An SD 2.x file without --config: the 768-v configs, v-prediction; the tiny weights then
    // do not fit the real shapes, reported by the file's own key names.
    const fs::path tiny = tiny_checkpoint("sd21");
    const auto checkpoint = SingleFileCheckpoint::open(tiny, {});
    QCOMPARE(checkpoint.shape_name(), std::string("sd-2.x-768-v"));
    QCOMPARE(SchedulerConfig::load(checkpoint.configs().scheduler / "scheduler_config.json").prediction_type,
             std::string("v_prediction"));
    const auto message = test::error_of([&] { DiffusionModel::load(tiny, ComputeOptions{}); });
    QVERIFY2(mentions(message, tiny.string() + " (UNet, keys model.diffusion_model.*) do not match the model"),
             message.c_str());
    QVERIFY2(mentions(message, "model.diffusion_model.input_blocks.0.0.weight (file [8, 4, 3, 3], model [320, 4, 3, 3])"),
             message.c_str());
  }
};

PARTEDIT_TEST(TestSingleFileCheckpoint);
}  // namespace test_single_file_checkpoint
#include "test_single_file_checkpoint.moc"
