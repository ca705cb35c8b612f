#pragma once
// The training loss while a token trains: every step's loss as a line, the validations'
// loss as dots, step on x (0 … the run's steps), loss on y with rounded tick labels. Painted
// by hand (no chart library); cheap enough to repaint at every step.
#include <QPointF>
#include <QVector>
#include <QWidget>

namespace partedit::ui {

class LossCurve : public QWidget {
  Q_OBJECT
 public:
  explicit LossCurve(QWidget* parent = nullptr);

  void clear();
  void setTotalSteps(int steps);  // the x axis' end
  void addLoss(int step, double loss);
  void addValidationLoss(int step, double loss);
  // A whole run at once (a resumed run's history): losses of steps 1, 2, …
  void setHistory(const QVector<double>& losses, const QVector<QPointF>& validations);

  int lossCount() const { return static_cast<int>(losses_.size()); }
  int validationCount() const { return static_cast<int>(validations_.size()); }

  QSize sizeHint() const override { return {420, 220}; }
  QSize minimumSizeHint() const override { return {240, 140}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QVector<QPointF> losses_;       // (step, loss)
  QVector<QPointF> validations_;  // (step, loss)
  int totalSteps_ = 0;
};

// Round tick values covering [low, high]: about `count` steps of 1, 2 or 5 × 10^k.
QVector<double> niceTicks(double low, double high, int count);

}  // namespace partedit::ui
