// The engine worker on its thread, driven as the window drives it (queued requests, signals):
// progress every step with a mask of the image's size, cancel within one step leaving no
// result, requests sent while one runs are queued and run in order, cancellation per request
// (a cancel reaches the request it names, running or queued, and no other), instant t_e,
// export, and the token list greys exactly the tokens core's rule refuses.
#include <algorithm>
#include <atomic>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTreeWidget>

#include "editing/part_token.h"
#include "editing/token_library.h"
#include "engine/engine.h"
#include "io/image_io.h"
#include "ui/panels/token_panel.h"
#include "support/test_support.h"
#include "ui/gui_engine_fixtures.h"
#include "ui/worker/engine_client.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_engine_worker {

using namespace partedit;
using namespace partedit::ui;
namespace fs = std::filesystem;


namespace {

GenerateSettings small_generation(int steps) {
  GenerateSettings s = GenerateSettings::defaults();
  s.prompt = QStringLiteral("a photo of a cat in a park");
  s.steps = steps;
  s.scheduler = QStringLiteral("ddim");
  s.width = s.height = 64;
  s.seed = 3;
  return s;
}

EditSettings robotic_head() {
  EditSettings e = EditSettings::defaults();
  e.instruction = QStringLiteral("with a robotic <head>");
  return e;
}

// Waits until the request `id` has finished (the worker's last signal for it).
bool wait_finished(QSignalSpy& finished, quint64 id, int timeout_ms = 120000) {
  QElapsedTimer timer;
  timer.start();
  while (timer.elapsed() < timeout_ms) {
    for (const auto& args : finished)
      if (args.at(0).toULongLong() == id) {
        // The spy records in the worker's thread; the client's queued copy of the signal is
        // already posted: deliver it, so that busy() is up to date.
        QCoreApplication::processEvents();
        return true;
      }
    finished.wait(200);
  }
  return false;
}

// The request ids a spy recorded (each signal's first argument).
QList<quint64> ids(const QSignalSpy& spy) {
  QList<quint64> out;
  for (const auto& args : spy) out << args.at(0).toULongLong();
  return out;
}

QList<quint64> result_ids(const QSignalSpy& results) {
  QList<quint64> out;
  for (const auto& args : results) out << args.at(0).value<ResultImages>().requestId;
  return out;
}

}  // namespace

class TestEngineWorker : public QObject {
  Q_OBJECT
  test::TempDir dir_;
  std::unique_ptr<EngineClient> client_;

 private Q_SLOTS:
  void initTestCase() {
    test::install_test_token(dir_ / "tokens");
    client_ = std::make_unique<EngineClient>();
    EngineConfig config;
    config.modelFolder = QString::fromStdString(test::tiny_sdxl_dir().string());
    config.tokenFolder = QString::fromStdString((dir_ / "tokens").string());
    config.cacheFolder = QString::fromStdString((dir_ / "cache").string());
    client_->configure(config);
  }

  void progressArrivesEveryStepWithAMaskOfTheImageSize() {
    QSignalSpy progress(client_->worker(), &EngineWorker::progress);
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    QSignalSpy failed(client_->worker(), &EngineWorker::failed);
    const quint64 id = client_->editGenerated(small_generation(4), robotic_head());
    QVERIFY(client_->busy());
    QVERIFY(wait_finished(finished, id));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
    QVERIFY(!client_->busy());
    int editing_steps = 0;
    for (const auto& args : progress) {
      const auto info = args.at(1).value<ProgressInfo>();
      if (info.stage != QStringLiteral("editing")) continue;
      ++editing_steps;
      QCOMPARE(info.step, editing_steps);
      QCOMPARE(info.total, 4);
      QCOMPARE(info.mask.size(), QSize(64, 64));
      QCOMPARE(info.mask.format(), QImage::Format_Grayscale8);
      QVERIFY(!info.preview.isNull());
    }
    QCOMPARE(editing_steps, 4);
    QCOMPARE(results.size(), 1);
    const auto result = results.first().at(0).value<ResultImages>();
    QCOMPARE(result.requestId, id);
    QCOMPARE(result.image.size(), QSize(64, 64));
    QCOMPARE(result.stepMasks.size(), 4);
    QVERIFY(result.canRerender);
    QVERIFY(result.parameters.contains(QStringLiteral("Edit prompt: \"a photo of a cat in a park with a robotic head\"")));
  }

