// The edit box as the artist types: every form the parser takes and every reason it gives
// (empty, no "with", unknown part, unmatched brackets, words after the part, no edit), the
// full edit prompt shown when it can run, completion of part names after "<", t_e's range
// following the steps, and Apply enabled only for a runnable edit.
#include <QtTest>

#include <QAbstractItemView>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>

#include <ATen/ATen.h>

#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "ui/panels/edit_panel.h"
#include "support/test_support.h"
#include "ui/worker/edit_text_check.h"
#include "ui/worker/image_parameters.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_edit_panel {

using namespace partedit::ui;
namespace fs = std::filesystem;

class TestEditPanel : public QObject {
  Q_OBJECT
  partedit::test::TempDir dir_;
  PartVocabulary parts_;  // as the worker sends it for a library of these tokens

 private Q_SLOTS:
  void initTestCase() {
    fs::create_directories(dir_ / "tokens");
    for (const char* part : {"human-head", "human-hair", "car-hood"}) {
      partedit::PartToken token;
      token.embedding = at::randn({2, 64});
      token.part_name = part;
      partedit::write_part_token(dir_ / "tokens" / (std::string(part) + ".safetensors"), token);
    }
    parts_ = PartVocabulary(std::make_shared<const partedit::PartNames>(partedit::TokenLibrary({dir_ / "tokens"})));
  }

