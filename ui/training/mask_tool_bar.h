#pragma once
// The controls of a MaskPainter in two rows: brush / eraser / fill with its colour
// tolerance, brush size, hardness and overlay opacity; clear, undo, redo, fit and 100 %. Kept in step with the painter both
// ways (its [ ] keys change the size shown here).
#include <QWidget>

class QHBoxLayout;
class QSlider;
class QSpinBox;
class QToolButton;

namespace partedit::ui {

class MaskPainter;

class MaskToolBar : public QWidget {
  Q_OBJECT
 public:
  explicit MaskToolBar(MaskPainter* painter, QWidget* parent = nullptr);
  void addTrailingWidget(QWidget* widget);  // at the end of the second row

 private:
  QToolButton* toolButton(const QString& text, const QString& tip, int tool);
  void syncTool();
  MaskPainter* painter_ = nullptr;
  QToolButton* brush_ = nullptr;
  QToolButton* eraser_ = nullptr;
  QToolButton* fill_ = nullptr;
  QSpinBox* tolerance_ = nullptr;
  QSpinBox* size_ = nullptr;
  QSlider* hardness_ = nullptr;
  QSlider* opacity_ = nullptr;
  QHBoxLayout* actions_ = nullptr;
};

}  // namespace partedit::ui