  void cancelStopsWithinOneStepAndGivesNoResult() {
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy cancelled(client_->worker(), &EngineWorker::cancelled);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    int steps_after_cancel = 0;
    bool cancel_sent = false;
    const auto connection = connect(client_->worker(), &EngineWorker::progress, this,
                                    [&](quint64, const ProgressInfo& info) {
                                      if (info.stage != QStringLiteral("editing")) return;
                                      if (cancel_sent) ++steps_after_cancel;
                                      if (info.step == 2 && !cancel_sent) {
                                        client_->cancel();  // from the GUI thread, as the Cancel button does
                                        cancel_sent = true;
                                      }
                                    });
    const quint64 id = client_->editGenerated(small_generation(8), robotic_head());
    QVERIFY(wait_finished(finished, id));
    disconnect(connection);
    QCOMPARE(cancelled.size(), 1);
    QCOMPARE(results.size(), 0);
    // Progress is queued: the worker may have finished the step it was in when the flag was set.
    QVERIFY2(steps_after_cancel <= 1, qPrintable(QString::number(steps_after_cancel)));
  }

  void requestsSentWhileOneRunsAreQueuedInOrder() {
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    const quint64 a = client_->generate(small_generation(2));
    const quint64 b = client_->editGenerated(small_generation(2), robotic_head());
    QCOMPARE(client_->pending(), 2);
    QVERIFY(wait_finished(finished, b));
    QCOMPARE(results.size(), 2);
    QCOMPARE(results.at(0).at(0).value<ResultImages>().requestId, a);
    QCOMPARE(results.at(1).at(0).value<ResultImages>().requestId, b);
    QVERIFY(!client_->busy());
  }

  // A Cancel that lands between two queued requests (the first has ended, the second not yet
  // started) is not lost: it reaches the second, which reports cancelled without starting.
  void cancelBetweenTwoQueuedRequestsReachesTheSecond() {
    QSignalSpy started(client_->worker(), &EngineWorker::started);
    QSignalSpy progress(client_->worker(), &EngineWorker::progress);
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy cancelled(client_->worker(), &EngineWorker::cancelled);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    std::atomic<quint64> first{0};
    // On the worker's thread, at the first request's last signal: between the two requests.
    const auto connection = connect(
        client_->worker(), &EngineWorker::finished, client_->worker(),
        [&](quint64 id) { if (id == first) client_->cancel(); }, Qt::DirectConnection);
    first = client_->generate(small_generation(2));
    const quint64 second = client_->generate(small_generation(2));
    QVERIFY(wait_finished(finished, second));
    disconnect(connection);
    const quint64 firstId = first;
    QCOMPARE(result_ids(results), QList<quint64>{firstId});
    QCOMPARE(ids(cancelled), QList<quint64>{second});
    QCOMPARE(ids(finished), (QList<quint64>{firstId, second}));
    QVERIFY(!ids(started).contains(second));
    QVERIFY(!ids(progress).contains(second));
    QVERIFY(!client_->busy());
  }

  // Cancelling a queued request by its id stops it before it starts; the requests before and
  // after it run.
  void cancellingAQueuedRequestStopsItBeforeItStarts() {
    QSignalSpy started(client_->worker(), &EngineWorker::started);
    QSignalSpy progress(client_->worker(), &EngineWorker::progress);
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy cancelled(client_->worker(), &EngineWorker::cancelled);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    const quint64 a = client_->generate(small_generation(2));
    const quint64 b = client_->editGenerated(small_generation(2), robotic_head());
    const quint64 c = client_->generate(small_generation(2));
    client_->cancel(b);
    QVERIFY(wait_finished(finished, c));
    QCOMPARE(result_ids(results), (QList<quint64>{a, c}));
    QCOMPARE(ids(cancelled), QList<quint64>{b});
    QCOMPARE(ids(started), (QList<quint64>{a, c}));
    QCOMPARE(ids(finished), (QList<quint64>{a, b, c}));
    QVERIFY(!ids(progress).contains(b));
    QVERIFY(!client_->busy());
  }

  // Cancelling the running request by its id stops it and only it: the one queued behind it
  // runs to its result.
  void cancellingTheRunningRequestLeavesTheNextOne() {
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy cancelled(client_->worker(), &EngineWorker::cancelled);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    std::atomic<quint64> running{0};
    const auto connection = connect(
        client_->worker(), &EngineWorker::progress, client_->worker(),
        [&](quint64 id, const ProgressInfo& info) {
          if (id == running && info.stage == QStringLiteral("editing") && info.step == 2) client_->cancel(id);
        },
        Qt::DirectConnection);
    running = client_->editGenerated(small_generation(8), robotic_head());
    const quint64 next = client_->generate(small_generation(2));
    QVERIFY(wait_finished(finished, next));
    disconnect(connection);
    const quint64 runningId = running;
    QCOMPARE(ids(cancelled), QList<quint64>{runningId});
    QCOMPARE(result_ids(results), QList<quint64>{next});
  }

