#pragma once
// The seed of a run: digits only, empty for "random", and a die button that rolls a new one.
// One widget for the Edit panel and New from Prompt, so both roll and validate alike.
#include <optional>

#include <QWidget>

class QLineEdit;
class QToolButton;

namespace partedit::ui {

class SeedField : public QWidget {
  Q_OBJECT
 public:
  explicit SeedField(QWidget* parent = nullptr);

  std::optional<quint64> seed() const;  // nullopt: random
  void setSeed(std::optional<quint64> seed);
  QLineEdit* lineEdit() const { return edit_; }  // the label's buddy; for tests
  QToolButton* diceButton() const { return dice_; }

  // A seed artists can retype (below 2^32).
  static quint64 randomSeed();

 private:
  QLineEdit* edit_ = nullptr;
  QToolButton* dice_ = nullptr;
};

}  // namespace partedit::ui
