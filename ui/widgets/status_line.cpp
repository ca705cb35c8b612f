#include "ui/widgets/status_line.h"

#include <QPlainTextEdit>
#include <QResizeEvent>
#include <QTextBlock>
#include <QVBoxLayout>

namespace partedit::ui {

namespace {

QString kind_prefix(NoteKind kind) {
  switch (kind) {
    case NoteKind::Warning: return StatusLine::tr("Warning: ");
    case NoteKind::Error: return StatusLine::tr("Error: ");
    case NoteKind::Info: break;
  }
  return QString();
}

QString first_line(const QString& text) { return text.section(QLatin1Char('\n'), 0, 0).trimmed(); }

}  // namespace

LogPanel::LogPanel(QWidget* parent) : QWidget(parent), view_(new QPlainTextEdit(this)) {
  setObjectName(QStringLiteral("logPanel"));
  view_->setObjectName(QStringLiteral("logView"));
  view_->setReadOnly(true);
  view_->setMaximumBlockCount(kMaxLines);
  view_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
  view_->setPlaceholderText(tr("What PartEdit did and noticed this session appears here."));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);
}

void LogPanel::append(const LogLine& line) {
  QString text = line.time.toString(QStringLiteral("HH:mm:ss")) + QStringLiteral("  ") + kind_prefix(line.kind) + line.text;
  view_->appendPlainText(text);
}

QString LogPanel::text() const { return view_->toPlainText(); }

StatusLine::StatusLine(LogPanel* log, QWidget* parent) : QLabel(parent), log_(log) {
  setObjectName(QStringLiteral("statusLine"));
  // A long note is elided to the room it has (the whole text is in the tooltip and the log):
  // it never pushes the run indicator or the zoom aside.
  setMinimumWidth(80);
  setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  setTextFormat(Qt::PlainText);
  expiry_.setSingleShot(true);
  connect(&expiry_, &QTimer::timeout, this, &StatusLine::clearNote);
  showText();
}

void StatusLine::note(const QString& text, NoteKind kind, int ms) {
  logOnly(text, kind);
  current_ = first_line(text);
  kind_ = kind;
  showText();
  if (ms > 0)
    expiry_.start(ms);
  else
    expiry_.stop();
}

void StatusLine::clearNote() {
  expiry_.stop();
  current_.clear();
  kind_ = NoteKind::Info;
  showText();
}

void StatusLine::logOnly(const QString& text, NoteKind kind) {
  if (log_ && !text.trimmed().isEmpty()) log_->append({QDateTime::currentDateTime(), kind, text.trimmed()});
}

void StatusLine::resizeEvent(QResizeEvent* event) {
  QLabel::resizeEvent(event);
  showText();
}

void StatusLine::showText() {
  shown_ = current_.isEmpty() ? tr("Ready") : kind_prefix(kind_) + current_;
  setText(fontMetrics().elidedText(shown_, Qt::ElideRight, std::max(0, width() - 4)));
  setToolTip(text() != shown_ ? shown_ : QString());
  setStyleSheet(kind_ == NoteKind::Info ? QString() : QStringLiteral("color: #c0392b;"));
}

}  // namespace partedit::ui
