// bench_gui_responsiveness: a full edit driven through the main window (medium model, 10
// steps, 256x256 generated source, then "with a robotic <head>"), offscreen. A 2 ms timer
// measures how long the GUI event loop went without running while the engine worked on its
// thread (progress, previews and the mask overlay arriving every step). Last line: one JSON
// object with max_stall_ms (target <= 50), p99_stall_ms, edit_s and generate_s.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTimer>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "bench_common.h"
#include "editing/part_token.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/worker/engine_client.h"

using namespace partedit;
using namespace partedit::ui;

namespace {

// Gaps between the ticks of a fast timer: how long the event loop was busy elsewhere.
class StallMeter {
 public:
  StallMeter() {
    timer_.setInterval(2);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      const qint64 now = clock_.nsecsElapsed();
      if (last_ > 0) gaps_ms_.push_back((now - last_) / 1e6);
      last_ = now;
    });
  }
  void start() {
    gaps_ms_.clear();
    last_ = 0;
    clock_.start();
    timer_.start();
  }
  void stop() { timer_.stop(); }
  double max_ms() const { return gaps_ms_.empty() ? 0 : *std::max_element(gaps_ms_.begin(), gaps_ms_.end()); }
  double percentile_ms(double p) const {
    if (gaps_ms_.empty()) return 0;
    std::vector<double> sorted = gaps_ms_;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = 0;
  std::vector<double> gaps_ms_;
};

void wait_idle(MainWindow& window) {
  while (window.isRunning()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);
  return bench::run(argc, argv, "bench_gui_responsiveness", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    const auto tokens = std::filesystem::temp_directory_path() / ("partedit-bench-tokens-" + std::to_string(::getpid()));
    std::filesystem::create_directories(tokens);
    {
      auto generator = at::detail::createCPUGenerator(0);
      PartToken token;
      // The model's text width: the UNet's cross-attention width.
      std::ifstream config(folder.path() / "unet" / "config.json");
      const int64_t width = nlohmann::json::parse(config).at("cross_attention_dim").get<int64_t>();
      token.embedding = at::randn({2, width}, generator);
      token.part_name = "head";
      write_part_token(tokens / "head.safetensors", token);
    }
    MainWindow window;
    EngineConfig config;
    config.modelFolder = QString::fromStdString(folder.path().string());
    config.tokenFolder = QString::fromStdString(tokens.string());
    config.device = QString::fromStdString(options.device);
    config.dtype = QString::fromStdString(options.dtype);
    config.useCache = false;
    window.applyEngineConfig(config);
    window.resize(1280, 800);
    window.show();

    GenerateSettings generation = GenerateSettings::defaults();
    generation.prompt = QStringLiteral("a photo of a cat in a park");
    generation.steps = options.steps;
    generation.width = generation.height = options.size > 0 ? options.size : 256;
    generation.seed = 0;
    StallMeter meter;
    const auto t0 = std::chrono::steady_clock::now();
    window.generateImage(generation);  // loads the model too
    wait_idle(window);
    const double generate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    window.editPanel()->editBox()->setText(QStringLiteral("with a robotic <head>"));
    meter.start();
    const auto t1 = std::chrono::steady_clock::now();
    if (!window.applyEdit()) throw Error("the edit did not start");
    wait_idle(window);
    const double edit_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    meter.stop();
    std::filesystem::remove_all(tokens);

    nlohmann::json json;
    json["bench"] = "gui_responsiveness";
    json["steps"] = options.steps;
    json["size"] = generation.width;
    json["device"] = options.device;
    json["max_stall_ms"] = meter.max_ms();
    json["p99_stall_ms"] = meter.percentile_ms(0.99);
    json["edit_s"] = edit_s;
    json["generate_s"] = generate_s;
    std::cout << json.dump() << std::endl;
  });
}
