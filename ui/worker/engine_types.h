#pragma once
// The Qt side's value types for engine requests and results: what widgets fill in and read.
// Plain Qt types only (widgets never include core/ or LibTorch); the engine worker turns
// them into core requests. Defaults come from core's request structs (defaults()).
#include <optional>

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace partedit::ui {

// What the engine loads: set from the preferences, applied before the next request.
struct EngineConfig {
  QString modelFolder;     // an SDXL / SD 1.x / SD 2.x diffusers folder
  QString captionFolder;   // a BLIP-2 folder; empty = no captions
  QString device = QStringLiteral("cpu");  // cpu | cuda
  QString dtype = QStringLiteral("fp32");  // fp32 | fp16 | bf16
  QString tokenFolder;     // the user's part tokens; empty = the default folder
  QString cacheFolder;     // inversions kept for later edits; empty = the default folder
  qint64 cacheLimitBytes = 0;  // 0 = the default limit
  bool useCache = true;
};

struct GenerateSettings {
  QString prompt;
  QString negative;
  std::optional<quint64> seed;  // nullopt: a random seed (reported in the result)
  int steps = 0;
  double guidance = 0;
  QString scheduler;            // "" = the model's own
  int width = 0, height = 0;    // 0 = the model's default size
  static GenerateSettings defaults();
};

struct EditSettings {
  QString instruction;          // "with <edit> <part>"
  std::optional<int> editEnd;   // t_e in [1, steps]; nullopt = steps
  double omega = 0;
  double crossReplace = 0;
  double feather = 0;           // photos: compositing feather radius in original pixels
  static EditSettings defaults();
};

// A photo to edit: its file and inversion settings.
struct PhotoSettings {
  QString path;
  QString sourcePrompt;         // empty: caption the photo
  std::optional<quint64> seed;  // of the inversion's noising draws
  double sourceGuidance = 0;
  int steps = 0;
  double skip = 0;
  QString scheduler;            // dpmpp-sde | ddim
  static PhotoSettings defaults();
};

struct ProgressInfo {
  QString stage;                // "inverting", "editing", … (translated by the receiver)
  int stageId = 0;              // partedit::EngineStage as int
  int step = 0, total = 0;
  double elapsed = 0, remaining = 0, secondsPerStep = 0;
  QImage preview;               // the path's current estimate at latent resolution; may be null
  QImage mask;                  // Grayscale8, the edit's mask of this step; null when not editing
};

struct TokenInfo {
  QString partName, displayName, baseModel, source, path;
  qint64 width = 0;
  bool usable = true;
  QString reason;               // why it cannot be used with the loaded model
};

struct ModelInfo {
  QString folder, name, family;
  int defaultSize = 0;
  QString compute;              // "cpu fp32"
};

// One result: a generation or an edit.
struct ResultImages {
  quint64 requestId = 0;
  bool isEdit = false;
  QImage image;                 // what the artist sees (a photo edit: composited at the photo's size)
  QImage source;                // the source image (a photo edit: the photo's reconstruction, composited)
  QImage mask;                  // Grayscale8 final mask (a photo edit: the compositing mask)
  QVector<QImage> stepMasks;    // Grayscale8 per-step masks, step 1 first (edits)
  QString parameters;           // A1111-style text written into exported images
  QString sourceParameters;
  QString sourcePrompt, promptOrigin, editPrompt;
  quint64 seed = 0;
  int steps = 0, editEnd = 0;
  bool inversionReused = false;
  bool canRerender = false;     // the worker kept its per-step state: t_e moves instantly
  bool rerendered = false;      // an instant t_e re-render of the previous edit
  double seconds = 0;
};

}  // namespace partedit::ui

Q_DECLARE_METATYPE(partedit::ui::EngineConfig)
Q_DECLARE_METATYPE(partedit::ui::GenerateSettings)
Q_DECLARE_METATYPE(partedit::ui::EditSettings)
Q_DECLARE_METATYPE(partedit::ui::PhotoSettings)
Q_DECLARE_METATYPE(partedit::ui::ProgressInfo)
Q_DECLARE_METATYPE(partedit::ui::TokenInfo)
Q_DECLARE_METATYPE(partedit::ui::ModelInfo)
Q_DECLARE_METATYPE(partedit::ui::ResultImages)
