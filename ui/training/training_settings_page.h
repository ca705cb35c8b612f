#pragma once
// The wizard's second page: the part's name and how to train it. Up front the part name,
// the mode, the steps and the share of images held out for validation; an "Advanced" group,
// collapsed, holds the learning rate, optimiser, timesteps, seed and validation interval.
// Defaults come from core (TrainingSettings::defaults(), defaultLearningRate()); the values
// live in the project. Choosing an optimiser sets its default rate unless the rate shown is
// the artist's own (any other than the previous optimiser's default).
#include <QJsonObject>
#include <QWizardPage>

#include "ui/worker/engine_types.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QToolButton;
class QWidget;

namespace partedit::ui {

class TrainingSettingsPage : public QWizardPage {
  Q_OBJECT
 public:
  explicit TrainingSettingsPage(QWidget* parent = nullptr);

  // The settings shown (images, checkpoint and resume left empty).
  TrainingSettings settings() const;
  void setSettings(const TrainingSettings& settings);
  QString partName() const;
  void setPartName(const QString& name);
  // Each image's hold-out choice, for the held-out count shown next to the split.
  void setImageChoices(const QVector<TrainingImage::HoldOut>& choices);
  bool isAdvancedShown() const;
  void setAdvancedShown(bool shown);
  QString problem() const;  // what must be fixed before training; empty when nothing
  bool isComplete() const override;

  static QJsonObject toJson(const TrainingSettings& settings);
  // Missing or invalid values keep the ones of `base`.
  static TrainingSettings fromJson(const QJsonObject& json, const TrainingSettings& base);

 Q_SIGNALS:
  void settingsChanged();  // any value, by the artist or setSettings

 private:
  void changed();
  // Sets the chosen optimizer's default rate, unless the artist typed a rate of their own.
  void optimizerChosen();
  QLineEdit* partName_ = nullptr;
  QLabel* partProblem_ = nullptr;
  QComboBox* mode_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QSpinBox* split_ = nullptr;  // percent
  QLabel* splitHint_ = nullptr;
  int imageCount_ = 0;
  QVector<TrainingImage::HoldOut> choices_;
  QToolButton* advancedToggle_ = nullptr;
  QWidget* advanced_ = nullptr;
  QDoubleSpinBox* learningRate_ = nullptr;
  QComboBox* optimizer_ = nullptr;
  QString rateOptimizer_;  // the optimizer whose default the rate was last set to or compared with
  QLineEdit* timesteps_ = nullptr;  // HIGH:LOW
  QSpinBox* stride_ = nullptr;
  QLineEdit* seed_ = nullptr;
  QSpinBox* validateEvery_ = nullptr;
  QLabel* problem_ = nullptr;
  bool updating_ = false;
};

}  // namespace partedit::ui
