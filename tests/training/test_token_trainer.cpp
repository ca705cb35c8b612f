// Token training (core/training, algorithm.md §5) on the tiny model: both modes learn a
// learnable part (loss falls, held-out IoU beats the random initial token's), the exact
// mode's gradient equals finite differences, both modes compute the same loss from the same
// queries (and the two-key softmax equals the naive 77-key one), a resumed run equals an
// uninterrupted one, and the token file records how it was trained.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "editing/part_token.h"
#include "nn/attention.h"
#include "pipeline/diffusion_model.h"
#include "support/test_support.h"
#include "training/part_maps.h"
#include "training/synthetic_parts.h"
#include "training/token_trainer.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_token_trainer {

using namespace partedit;

namespace {

DiffusionModel& tiny_model() {
  static DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
  return model;
}

// Late timesteps (20, 10, 0): with random weights the VAE's latents drown in the noise of
// the paper's intermediate ones, so nothing is learnable there (the measured fact).
TokenTrainingOptions late_options(TrainingMode mode, int64_t steps) {
  TokenTrainingOptions o;
  o.part_name = "bright-disc";
  o.mode = mode;
  o.steps = steps;
  o.timestep_high = 20;
  o.timestep_low = 0;
  o.timestep_stride = 10;
  o.validation_split = 1.0 / 3.0;
  o.validate_every = steps;
  o.checkpoint_every = steps;
  o.seed = 7;
  return o;
}

double mean(const std::vector<double>& v, size_t from, size_t to) {
  double s = 0;
  for (size_t i = from; i < to; ++i) s += v[i];
  return s / static_cast<double>(to - from);
}

// The naive loss of one layer: softmax over all 77 keys of the token sequence, the part
// column averaged over heads, against the mask averaged over each map pixel's block.
at::Tensor naive_layer_loss(AttentionImpl& layer, const LayerQueries& q, const at::Tensor& embedding,
                            const at::Tensor& mask) {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> rows{embedding[0], embedding[1]};
  for (int i = 2; i < 77; ++i) rows.push_back(embedding[0]);
  const auto sequence = at::stack(rows).unsqueeze(0);                          // [1, 77, D]
  const auto keys = layer.split_heads(layer.to_k(sequence))[0];               // [heads, 77, d]
  const auto probabilities = at::softmax(at::matmul(q.query, keys.transpose(-1, -2)) * layer.scale(), -1);
  const auto p = probabilities.select(-1, 1).mean(0).view({q.height, q.width});
  const int64_t block = mask.size(0) / q.height;
  const auto y = at::avg_pool2d(mask.view({1, 1, mask.size(0), mask.size(1)}), {block, block})[0][0];
  return -(y * p.log() + (1 - y) * (1 - p).log()).mean();
}

}  // namespace