  void checkerGivesTheReasonOrTheFullPrompt_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("expected");  // part of the reason, or the full edit prompt
    QTest::newRow("bracketed part") << "with a robotic <human-head>" << true
                                    << "a photo of a man with a robotic human head";
    QTest::newRow("part words without brackets") << "with blonde human hair" << true
                                                 << "a photo of a man with blonde human hair";
    QTest::newRow("empty") << "   " << false << "Type an edit";
    QTest::newRow("no with") << "a robotic <human-head>" << false << "Start the edit with “with”";
    QTest::newRow("unknown part") << "with a robotic <tail>" << false << "No part token named “tail”";
    QTest::newRow("unmatched bracket") << "with a robotic <human-head" << false << "unmatched < or >";
    QTest::newRow("words after the part") << "with a <human-head> today" << false << "words after the <part>";
    QTest::newRow("no edit") << "with <human-head>" << false << "does not say what the part should become";
    QTest::newRow("empty part") << "with a robotic <>" << false << "names no part";
  }
  void checkerGivesTheReasonOrTheFullPrompt() {
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, expected);
    EditTextChecker checker;
    checker.setVocabulary(parts_);
    const EditTextCheck check = checker.check(text, QStringLiteral("a photo of a man"));
    QCOMPARE(check.ok, ok);
    if (ok) {
      QCOMPARE(check.editPrompt, expected);
      QVERIFY(check.reason.isEmpty());
    } else {
      QVERIFY2(check.reason.contains(expected), qPrintable(check.reason));
    }
  }

  void unknownPartListsTheInstalledOnes() {
    EditTextChecker checker;
    checker.setVocabulary(parts_);
    const EditTextCheck check = checker.check(QStringLiteral("with a robotic <tail>"), QStringLiteral("a cat"));
    for (const char* part : {"human-head", "human-hair", "car-hood"})
      QVERIFY2(check.reason.contains(QLatin1String(part)), qPrintable(check.reason));
  }

  void aMistypedPartSuggestsTheClosestInstalledOnes() {
    EditTextChecker checker;
    checker.setVocabulary(parts_);
    EditTextCheck check = checker.check(QStringLiteral("with a robotic <hed>"), QStringLiteral("a cat"));
    QVERIFY(!check.ok);
    QCOMPARE(check.suggestions, QStringList{QStringLiteral("<human-head>")});
    QVERIFY2(check.reason.contains(QStringLiteral("did you mean <human-head>?")), qPrintable(check.reason));
    check = checker.check(QStringLiteral("with blonde <human-hiar>"), QStringLiteral("a cat"));  // swapped letters
    QCOMPARE(check.suggestions.value(0), QStringLiteral("<human-hair>"));
    check = checker.check(QStringLiteral("with a robotic <tail>"), QStringLiteral("a cat"));  // nothing near
    QVERIFY(check.suggestions.isEmpty());
  }

  void panelShowsTheReasonAndEnablesApplyOnlyWhenRunnable() {
    EditPanel panel;
    panel.setPartVocabulary(parts_);
    panel.setPhotoSource(QStringLiteral("a photo of a man"));
    panel.show();
    auto* apply = panel.findChild<QPushButton*>(QStringLiteral("apply"));
    auto* reason = panel.findChild<QLabel*>(QStringLiteral("editReason"));
    auto* full = panel.findChild<QLabel*>(QStringLiteral("fullPrompt"));
    QSignalSpy validity(&panel, &EditPanel::validityChanged);
    QTest::keyClicks(panel.editBox(), QStringLiteral("a robotic <human-head>"));
    QVERIFY(!apply->isEnabled());
    QVERIFY(reason->isVisible());
    QVERIFY(reason->text().contains(QStringLiteral("with")));
    panel.editBox()->setText(QStringLiteral("with a robotic <human-head>"));
    QVERIFY(apply->isEnabled());
    QVERIFY(!reason->isVisible());
    QVERIFY(full->text().contains(QStringLiteral("a photo of a man with a robotic human head")));
    QVERIFY(!validity.isEmpty());
    panel.setBusy(true);
    QVERIFY(!apply->isEnabled());
  }

  void partNamesCompleteAfterTheBracket() {
    EditPanel panel;
    panel.setPartVocabulary(parts_);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.editBox()->setFocus();
    QTest::keyClicks(panel.editBox(), QStringLiteral("with blonde <human-h"));
    auto* completer = panel.findChild<QCompleter*>();
    QVERIFY(completer);
    QCOMPARE(completer->completionPrefix(), QStringLiteral("human-h"));
    QCOMPARE(completer->completionCount(), 2);  // human-hair, human-head
    completer->setCurrentRow(0);
    Q_EMIT completer->activated(completer->currentCompletion());
    QCOMPARE(panel.editBox()->text(), QStringLiteral("with blonde <") + completer->currentCompletion() + QStringLiteral(">"));
  }

  void exportedParametersRestoreTheEdit() {
    const QString text = QStringLiteral(
        "a photo of a man\nSteps: 30, Sampler: DDIM, CFG scale: 6.5, Seed: 12, Size: 64x64, Model: m, "
        "Edit prompt: \"a photo of a man with a robotic human head\", Parts: \"human-head\", t_e: 20, Omega: 1.7, "
        "P2P: refine, Cross replace: 0.4, Mask size: 64, Composited: feather 6");
    const RestoredParameters r = parseImageParameters(text);
    QVERIFY(r.found);
    QCOMPARE(r.sourcePrompt, QStringLiteral("a photo of a man"));
    QCOMPARE(r.instruction, QStringLiteral("with a robotic <human-head>"));
    QCOMPARE(r.steps.value_or(0), 30);
    QCOMPARE(r.guidance.value_or(0), 6.5);
    QCOMPARE(r.seed.value_or(0), quint64(12));
    QCOMPARE(r.editEnd.value_or(0), 20);
    QCOMPARE(r.omega.value_or(0), 1.7);
    QCOMPARE(r.feather.value_or(0), 6.0);
    QVERIFY(!parseImageParameters(QStringLiteral("just a caption")).found);
  }

  void editEndFollowsTheSteps() {
    EditPanel panel;
    auto* steps = panel.findChild<QSpinBox*>(QStringLiteral("steps"));
    auto* editEnd = panel.findChild<QSlider*>(QStringLiteral("editEnd"));
    steps->setValue(50);
    QCOMPARE(editEnd->maximum(), 50);
    QCOMPARE(editEnd->value(), 50);  // full preservation by default
    steps->setValue(20);
    QCOMPARE(editEnd->value(), 20);  // stays "full" when the steps change
    editEnd->setValue(10);
    QCOMPARE(panel.editSettings().editEnd.value_or(-1), 10);
    editEnd->setValue(20);
    QVERIFY(!panel.editSettings().editEnd.has_value());  // t_e = steps: nothing to pass
    QSignalSpy moved(&panel, &EditPanel::editEndMoved);
    editEnd->setSliderDown(true);
    editEnd->setValue(12);
    editEnd->setSliderDown(false);  // released: the instant re-render is asked for
    QCOMPARE(moved.count(), 1);
    QCOMPARE(moved.first().at(0).toInt(), 12);
  }
};

PARTEDIT_TEST(TestEditPanel);
}  // namespace test_edit_panel
#include "test_edit_panel.moc"
