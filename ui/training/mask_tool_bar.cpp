#include "ui/training/mask_tool_bar.h"

#include <cmath>

#include <QButtonGroup>
#include <QFrame>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QUndoStack>

#include "ui/training/mask_document.h"
#include "ui/training/mask_painter.h"

namespace partedit::ui {

namespace {

QFrame* separator(QWidget* parent) {
  auto* line = new QFrame(parent);
  line->setFrameShape(QFrame::VLine);
  line->setFrameShadow(QFrame::Sunken);
  return line;
}

QSlider* percentSlider(QWidget* parent, double value, const QString& name, const QString& tip) {
  auto* slider = new QSlider(Qt::Horizontal, parent);
  slider->setObjectName(name);
  slider->setRange(0, 100);
  slider->setValue(static_cast<int>(std::lround(value * 100)));
  slider->setFixedWidth(80);
  slider->setToolTip(tip);
  return slider;
}

}  // namespace

MaskToolBar::MaskToolBar(MaskPainter* painter, QWidget* parent) : QWidget(parent), painter_(painter) {
  // Two rows, so that longer translations still fit: painting above, edits and view below.
  auto* rows = new QVBoxLayout(this);
  rows->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  actions_ = new QHBoxLayout;
  rows->addLayout(row);
  rows->addLayout(actions_);
  brush_ = toolButton(tr("Brush"), tr("Paint the part (B); the right button erases"),
                      static_cast<int>(MaskPainter::Tool::Brush));
  eraser_ = toolButton(tr("Eraser"), tr("Give pixels back to the background (E); the right button paints"),
                       static_cast<int>(MaskPainter::Tool::Eraser));
  fill_ = toolButton(tr("Fill"), tr("Make the photo's area of similar colour under the cursor part (F); the right "
                                    "button makes it background"),
                     static_cast<int>(MaskPainter::Tool::Fill));
  auto* group = new QButtonGroup(this);
  for (QToolButton* b : {brush_, eraser_, fill_}) {
    group->addButton(b);
    row->addWidget(b);
  }
  // The fill's tolerance sits beside it, as in Krita's and GIMP's tool options.
  tolerance_ = new QSpinBox(this);
  tolerance_->setObjectName(QStringLiteral("fillTolerance"));
  tolerance_->setRange(0, 100);
  tolerance_->setSuffix(tr(" %"));
  tolerance_->setValue(painter_->fillTolerance());
  tolerance_->setToolTip(tr("Fill tolerance: how far a colour may differ from the clicked one and still be "
                            "filled (0 % = exactly that colour)"));
  connect(tolerance_, QOverload<int>::of(&QSpinBox::valueChanged), painter_, &MaskPainter::setFillTolerance);
  auto* toleranceLabel = new QLabel(tr("Tolerance"), this);
  toleranceLabel->setBuddy(tolerance_);
  row->addWidget(toleranceLabel);
  row->addWidget(tolerance_);
  syncTool();
  connect(painter_, &MaskPainter::toolChanged, this, &MaskToolBar::syncTool);
  row->addWidget(separator(this));

  row->addWidget(new QLabel(tr("Size"), this));
  size_ = new QSpinBox(this);
  size_->setObjectName(QStringLiteral("brushSize"));
  size_->setRange(static_cast<int>(MaskPainter::kMinBrushSize), static_cast<int>(MaskPainter::kMaxBrushSize));
  size_->setSuffix(tr(" px"));
  size_->setValue(static_cast<int>(std::lround(painter_->brushSize())));
  size_->setToolTip(tr("Brush diameter in image pixels ([ and ])"));
  row->addWidget(size_);
  connect(size_, QOverload<int>::of(&QSpinBox::valueChanged), painter_, [this](int v) { painter_->setBrushSize(v); });
  connect(painter_, &MaskPainter::brushSizeChanged, size_, [this](double d) {
    const QSignalBlocker block(size_);
    size_->setValue(static_cast<int>(std::lround(d)));
  });
  row->addWidget(new QLabel(tr("Hardness"), this));
  hardness_ = percentSlider(this, painter_->brushHardness(), QStringLiteral("brushHardness"),
                            tr("Soft edges count as part on their inner half"));
  row->addWidget(hardness_);
  connect(hardness_, &QSlider::valueChanged, painter_, [this](int v) { painter_->setBrushHardness(v / 100.0); });
  row->addWidget(separator(this));
  row->addWidget(new QLabel(tr("Opacity"), this));
  opacity_ = percentSlider(this, painter_->overlayOpacity(), QStringLiteral("overlayOpacity"),
                           tr("How strongly the mask covers the photo"));
  row->addWidget(opacity_);
  connect(opacity_, &QSlider::valueChanged, painter_, [this](int v) { painter_->setOverlayOpacity(v / 100.0); });
  row->addStretch(1);

  auto* clear = new QToolButton(this);
  clear->setObjectName(QStringLiteral("clearMask"));
  clear->setText(tr("Clear"));
  clear->setToolTip(tr("Remove the whole mask of this image (undoable)"));
  connect(clear, &QToolButton::clicked, painter_, [this] { painter_->document()->clear(); });
  actions_->addWidget(clear);
  // Fixed texts: the stack's own actions name the step and would make the row jump.
  QUndoStack* stack = painter_->undoStack();
  auto* undo = new QToolButton(this);
  undo->setObjectName(QStringLiteral("undoMask"));
  undo->setText(tr("Undo"));
  undo->setToolTip(tr("Undo the last change to this mask (Ctrl+Z)"));
  undo->setEnabled(stack->canUndo());
  connect(undo, &QToolButton::clicked, stack, &QUndoStack::undo);
  connect(stack, &QUndoStack::canUndoChanged, undo, &QToolButton::setEnabled);
  auto* redo = new QToolButton(this);
  redo->setObjectName(QStringLiteral("redoMask"));
  redo->setText(tr("Redo"));
  redo->setToolTip(tr("Redo (Ctrl+Shift+Z)"));
  redo->setEnabled(stack->canRedo());
  connect(redo, &QToolButton::clicked, stack, &QUndoStack::redo);
  connect(stack, &QUndoStack::canRedoChanged, redo, &QToolButton::setEnabled);
  actions_->addWidget(undo);
  actions_->addWidget(redo);
  actions_->addWidget(separator(this));
  auto* fit = new QToolButton(this);
  fit->setText(tr("Fit"));
  fit->setToolTip(tr("Show the whole image (wheel zooms, space or middle button drags)"));
  connect(fit, &QToolButton::clicked, painter_, &MaskPainter::fitToWindow);
  auto* actual = new QToolButton(this);
  actual->setText(tr("100 %"));
  actual->setToolTip(tr("One image pixel per screen pixel"));
  connect(actual, &QToolButton::clicked, painter_, &MaskPainter::actualSize);
  actions_->addWidget(fit);
  actions_->addWidget(actual);
  actions_->addStretch(1);
}

void MaskToolBar::addTrailingWidget(QWidget* widget) { actions_->addWidget(widget); }

QToolButton* MaskToolBar::toolButton(const QString& text, const QString& tip, int tool) {
  auto* button = new QToolButton(this);
  button->setText(text);
  button->setToolTip(tip);
  button->setCheckable(true);
  button->setAutoRaise(false);
  connect(button, &QToolButton::clicked, painter_,
          [this, tool] { painter_->setTool(static_cast<MaskPainter::Tool>(tool)); });
  return button;
}

void MaskToolBar::syncTool() {
  brush_->setChecked(painter_->tool() == MaskPainter::Tool::Brush);
  eraser_->setChecked(painter_->tool() == MaskPainter::Tool::Eraser);
  fill_->setChecked(painter_->tool() == MaskPainter::Tool::Fill);
}

}  // namespace partedit::ui
