#pragma once
// The status bar's one message line, and the log behind it. Everything the window wants to
// tell the artist goes through here: a note (a result, an export, a warning) shows in the line
// for a while and is kept in the log; the engine's running commentary ("cached the inversion
// as …", "captioning with …") goes to the log only. Menu hover tips never reach the status bar
// (MainWindow drops them), so nothing else writes this line: it has one owner.
#include <QDateTime>
#include <QLabel>
#include <QTimer>
#include <QVector>

class QPlainTextEdit;

namespace partedit::ui {

enum class NoteKind { Info, Warning, Error };

struct LogLine {
  QDateTime time;
  NoteKind kind = NoteKind::Info;
  QString text;
};

// View › Log: the session's notes with their times, newest last; selectable and copyable.
class LogPanel : public QWidget {
  Q_OBJECT
 public:
  explicit LogPanel(QWidget* parent = nullptr);
  void append(const LogLine& line);
  QString text() const;  // what it shows, for copying and tests
  static constexpr int kMaxLines = 2000;

 private:
  QPlainTextEdit* view_ = nullptr;
};

class StatusLine : public QLabel {
  Q_OBJECT
 public:
  explicit StatusLine(LogPanel* log, QWidget* parent = nullptr);
  // Shown for `ms` (0: until the next note), then the line returns to "Ready"; logged.
  void note(const QString& text, NoteKind kind = NoteKind::Info, int ms = kDefaultMs);
  void logOnly(const QString& text, NoteKind kind = NoteKind::Info);  // the log, not the line
  void clearNote();  // back to "Ready"
  QString current() const { return shown_; }  // the whole line ("Ready" when idle), not elided
  static constexpr int kDefaultMs = 10000;

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void showText();
  LogPanel* log_ = nullptr;
  QString current_;  // the note ("" when none)
  QString shown_;
  NoteKind kind_ = NoteKind::Info;
  QTimer expiry_;
};

}  // namespace partedit::ui
