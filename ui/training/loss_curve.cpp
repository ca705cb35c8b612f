#include "ui/training/loss_curve.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace partedit::ui {

namespace {

const QColor kTrainingColour(38, 110, 200);
const QColor kValidationColour(230, 110, 20);

QString tickText(double value, double spacing) {
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(spacing))), 0, 6);
  return QString::number(value, 'f', decimals);
}

}  // namespace

QVector<double> niceTicks(double low, double high, int count) {
  if (!(high > low) || count < 1) return {low};
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  // The nearest of 1, 2, 5, 10 (boundaries at their geometric means), so about `count` ticks.
  const double spacing = (fraction < 1.42 ? 1 : fraction < 3.17 ? 2 : fraction < 7.08 ? 5 : 10) * magnitude;
  QVector<double> ticks;
  for (double v = std::ceil(low / spacing - 1e-9) * spacing; v <= high + spacing * 1e-9; v += spacing)
    ticks.push_back(std::abs(v) < spacing * 1e-9 ? 0.0 : v);
  return ticks;
}

LossCurve::LossCurve(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("lossCurve"));
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void LossCurve::clear() {
  losses_.clear();
  validations_.clear();
  update();
}

void LossCurve::setTotalSteps(int steps) {
  totalSteps_ = steps;
  update();
}

void LossCurve::addLoss(int step, double loss) {
  if (!std::isfinite(loss)) return;
  losses_.push_back({static_cast<double>(step), loss});
  update();
}

void LossCurve::addValidationLoss(int step, double loss) {
  if (!std::isfinite(loss)) return;
  validations_.push_back({static_cast<double>(step), loss});
  update();
}

void LossCurve::setHistory(const QVector<double>& losses, const QVector<QPointF>& validations) {
  losses_.clear();
  for (int i = 0; i < losses.size(); ++i)
    if (std::isfinite(losses[i])) losses_.push_back({static_cast<double>(i + 1), losses[i]});
  validations_ = validations;
  update();
}

void LossCurve::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), palette().base());
  const QFontMetrics fm = fontMetrics();
  const QColor text = palette().color(QPalette::Text);
  const QColor faint = palette().color(QPalette::Mid);

  if (losses_.isEmpty() && validations_.isEmpty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
               tr("The loss curve appears here while the token trains."));
    return;
  }

  // The value range with a little air, the y ticks, then room for their labels.
  double low = INFINITY, high = -INFINITY;
  for (const QPointF& v : losses_ + validations_) {
    low = std::min(low, v.y());
    high = std::max(high, v.y());
  }
  const double pad = std::max((high - low) * 0.08, std::max(std::abs(high), 1e-6) * 0.02);
  low -= pad;
  high += pad;
  const QVector<double> yTicks = niceTicks(low, high, 4);
  const double ySpacing = yTicks.size() > 1 ? yTicks[1] - yTicks[0] : 1.0;
  int labelWidth = 0;
  for (double t : yTicks) labelWidth = std::max(labelWidth, fm.horizontalAdvance(tickText(t, ySpacing)));
  const int lineHeight = fm.height();
  const QRectF plot(labelWidth + lineHeight + 14, lineHeight + 10, 0, 0);
  const QRectF area(plot.topLeft(), QPointF(width() - 14, height() - 2 * lineHeight - 10));
  if (area.width() < 20 || area.height() < 20) return;

  double last = totalSteps_;
  for (const QPointF& v : losses_ + validations_) last = std::max(last, v.x());
  last = std::max(last, 1.0);
  const auto toScreen = [&](const QPointF& v) {
    return QPointF(area.left() + v.x() / last * area.width(), area.bottom() - (v.y() - low) / (high - low) * area.height());
  };

  // grid and tick labels
  p.setPen(QPen(faint, 0, Qt::DotLine));
  for (double t : yTicks) {
    const double y = toScreen({0, t}).y();
    if (y < area.top() - 1 || y > area.bottom() + 1) continue;
    p.setPen(QPen(faint, 0, Qt::DotLine));
    p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
    p.setPen(text);
    p.drawText(QRectF(area.left() - labelWidth - 6, y - lineHeight / 2.0, labelWidth, lineHeight),
               Qt::AlignRight | Qt::AlignVCenter, tickText(t, ySpacing));
  }
  QVector<double> xTicks = niceTicks(0, last, std::max(2, static_cast<int>(area.width() / 80)));
  if (xTicks.size() > 1 && xTicks[1] - xTicks[0] < 1) {  // steps are whole numbers
    xTicks.clear();
    for (int step = 0; step <= last; ++step) xTicks.push_back(step);
  }
  for (double t : xTicks) {
    const double x = toScreen({t, low}).x();
    p.setPen(faint);
    p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 4));
    p.setPen(text);
    p.drawText(QRectF(x - 40, area.bottom() + 5, 80, lineHeight), Qt::AlignHCenter | Qt::AlignTop,
               QString::number(std::llround(t)));
  }
  p.setPen(faint);
  p.drawLine(area.bottomLeft(), area.bottomRight());
  p.drawLine(area.bottomLeft(), area.topLeft());

  // axis titles
  p.setPen(text);
  p.drawText(QRectF(area.left(), area.bottom() + lineHeight + 6, area.width(), lineHeight), Qt::AlignHCenter,
             tr("step"));
  p.save();
  p.translate(4, area.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-area.height() / 2, 0, area.height(), lineHeight), Qt::AlignHCenter | Qt::AlignTop, tr("loss"));
  p.restore();

  // the curves
  if (!losses_.isEmpty()) {
    QPainterPath path(toScreen(losses_.first()));
    for (int i = 1; i < losses_.size(); ++i) path.lineTo(toScreen(losses_[i]));
    p.setPen(QPen(kTrainingColour, 2));
    p.setBrush(Qt::NoBrush);
    p.drawPath(path);
    if (losses_.size() == 1) p.drawEllipse(toScreen(losses_.first()), 2.5, 2.5);
  }
  p.setPen(QPen(palette().color(QPalette::Base), 1.5));
  p.setBrush(kValidationColour);
  for (const QPointF& v : validations_) p.drawEllipse(toScreen(v), 4.5, 4.5);

  // legend, top right, above the plot
  const QString trainingText = tr("training loss"), validationText = tr("validation loss");
  double x = area.right() - fm.horizontalAdvance(validationText) - 14;
  const double y = 4 + lineHeight / 2.0;
  p.setPen(text);
  p.drawText(QPointF(x, 4 + fm.ascent()), validationText);
  p.setPen(QPen(palette().color(QPalette::Base), 1.5));
  p.setBrush(kValidationColour);
  p.drawEllipse(QPointF(x - 8, y), 4, 4);
  x -= 8 + 24 + fm.horizontalAdvance(trainingText);
  p.setPen(text);
  p.drawText(QPointF(x, 4 + fm.ascent()), trainingText);
  p.setPen(QPen(kTrainingColour, 2));
  p.drawLine(QPointF(x - 22, y), QPointF(x - 6, y));
}

}  // namespace partedit::ui