class TestTokenTrainer : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { at::set_num_threads(1); }

  void bothModesLearnTheSyntheticPart_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("steps");
    QTest::newRow("cached") << int(TrainingMode::Cached) << 200;
    QTest::newRow("exact") << int(TrainingMode::Exact) << 60;
  }
  void bothModesLearnTheSyntheticPart() {
    QFETCH(int, mode);
    QFETCH(int, steps);
    TokenTrainer trainer(tiny_model(), test::synthetic_part_set(9), late_options(TrainingMode(mode), steps));
    QCOMPARE(trainer.split().validation.size(), size_t(3));
    const auto before = trainer.validate();
    QVERIFY(!before.on_training_images);
    std::vector<double> losses;
    for (int s = 0; s < steps; ++s) losses.push_back(trainer.train_step().loss);
    const auto after = trainer.validate();
    const double first = mean(losses, 0, 10), last = mean(losses, losses.size() - 10, losses.size());
    qInfo("%s: loss %.4f -> %.4f; held-out mIoU %.3f (random token) -> %.3f; held-out loss %.4f -> %.4f",
          mode == int(TrainingMode::Cached) ? "cached" : "exact", first, last, before.miou, after.miou, before.loss,
          after.loss);
    QVERIFY2(last < 0.9 * first, "the training loss falls");
    QVERIFY2(after.loss < before.loss, "the held-out loss falls");
    QVERIFY2(after.miou > before.miou + 0.05, "the held-out IoU rises above the random token's");
    QCOMPARE(after.preview_map.sizes(), at::IntArrayRef({128, 128}));
    QVERIFY(after.preview_map.min().item<double>() >= 0 && after.preview_map.max().item<double>() <= 1);
  }

  // The exact mode back-propagates through the frozen UNet: its gradient with respect to
  // the embedding equals central finite differences (the micro model in double precision).
  void exactGradientEqualsFiniteDifferences() {
    DiffusionModel model = DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{});
    model.unet()->to(at::kDouble);
    auto options = late_options(TrainingMode::Exact, 1);
    options.validation_split = 0;
    TokenTrainer trainer(model, test::synthetic_part_set(1, 64), options);
    const at::Tensor& embedding = trainer.embedding();
    QCOMPARE(embedding.scalar_type(), at::kDouble);
    trainer.example_loss(0, 1, /*backward=*/true);
    const auto gradient = embedding.grad().clone();
    auto generator = at::detail::createCPUGenerator(5);
    const auto direction = at::randn(embedding.sizes(), generator, at::TensorOptions().dtype(at::kDouble));
    const double h = 1e-5;
    const auto loss_at = [&](double t) {
      at::NoGradGuard no_grad;
      embedding.add_(direction * t);
      const double loss = trainer.example_loss(0, 1).item<double>();
      embedding.sub_(direction * t);
      return loss;
    };
    const double finite = (loss_at(h) - loss_at(-h)) / (2 * h);
    const double analytic = (gradient * direction).sum().item<double>();
    qInfo("directional derivative: autograd %.10g, finite differences %.10g", analytic, finite);
    QVERIFY(std::abs(analytic) > 1e-6);
    QVERIFY(std::abs(analytic - finite) <= 1e-6 * std::abs(analytic));
  }

  // The same queries give the same loss in both modes (one loss function), and the
  // two-key softmax with BG's log-multiplicity equals the naive softmax over 77 keys.
  void bothModesShareTheLossOfTheSameQueries() {
    auto options = late_options(TrainingMode::Exact, 1);
    options.validation_split = 0;
    const auto data = test::synthetic_part_set(2);
    TokenTrainer exact(tiny_model(), data, options);
    options.mode = TrainingMode::Cached;
    TokenTrainer cached(tiny_model(), data, options);
    QCOMPARE(test::max_abs_diff(exact.embedding(), cached.embedding()), 0.0);  // same seed, same initial token
    const auto queries = exact.exact_queries(1, 2);
    QCOMPARE(static_cast<int64_t>(queries.size()), static_cast<int64_t>(exact.layers().size()));
    const double exact_loss = exact.example_loss(1, 2).item<double>();
    const double cached_loss = cached.loss_from_queries(queries, 1).item<double>();
    qInfo("step-0 loss: exact %.8f, cached from the same queries %.8f", exact_loss, cached_loss);
    QVERIFY(std::abs(exact_loss - cached_loss) <= 1e-6 * exact_loss);

    auto layers = tiny_model().unet()->cross_attention_layers();
    double naive = 0;
    for (const auto& q : queries) naive += naive_layer_loss(*layers[q.cross_index], q, cached.embedding(), data[1].mask).item<double>();
    naive /= static_cast<double>(queries.size());
    QVERIFY2(std::abs(naive - cached_loss) <= 1e-5 * naive, qPrintable(QString("naive %1 vs %2").arg(naive).arg(cached_loss)));
  }

  // 50 steps, a stop (cancel) with its checkpoint, then 50 more from the file equal 100.
  void resumedRunEqualsUninterrupted_data() {
    QTest::addColumn<QString>("optimizer");
    QTest::newRow("sgd") << "sgd";
    QTest::newRow("adam") << "adam";
  }
  void resumedRunEqualsUninterrupted() {
    QFETCH(QString, optimizer);
    auto options = late_options(TrainingMode::Cached, 100);
    options.optimizer = parse_token_optimizer(optimizer.toStdString());
    options.learning_rate = optimizer == "sgd" ? 30 : 0.3;
    options.validate_every = options.checkpoint_every = 25;
    const auto data = test::synthetic_part_set(6, 64);
    test::TempDir dir;
    const auto checkpoint = dir / "run.checkpoint";

    TokenTrainer whole(tiny_model(), data, options);
    const PartToken uninterrupted = run_token_training(whole, {});

    CancelToken cancel;
    TokenTrainer first(tiny_model(), data, options);
    TrainingObserver stop_at_50;
    stop_at_50.step = [&](const TrainingStepReport& r) {
      if (r.step == 50) cancel.cancel();
    };
    bool cancelled = false;
    try {
      run_token_training(first, checkpoint, stop_at_50, cancel);
    } catch (const CancelledError&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    const auto saved = read_token_checkpoint(checkpoint);
    QCOMPARE(saved.step, int64_t(50));
    QCOMPARE(saved.validations.size(), size_t(2));  // steps 25 and 50

    TokenTrainer second(tiny_model(), data, options);
    second.resume(saved, checkpoint.string());
    const PartToken resumed = run_token_training(second, checkpoint);
    QCOMPARE(second.steps_done(), int64_t(100));
    QCOMPARE(test::max_abs_diff(resumed.embedding, uninterrupted.embedding), 0.0);
    QCOMPARE(second.checkpoint().losses, whole.checkpoint().losses);
    QCOMPARE(read_token_checkpoint(checkpoint).step, int64_t(100));
  }

  void resumeRefusesAnotherRun() {
    auto options = late_options(TrainingMode::Cached, 4);
    const auto data = test::synthetic_part_set(3, 64);
    TokenTrainer trainer(tiny_model(), data, options);
    trainer.train_step();
    const auto checkpoint = trainer.checkpoint();
    options.seed = 8;
    TokenTrainer other(tiny_model(), data, options);
    const auto error = test::error_of([&] { other.resume(checkpoint, "run.checkpoint"); });
    QVERIFY2(error.find("run.checkpoint belongs to a different training run") != std::string::npos, error.c_str());
    QVERIFY2(error.find("seed was 7, now 8") != std::string::npos, error.c_str());
  }

  void theTokenRecordsItsTraining() {
    auto options = late_options(TrainingMode::Cached, 3);
    TokenTrainer trainer(tiny_model(), test::synthetic_part_set(3, 64), options);
    const PartToken token = run_token_training(trainer, {});
    test::TempDir dir;
    write_part_token(dir / "bright-disc.safetensors", token);
    const PartToken read = read_part_token(dir / "bright-disc.safetensors");
    QCOMPARE(read.part_name, std::string("bright-disc"));
    QCOMPARE(read.base_model_family, std::string("sdxl"));
    QCOMPARE(read.embedding_dim, int64_t(64));
    QCOMPARE(read.layers.size(), trainer.layers().size());
    QCOMPARE(read.timestep_range, (std::pair<int64_t, int64_t>{0, 20}));
    QCOMPARE(read.training.images, int64_t(2));
    QCOMPARE(read.training.validation_images, int64_t(1));
    QCOMPARE(read.training.mode, std::string("cached"));
    QCOMPARE(read.training.steps, int64_t(3));
    QVERIFY(read.training.validation_miou >= 0 && read.training.validation_miou <= 1);
    QVERIFY(!read.training.date.empty());
  }

  void theSplitHoldsOutAShareButLeavesTraining() {
    QCOMPARE(split_training_set(1, 0.2, 0).validation.size(), size_t(0));
    QCOMPARE(split_training_set(2, 0.2, 0).validation.size(), size_t(0));
    QCOMPARE(split_training_set(3, 0.2, 0).validation.size(), size_t(1));
    QCOMPARE(split_training_set(10, 0.2, 0).validation.size(), size_t(2));
    QCOMPARE(split_training_set(10, 0.0, 0).validation.size(), size_t(0));
    QCOMPARE(split_training_set(4, 0.99, 0).train.size(), size_t(1));
    QCOMPARE(split_training_set(20, 0.2, 3).validation, split_training_set(20, 0.2, 3).validation);
    const auto split = split_training_set(20, 0.2, 3);
    QCOMPARE(split.train.size() + split.validation.size(), size_t(20));
    // The artist's choices: image 0 always held out, the held-out ones of the seeded split kept
    // for training; the automatic ones fill the rest of the count.
    std::vector<HoldOut> choices(20, HoldOut::Automatic);
    choices[0] = HoldOut::Always;
    for (size_t i : split.validation) choices[i] = i == 0 ? HoldOut::Always : HoldOut::Never;
    const auto chosen = split_training_set(20, 0.2, 3, choices);
    QCOMPARE(chosen.validation.size(), size_t(4));  // round(20 · 0.2), image 0 among them
    QCOMPARE(chosen.validation.front(), size_t(0));
    for (size_t i : chosen.validation) QVERIFY(choices[i] != HoldOut::Never);
    for (size_t i : chosen.train) QVERIFY(choices[i] != HoldOut::Always);
    QVERIFY(test::error_of([] { split_training_set(2, 0.2, 0, {HoldOut::Always, HoldOut::Always}); })
                .find("at least one must be trained on") != std::string::npos);
  }

  void badOptionsAreRefusedBeforeAnyWork() {
    const auto data = test::synthetic_part_set(1, 64);
    auto options = late_options(TrainingMode::Cached, 10);
    options.part_name = "Cat Ear";
    QVERIFY(test::error_of([&] { TokenTrainer(tiny_model(), data, options); }).find("kebab-case") != std::string::npos);
    options = late_options(TrainingMode::Cached, 10);
    options.timestep_high = 1000;
    QVERIFY(test::error_of([&] { TokenTrainer(tiny_model(), data, options); }).find("HIGH:LOW") != std::string::npos);
    options = late_options(TrainingMode::Cached, 10);
    QVERIFY(test::error_of([&] { TokenTrainer(tiny_model(), {}, options); }).find("no training images") != std::string::npos);
    options.layers = {999};
    QVERIFY(test::error_of([&] { TokenTrainer(tiny_model(), data, options); }).find("layer 999 does not exist") != std::string::npos);
  }
};

PARTEDIT_TEST(TestTokenTrainer);
}  // namespace test_token_trainer
#include "test_token_trainer.moc"
