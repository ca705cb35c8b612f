#include "ui/training/mask_name_matching.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace partedit::ui {

namespace {

struct MaskMatchingText {
  Q_DECLARE_TR_FUNCTIONS(partedit::ui::MaskMatching)
};

QString baseNameForMatching(const QString& path) { return QFileInfo(path).completeBaseName().toCaseFolded(); }

bool isNameSeparator(QChar c) {
  return c == QLatin1Char('_') || c == QLatin1Char('-') || c == QLatin1Char('.') || c == QLatin1Char(' ');
}

// How well an image's base name fits a mask's: 0 not at all, else the image name's length,
// plus one for an exact match (so it beats any prefix match of the same length).
int fitOfNames(const QString& maskBase, const QString& imageBase) {
  if (imageBase.isEmpty()) return 0;
  if (maskBase == imageBase) return 2 * imageBase.size() + 1;
  if (maskBase.size() > imageBase.size() && maskBase.startsWith(imageBase) && isNameSeparator(maskBase[imageBase.size()]))
    return 2 * imageBase.size();
  return 0;
}

}  // namespace

MaskMatching matchMasksToImages(const QStringList& maskPaths, const QStringList& imagePaths) {
  MaskMatching result;
  QStringList imageBases, imageFiles;
  for (const QString& image : imagePaths) {
    imageBases << baseNameForMatching(image);
    imageFiles << QFileInfo(image).absoluteFilePath();
  }
  QVector<int> bestFitOfImage(imagePaths.size(), 0);  // the fit of the mask each image has so far
  QVector<int> maskOfImage(imagePaths.size(), -1);    // index into result.matched
  for (const QString& maskPath : maskPaths) {
    const QString maskName = QFileInfo(maskPath).fileName();
    if (imageFiles.contains(QFileInfo(maskPath).absoluteFilePath())) {
      result.problems << MaskMatchingText::tr("%1 is one of the training images, not a mask.").arg(maskName);
      continue;
    }
    const QString maskBase = baseNameForMatching(maskPath);
    int bestFit = 0;
    QVector<int> best;
    for (int i = 0; i < imageBases.size(); ++i) {
      const int fit = fitOfNames(maskBase, imageBases[i]);
      if (fit == 0 || fit < bestFit) continue;
      if (fit > bestFit) best.clear();
      bestFit = fit;
      best << i;
    }
    if (best.isEmpty()) {
      result.problems << MaskMatchingText::tr("%1 matches no training image by name.").arg(maskName);
      continue;
    }
    if (best.size() > 1) {
      QStringList names;
      for (const int i : best) names << QDir::toNativeSeparators(imagePaths[i]);
      result.problems << MaskMatchingText::tr("%1 fits several images of the same name (%2): import it onto the "
                                              "right one alone.")
                             .arg(maskName, names.join(QStringLiteral(", ")));
      continue;
    }
    const int image = best.first();
    const QString imageName = QFileInfo(imagePaths[image]).fileName();
    if (maskOfImage[image] >= 0) {
      MaskMatch& taken = result.matched[maskOfImage[image]];
      if (bestFit <= bestFitOfImage[image]) {
        result.problems << MaskMatchingText::tr("%1 is not used: %2 already gets %3.")
                               .arg(maskName, imageName, QFileInfo(taken.maskPath).fileName());
        continue;
      }
      // An exact name beats the earlier prefix match.
      result.problems << MaskMatchingText::tr("%1 is not used: %2 gets %3, whose name is its own.")
                             .arg(QFileInfo(taken.maskPath).fileName(), imageName, maskName);
      taken.maskPath = maskPath;
      bestFitOfImage[image] = bestFit;
      continue;
    }
    bestFitOfImage[image] = bestFit;
    maskOfImage[image] = result.matched.size();
    result.matched.push_back({image, maskPath});
  }
  return result;
}

}  // namespace partedit::ui
