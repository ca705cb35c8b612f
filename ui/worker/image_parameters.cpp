#include "ui/worker/image_parameters.h"

#include <QStringList>

#include "io/image_io.h"
#include "pipeline/infotext.h"
#include "runtime/error.h"

namespace partedit::ui {

namespace {

template <typename T>
std::optional<T> number(const ParsedInfotext& parsed, const char* key) {
  const std::string* value = parsed.find(key);
  if (!value) return std::nullopt;
  bool ok = false;
  const QString text = QString::fromStdString(*value);
  if constexpr (std::is_same_v<T, int>) {
    const int v = text.toInt(&ok);
    return ok ? std::optional<int>(v) : std::nullopt;
  } else if constexpr (std::is_same_v<T, quint64>) {
    const quint64 v = text.toULongLong(&ok);
    return ok ? std::optional<quint64>(v) : std::nullopt;
  } else {
    const double v = text.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
  }
}

// "with a robotic head" after the source prompt, its last word the part: "with a robotic <head>".
QString instruction_from(const QString& source, const QString& editPrompt, const QString& parts) {
  if (!editPrompt.startsWith(source)) return QString();
  const QString rest = editPrompt.mid(source.size()).trimmed();
  if (!rest.startsWith(QStringLiteral("with "))) return QString();
  const QString part = parts.split(QStringLiteral(", ")).value(0).trimmed();
  if (part.isEmpty()) return rest;
  // The prompt spells the part with spaces ("human head" for human-head).
  const QString partWords = QString(part).replace(QLatin1Char('-'), QLatin1Char(' '));
  if (rest.endsWith(QLatin1Char(' ') + partWords))
    return rest.left(rest.size() - partWords.size()) + QLatin1Char('<') + part + QLatin1Char('>');
  const int lastSpace = rest.lastIndexOf(QLatin1Char(' '));
  return lastSpace < 0 ? rest : rest.left(lastSpace) + QStringLiteral(" <") + part + QLatin1Char('>');
}

}  // namespace

RestoredParameters parseImageParameters(const QString& text) {
  RestoredParameters out;
  const ParsedInfotext parsed = parse_infotext(text.toStdString());
  if (parsed.settings.empty()) return out;
  out.found = true;
  out.sourcePrompt = QString::fromStdString(parsed.prompt);
  out.negative = QString::fromStdString(parsed.negative);
  out.steps = number<int>(parsed, "Steps");
  out.guidance = number<double>(parsed, "CFG scale");
  out.seed = number<quint64>(parsed, "Seed");
  out.editEnd = number<int>(parsed, "t_e");
  out.omega = number<double>(parsed, "Omega");
  if (const std::string* composited = parsed.find("Composited")) {
    bool ok = false;
    const double feather = QString::fromStdString(*composited).section(QLatin1Char(' '), 1, 1).toDouble(&ok);
    if (ok) out.feather = feather;
  }
  if (const std::string* edit = parsed.find("Edit prompt")) {
    const std::string* parts = parsed.find("Parts");
    out.instruction = instruction_from(out.sourcePrompt, QString::fromStdString(*edit),
                                       parts ? QString::fromStdString(*parts) : QString());
  }
  return out;
}

RestoredParameters readImageParameters(const QString& path) {
  try {
    const auto text = read_image_parameters(path.toStdString());
    return text ? parseImageParameters(QString::fromStdString(*text)) : RestoredParameters{};
  } catch (const Error&) {
    return {};
  }
}

}  // namespace partedit::ui
