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
  QString modelFolder;     // an SDXL / SD 1.x / SD 2.x diffusers folder or single-file .safetensors
  QString modelConfigFolder;  // for a single file: a diffusers folder with its configs; empty = shipped
  QString captionFolder;   // a BLIP-2 folder; empty = no captions
  QString device = QStringLiteral("cpu");  // cpu | cuda
  QString dtype = QStringLiteral("auto");  // auto | fp32 | fp16 | bf16 (engine/precision_choice.h)
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

// The ranges the controls offer (core/engine/control_ranges.h).
struct ControlRanges {
  int minSteps = 0, maxSteps = 0;
  double minGuidance = 0, minEditGuidance = 0, maxGuidance = 0;
  double minOmega = 0, maxOmega = 0;
  double maxFeather = 0;
  int minSide = 0, maxSide = 0, sideStep = 0;
  static ControlRanges fromEngine();
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
  bool editable = false;        // in the user's token folder: can be renamed and deleted
};

struct ModelInfo {
  QString folder, name, family;
  int defaultSize = 0;
  QString compute;              // "cpu fp32"
  QString computeReason;        // why that precision (--dtype auto), or a warning; may be empty
};

// One result: a generation or an edit.
struct ResultImages {
  quint64 requestId = 0;
  bool isEdit = false;
  // Images in the canvas's paint format (RGB32), converted on the worker's thread: a large
  // photo's result costs the GUI thread no conversion.
  QImage image;                 // what the artist sees (a photo edit: composited at the photo's size)
  QImage source;                // the source image (a photo edit: the photo's reconstruction, composited)
  QImage thumbnail;             // `image` scaled for lists (longer side 96 px), also made on the worker
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

// A part token to train (core/training): the images with their masks and the run's settings.
struct TrainingImage {
  QString name;       // shown in messages and as a validation image's name
  QString imagePath;
  QString maskPath;   // 0 background / 255 part, the image's size
  enum class HoldOut { Automatic, Always, Never } holdOut = HoldOut::Automatic;  // the artist's validation choice
};

struct TrainingSettings {
  QVector<TrainingImage> images;
  QString partName;               // kebab-case, e.g. "cat-ear"
  QString mode;                   // cached | exact
  QString optimizer;              // sgd | adam
  int steps = 0;
  double learningRate = 0;
  int timestepHigh = 0, timestepLow = 0, timestepStride = 0;  // model timesteps, inclusive
  double validationSplit = 0;     // share of the images held out
  int validateEvery = 0;          // steps between validations (and at the end)
  quint64 seed = 0;
  QString checkpointPath;         // written at every checkpoint and when cancelled; "" = none
  bool resume = false;            // continue from checkpointPath when it exists
  static TrainingSettings defaults();
};

// Core's learning rate for `optimizer` ("sgd" | "adam"; else the default optimizer's): what a
// run starts with unless the artist sets one.
double defaultLearningRate(const QString& optimizer);

// Empty when `name` can name a part token, else why not (translated).
QString partNameProblem(const QString& name);
// How many of `images` a run holds out for validation with `split` (core's rule); 0 for an
// invalid split.
// How many of the images the split holds out, given each image's choice; -1 when every
// image would be held out (training refuses that).
int heldOutImageCount(const QVector<TrainingImage::HoldOut>& choices, double split);

struct TrainingStepInfo {
  int step = 0, steps = 0;        // steps done (counting this one) of the run's total
  double loss = 0;
  double learningRate = 0;
  int timestep = 0;
  double seconds = 0;
};

struct TrainingValidationPoint {
  int step = 0;
  double loss = 0;
  double miou = 0;
};

struct TrainingValidationInfo {
  TrainingValidationPoint point;
  bool onTrainingImages = false;  // nothing was held out: measured on the training images
  QString imageName;              // the image shown; null images when none is
  QImage image;                   // a validation image, at the working size
  QImage map;                     // the token's current map over it (Grayscale8)
  QImage paintedMask;             // the artist's mask of it (Grayscale8)
};

// A finished run: the token is kept by the worker until saveTrainedToken().
struct TrainedTokenInfo {
  QString partName;
  int steps = 0;
  QVector<double> losses;         // every step of the whole run (also when resumed)
  QVector<TrainingValidationPoint> validations;
  QStringList validationImages;   // names of the held-out images
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
Q_DECLARE_METATYPE(partedit::ui::TrainingSettings)
Q_DECLARE_METATYPE(partedit::ui::TrainingStepInfo)
Q_DECLARE_METATYPE(partedit::ui::TrainingValidationInfo)
Q_DECLARE_METATYPE(partedit::ui::TrainedTokenInfo)