  // cancel() without an id (closing the app) reaches the running request and the queued ones;
  // an export queued among them still writes its file (a cancel never reaches an export).
  void cancellingEveryRequestStopsTheQueuedOnesButNotAnExport() {
    QSignalSpy started(client_->worker(), &EngineWorker::started);
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy cancelled(client_->worker(), &EngineWorker::cancelled);
    QSignalSpy exported(client_->worker(), &EngineWorker::exported);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    std::atomic<quint64> running{0};
    const auto connection = connect(
        client_->worker(), &EngineWorker::progress, client_->worker(),
        [&](quint64 id, const ProgressInfo& info) {
          if (id == running && info.stage == QStringLiteral("editing") && info.step == 2) client_->cancel();
        },
        Qt::DirectConnection);
    running = client_->editGenerated(small_generation(8), robotic_head());
    QImage image(8, 8, QImage::Format_RGB888);
    image.fill(Qt::white);
    const QString path = QString::fromStdString((dir_ / "kept.png").string());
    const quint64 exportId = client_->exportImage(image, path, QString());
    const quint64 queued = client_->generate(small_generation(2));
    QVERIFY(wait_finished(finished, queued));
    disconnect(connection);
    const quint64 runningId = running;
    QCOMPARE(ids(cancelled), (QList<quint64>{runningId, queued}));
    QVERIFY(results.isEmpty());
    QCOMPARE(ids(exported), QList<quint64>{exportId});
    QVERIFY(QFileInfo::exists(path));
    QVERIFY(!ids(started).contains(queued));
    QVERIFY(!client_->busy());
  }

  void rerenderMovesTeOfTheLastEdit() {
    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    QSignalSpy progress(client_->worker(), &EngineWorker::progress);
    client_->editGenerated(small_generation(6), robotic_head());
    const quint64 id = client_->rerender(3);
    QVERIFY(wait_finished(finished, id));
    QCOMPARE(results.size(), 2);
    const auto moved = results.at(1).at(0).value<ResultImages>();
    QCOMPARE(moved.editEnd, 3);
    QVERIFY(moved.parameters.contains(QStringLiteral("t_e: 3")));
    int rerender_steps = 0;
    for (const auto& args : progress)
      if (args.at(0).toULongLong() == id) ++rerender_steps;
    QCOMPARE(rerender_steps, 6 - 2);  // steps from min(6, 3) - 1 on
  }

  void exportWritesTheImageWithItsParameters() {
    QSignalSpy exported(client_->worker(), &EngineWorker::exported);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    QImage image(16, 8, QImage::Format_RGB888);
    image.fill(QColor(200, 10, 30));
    const QString path = QString::fromStdString((dir_ / "out.png").string());
    const quint64 id = client_->exportImage(image, path, QStringLiteral("a prompt\nSteps: 4"));
    QVERIFY(wait_finished(finished, id));
    QCOMPARE(exported.size(), 1);
    QCOMPARE(read_image_parameters(path.toStdString()).value_or(""), std::string("a prompt\nSteps: 4"));
    QImage back(path);
    QCOMPARE(back.size(), QSize(16, 8));
    QCOMPARE(back.pixelColor(3, 3), QColor(200, 10, 30));
  }

