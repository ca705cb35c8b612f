#pragma once
// File › New from Prompt: the settings of a source image to generate (prompt, negative
// prompt, seed with a dice button, steps, guidance, sampler, size).
#include <QDialog>

#include "ui/worker/engine_types.h"

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace partedit::ui {

class SeedField;

class NewImageDialog : public QDialog {
  Q_OBJECT
 public:
  // defaultSize: the loaded model's native side (SDXL 1024); 0 when unknown.
  explicit NewImageDialog(const GenerateSettings& initial, int defaultSize, QWidget* parent = nullptr);
  GenerateSettings settings() const;

 private:
  QPlainTextEdit* prompt_ = nullptr;
  QLineEdit* negative_ = nullptr;
  SeedField* seed_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QDoubleSpinBox* guidance_ = nullptr;
  QComboBox* scheduler_ = nullptr;
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace partedit::ui