  // A photo edit from the GUI's settings is the engine's edit of the same request, written
  // out here by hand from the settings' documented meaning: same pixels (within one 8-bit
  // level: the worker's thread may run other kernels), same mask, same parameters text (which
  // names every setting), same source prompt.
  void photoEditIsTheEnginesEditOfTheSameRequest() {
    const fs::path photo = dir_ / "photo-for-equality.png";
    auto generator = at::detail::createCPUGenerator(11);
    write_image(photo, at::rand({3, 72, 88}, generator));

    PhotoSettings photoSettings = PhotoSettings::defaults();
    photoSettings.path = QString::fromStdString(photo.string());
    photoSettings.sourcePrompt = QStringLiteral("a photo of a man");
    photoSettings.seed = 7;
    photoSettings.sourceGuidance = 4.5;
    photoSettings.steps = 4;
    photoSettings.skip = 0.25;
    photoSettings.scheduler = QStringLiteral("ddim");
    GenerateSettings generation = GenerateSettings::defaults();  // what the edit panel sends for a photo
    generation.prompt = photoSettings.sourcePrompt;
    generation.negative = QStringLiteral("blurry");
    generation.guidance = 6.0;
    generation.steps = 4;
    generation.seed = 7;
    EditSettings edit = robotic_head();
    edit.editEnd = 3;
    edit.omega = 1.3;
    edit.feather = 2.0;

    QSignalSpy results(client_->worker(), &EngineWorker::resultReady);
    QSignalSpy finished(client_->worker(), &EngineWorker::finished);
    QSignalSpy failed(client_->worker(), &EngineWorker::failed);
    const quint64 id = client_->editPhoto(photoSettings, generation, edit);
    QVERIFY(wait_finished(finished, id, 300000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
    QCOMPARE(results.size(), 1);
    const auto gui = results.first().at(0).value<ResultImages>();

    EditJob job;
    EditFromPhoto from;
    from.image = photo.string();
    from.prompt = "a photo of a man";
    from.inversion.guidance = 4.5;
    from.inversion.steps = 4;
    from.inversion.skip = 0.25;
    from.inversion.scheduler = "ddim";
    from.inversion.zero_noise_steps = default_zero_noise_steps(4);
    from.inversion.seed = 7;
    job.from = from;
    job.generation.prompt = "a photo of a man";
    job.generation.negative = "blurry";
    job.generation.guidance = 6.0;
    job.generation.steps = 4;
    job.generation.seed = 7;
    job.instruction = EditInstruction::appended_edit(parse_appended_edit("with a robotic <head>"));
    job.parts = {read_part_token(dir_ / "tokens" / "head.safetensors")};
    job.edit_end_step = 3;
    job.omega = 1.3;
    job.feather = 2.0;
    job.use_cache = false;
    Engine engine;
    engine.load_model(test::tiny_sdxl_dir(), ComputeOptions{});
    const EditJobResult reference = engine.edit(job);

    QCOMPARE(gui.parameters, QString::fromStdString(reference.parameters()));
    QCOMPARE(gui.sourceParameters, QString::fromStdString(reference.source_parameters()));
    QCOMPARE(gui.sourcePrompt, QStringLiteral("a photo of a man"));
    QCOMPARE(gui.editPrompt, QString::fromStdString(reference.edit.edit_prompt));
    const auto bytes = [](const at::Tensor& chw) {  // [H, W, C] levels, as an 8-bit image holds them
      return chw.clamp(0, 1).mul(255).round().to(at::kInt).permute({1, 2, 0}).contiguous();
    };
    const at::Tensor image = bytes(reference.image()), mask = bytes(reference.mask().unsqueeze(0));
    QCOMPARE(gui.image.size(), QSize(int(image.size(1)), int(image.size(0))));
    QCOMPARE(gui.mask.size(), QSize(int(mask.size(1)), int(mask.size(0))));
    int worst = 0;
    for (int y = 0; y < gui.image.height(); ++y)
      for (int x = 0; x < gui.image.width(); ++x) {
        const QRgb pixel = gui.image.pixel(x, y);
        const int channels[3] = {qRed(pixel), qGreen(pixel), qBlue(pixel)};
        for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(channels[c] - image[y][x][c].item<int>()));
        worst = std::max(worst, std::abs(qGray(gui.mask.pixel(x, y)) - mask[y][x][0].item<int>()));
      }
    QVERIFY2(worst <= 1, qPrintable(QStringLiteral("largest difference %1 levels").arg(worst)));
  }

  // The token list (and the panel's greying) gives core's answer for the loaded model, the tiny
  // SDXL model: text conditioning 64 wide (2 × 32), family sdxl.
  // The panel's Rename and Delete go through the worker (the GUI thread touches no token
  // files); a refusal comes back as `failed` with core's words, and the list follows.
  void tokensAreRenamedAndDeletedThroughTheWorker() {
    const fs::path folder = dir_ / "editable-tokens";
    test::install_test_token(folder, "old-name");
    test::install_test_token(folder, "taken");
    EngineClient client;
    QSignalSpy listed(client.worker(), &EngineWorker::tokensListed);
    QSignalSpy failed(client.worker(), &EngineWorker::failed);
    QSignalSpy finished(client.worker(), &EngineWorker::finished);
    EngineConfig config = test::tiny_engine_config(dir_.path());
    config.tokenFolder = test::qpath(folder);
    client.configure(config);
    const auto names = [&] {
      QStringList out;
      for (const TokenInfo& t : listed.last().at(0).value<QVector<TokenInfo>>())
        if (t.editable) out << t.partName;
      return out;
    };
    quint64 id = client.renameToken(QStringLiteral("old-name"), QStringLiteral("New Name"));
    QVERIFY(wait_finished(finished, id));
    QVERIFY(failed.isEmpty());
    QVERIFY(names().contains(QStringLiteral("new-name")) && !names().contains(QStringLiteral("old-name")));
    QVERIFY(fs::exists(folder / "new-name.safetensors") && !fs::exists(folder / "old-name.safetensors"));
    id = client.renameToken(QStringLiteral("new-name"), QStringLiteral("taken"));
    QVERIFY(wait_finished(finished, id));
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("installed already")),
             qPrintable(failed.last().at(1).toString()));
    id = client.deleteToken(QStringLiteral("new-name"));
    QVERIFY(wait_finished(finished, id));
    QCOMPARE(failed.size(), 1);
    QVERIFY(!fs::exists(folder / "new-name.safetensors"));
    QCOMPARE(names(), QStringList{QStringLiteral("taken")});
  }

  void tokenListGreysWhatCoreRefuses() {
    struct Case {
      const char* name;
      int64_t width;
      const char* family;
      bool usable;
    };
    const Case cases[] = {
        {"fits-unknown", 64, "unknown", true},
        {"fits-sdxl", 64, "sdxl", true},
        {"custom-family", 64, "my-finetune", true},  // a family PartEdit does not know: the width decides
        {"wrong-family", 64, "sd15", false},
        {"wrong-width", 32, "unknown", false},
        {"sdxl-full-width", 2048, "sdxl", false},
    };
    const fs::path folder = dir_ / "fit-tokens";
    fs::create_directories(folder);
    auto generator = at::detail::createCPUGenerator(2);
    for (const Case& c : cases) {
      PartToken token;
      token.embedding = at::randn({2, c.width}, generator);
      token.part_name = c.name;
      token.base_model_family = c.family;
      write_part_token(folder / (std::string(c.name) + ".safetensors"), token);
    }
    EngineClient client;
    QSignalSpy listed(client.worker(), &EngineWorker::tokensListed);
    QSignalSpy partNames(client.worker(), &EngineWorker::partNamesListed);
    QSignalSpy finished(client.worker(), &EngineWorker::finished);
    EngineConfig config;
    config.modelFolder = QString::fromStdString(test::tiny_sdxl_dir().string());
    config.tokenFolder = QString::fromStdString(folder.string());
    config.cacheFolder = QString::fromStdString((dir_ / "cache").string());
    client.configure(config);
    const quint64 id = client.generate(small_generation(1));  // loads the model, then lists the tokens for it
    QVERIFY(wait_finished(finished, id));
    QVERIFY(!listed.isEmpty());
    const auto tokens = listed.last().at(0).value<QVector<TokenInfo>>();
    TokenPanel panel;
    panel.setTokens(tokens);
    const auto* list = panel.findChild<QTreeWidget*>(QStringLiteral("tokenList"));
    QVERIFY(list);
    for (const Case& c : cases) {
      const QString name = QString::fromLatin1(c.name);
      const auto found = std::find_if(tokens.begin(), tokens.end(), [&](const TokenInfo& t) { return t.partName == name; });
      QVERIFY2(found != tokens.end(), c.name);
      QVERIFY2(found->usable == c.usable, c.name);
      QVERIFY2(found->usable == (token_fit(found->width, found->baseModel.toStdString(), 64, "sdxl") == TokenFit::Fits), c.name);
      QVERIFY2(found->usable == found->reason.isEmpty(), qPrintable(name + QStringLiteral(": ") + found->reason));
      const auto items = list->findItems(name, Qt::MatchExactly, 0);
      QCOMPARE(items.size(), 1);
      // Unusable tokens are greyed with the reason; those of the user's folder stay selectable
      // (Rename, Delete).
      QVERIFY2(items.first()->toolTip(0).startsWith(QStringLiteral("Cannot be used")) == !c.usable, c.name);
      QVERIFY2(!items.first()->isDisabled(), c.name);
    }
    // The edit box's part names come with every listing: those of the library the engine
    // reads, so that the GUI thread reads no token files (the shipped folder's too).
    QCOMPARE(partNames.size(), listed.size());
    const QStringList names = partNames.last().at(0).value<PartVocabulary>().available();
    QStringList expected;
    for (const auto& name : open_token_library(program_token_dir(), {folder}).part_names())
      expected << QString::fromStdString(name);
    QCOMPARE(names, expected);
    for (const Case& c : cases) QVERIFY2(names.contains(QString::fromLatin1(c.name)), c.name);
  }
};

PARTEDIT_TEST(TestEngineWorker);
}  // namespace test_engine_worker
#include "test_engine_worker.moc"
