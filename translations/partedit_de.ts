<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>Choose a model folder.</source>
        <translation>Modellordner auswählen.</translation>
    </message>
    <message>
        <source>a diffusers model folder</source>
        <translation>ein Diffusers-Modellordner</translation>
    </message>
    <message>
        <source>an %1 single-file checkpoint (shipped configs %2)</source>
        <translation>eine %1-Checkpoint-Datei (mitgelieferte Konfiguration %2)</translation>
    </message>
    <message>
        <source>an %1 single-file checkpoint (configs from the chosen folder)</source>
        <translation>eine %1-Checkpoint-Datei (Konfiguration aus dem gewählten Ordner)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Part-level image editing with Stable Diffusion.</source>
        <translation>Gezielte Bearbeitung einzelner Bildteile mit Stable Diffusion.</translation>
    </message>
    <message>
        <source>An image to open.</source>
        <translation>Zu öffnendes Bild.</translation>
    </message>
    <message>
        <source>Print the versions of PartEdit and LibTorch, and exit.</source>
        <translation>Die Versionen von PartEdit und LibTorch ausgeben und beenden.</translation>
    </message>
</context>
<context>
    <name>partedit::ui</name>
    <message>
        <source>The file holds only the values 0 and 1: 1 was taken as the part.</source>
        <translation>Die Datei enthält nur die Werte 0 und 1: 1 wurde als Teil genommen.</translation>
    </message>
    <message>
        <source>%1 % of the pixels were neither dark nor bright; those of 50 % or more became part.</source>
        <translation>%1 % der Pixel waren weder dunkel noch hell; die mit 50 % oder mehr wurden zum Teil.</translation>
    </message>
    <message>
        <source>Could not read “%1”: %2</source>
        <translation>„%1“ konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The mask is %1 × %2 pixels but the photo is %3 × %4 pixels. A mask must have exactly the size of its photo.</source>
        <translation>Die Maske ist %1 × %2 Pixel groß, das Foto aber %3 × %4 Pixel. Eine Maske muss genau so groß sein wie ihr Foto.</translation>
    </message>
    <message>
        <source>It looks turned by 90°: one of the two files may carry a rotation (EXIF orientation) that the other lacks.</source>
        <translation>Sie wirkt um 90° gedreht: Eine der beiden Dateien trägt vielleicht eine Drehung (EXIF-Ausrichtung), die der anderen fehlt.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::EditPanel</name>
    <message>
        <source>What the image shows, e.g. “a photo of a woman in a park”</source>
        <extracomment>The example stays in English: the models read English prompts.</extracomment>
        <translation>Was das Bild zeigt, z. B. „a photo of a woman in a park“</translation>
    </message>
    <message>
        <source>with a robotic &lt;head&gt;</source>
        <extracomment>Keep in English: the edit box reads English edits starting with &quot;with&quot;.</extracomment>
        <translation>with a robotic &lt;head&gt;</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>Roll a new seed</source>
        <translation>Neuen Seed würfeln</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Soft edge of the edited part when it is put back into the photo</source>
        <translation>Weiche Kante des bearbeiteten Teils beim Einsetzen in das Foto</translation>
    </message>
    <message>
        <source>&amp;Apply edit</source>
        <translation>Bearbeitung an&amp;wenden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Source prompt:</source>
        <translation>&amp;Quell-Prompt:</translation>
    </message>
    <message>
        <source>&amp;Edit:</source>
        <translation>Bearbeit&amp;ung:</translation>
    </message>
    <message>
        <source>&amp;Guidance:</source>
        <translation>&amp;Guidance:</translation>
    </message>
    <message>
        <source>See&amp;d:</source>
        <translation>S&amp;eed:</translation>
    </message>
    <message>
        <source>&amp;Feather:</source>
        <translation>Weiche &amp;Kante:</translation>
    </message>
    <message>
        <source>Describe the photo, or leave it empty to caption it when the edit runs.</source>
        <translation>Foto beschreiben oder leer lassen, um es beim Bearbeiten automatisch beschreiben zu lassen.</translation>
    </message>
    <message>
        <source>The prompt that generated this image; the edit reproduces it outside the part.</source>
        <translation>Der Prompt, mit dem dieses Bild generiert wurde; die Bearbeitung reproduziert das Bild damit außerhalb des Teils.</translation>
    </message>
    <message>
        <source>Blend at every step (%1 of %2): everything outside the part stays as it was.</source>
        <translation>Überblenden in jedem Schritt (%1 von %2): Alles außerhalb des Teils bleibt unverändert.</translation>
    </message>
    <message>
        <source>Blend for the first %1 of %2 steps: lower values let the edit spill beyond the part.</source>
        <translation>Überblenden in den ersten %1 von %2 Schritten: Niedrigere Werte lassen die Bearbeitung über den Teil hinaus wirken.</translation>
    </message>
    <message>
        <source>(caption)</source>
        <translation>(Bildbeschreibung)</translation>
    </message>
    <message>
        <source>Runs: “%1” (part: %2)</source>
        <translation>Ausgeführt wird: „%1“ (Teil: %2)</translation>
    </message>
    <message>
        <source>How strictly the part is cut out: where the part&apos;s attention reaches ω times its automatic threshold it counts fully as the part. Higher values give a tighter mask.</source>
        <translation>Wie streng der Teil ausgeschnitten wird: Wo die Aufmerksamkeit des Teils das ω-Fache ihres automatischen Schwellwerts erreicht, zählt sie ganz zum Teil. Höhere Werte ergeben eine engere Maske.</translation>
    </message>
    <message>
        <source>Blend &amp;until (t_e):</source>
        <translation>Überblenden &amp;bis (t_e):</translation>
    </message>
    <message>
        <source>Thres&amp;hold ω:</source>
        <translation>Sch&amp;wellwert ω:</translation>
    </message>
    <message>
        <source>Ste&amp;ps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>partedit::ui::EditTextChecker</name>
    <message>
        <source>Type an edit such as “with a robotic &lt;head&gt;”.</source>
        <translation>Bearbeitung eingeben, z. B. „with a robotic &lt;head&gt;“.</translation>
    </message>
    <message>
        <source>Start the edit with “with”, e.g. “with a robotic &lt;head&gt;”.</source>
        <translation>Bearbeitung mit „with“ beginnen, z. B. „with a robotic &lt;head&gt;“.</translation>
    </message>
    <message>
        <source>No part token named “%1”; installed: %2.</source>
        <translation>Kein Teil-Token namens „%1“; installiert: %2.</translation>
    </message>
    <message>
        <source>No part token named “%1” is installed; import one in the Part Tokens panel.</source>
        <translation>Kein Teil-Token namens „%1“ installiert – im Bedienfeld „Teil-Token“ eines importieren.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::EngineWorker</name>
    <message>
        <source>trained for %1; the loaded model is %2</source>
        <translation>trainiert für %1; das geladene Modell ist %2</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Wird generiert</translation>
    </message>
    <message>
        <source>Editing</source>
        <translation>Wird bearbeitet</translation>
    </message>
    <message>
        <source>Editing the photo</source>
        <translation>Foto wird bearbeitet</translation>
    </message>
    <message>
        <source>Re-rendering</source>
        <translation>Wird neu gerendert</translation>
    </message>
    <message>
        <source>Captioning</source>
        <translation>Bildbeschreibung wird erstellt</translation>
    </message>
    <message>
        <source>Listing part tokens</source>
        <translation>Teil-Token werden aufgelistet</translation>
    </message>
    <message>
        <source>Importing a part token</source>
        <translation>Teil-Token wird importiert</translation>
    </message>
    <message>
        <source>%1 is already installed</source>
        <translation>%1 ist bereits installiert</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Wird exportiert</translation>
    </message>
    <message>
        <source>Clearing the inversion cache</source>
        <translation>Inversions-Cache wird geleert</translation>
    </message>
    <message>
        <source>its embedding is %1 wide but the loaded model needs %2: it was trained for another model family</source>
        <translation>seine Einbettung ist %1 breit, das geladene Modell braucht aber %2: Es wurde für eine andere Modellfamilie trainiert</translation>
    </message>
    <message>
        <source>Installed the part token %1</source>
        <translation>Teil-Token %1 installiert</translation>
    </message>
    <message>
        <source>Training the part token</source>
        <translation>Teil-Token wird trainiert</translation>
    </message>
    <message>
        <source>Saving the part token</source>
        <translation>Teil-Token wird gespeichert</translation>
    </message>
</context>
<context>
    <name>partedit::ui::HistoryModel</name>
    <message>
        <source>Result %1</source>
        <translation>Ergebnis %1</translation>
    </message>
</context>
<context>
    <name>partedit::ui::HistoryPanel</name>
    <message>
        <source>The parameters of the selected result appear here.</source>
        <translation>Hier erscheinen die Parameter des ausgewählten Ergebnisses.</translation>
    </message>
    <message>
        <source>&amp;Parameters</source>
        <translation>&amp;Parameter</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::ImageCanvas</name>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LabelPickerDialog</name>
    <message>
        <source>Choose the Part&apos;s Labels</source>
        <translation>Labels des Teils wählen</translation>
    </message>
    <message>
        <source>This file is a label image: every colour below is one class of its dataset. Tick the labels that together make up the part, or click them in the picture.</source>
        <translation>Diese Datei ist ein Labelbild: Jede Farbe unten ist eine Klasse ihres Datensatzes. Die Labels anhaken, die zusammen das Teil bilden, oder sie im Bild anklicken.</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>Pixels</source>
        <translation>Pixel</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>&amp;Use as Mask</source>
        <translation>Als &amp;Maske verwenden</translation>
    </message>
    <message>
        <source>Labels in the file:</source>
        <translation>Labels in der Datei:</translation>
    </message>
    <message>
        <source>Labels (click to choose)</source>
        <translation>Labels (zum Wählen klicken)</translation>
    </message>
    <message>
        <source>Resulting mask</source>
        <translation>Entstehende Maske</translation>
    </message>
    <message>
        <source>Resulting mask on the photo</source>
        <translation>Entstehende Maske auf dem Foto</translation>
    </message>
    <message>
        <source>Tick at least one label.</source>
        <translation>Mindestens ein Label anhaken.</translation>
    </message>
    <message>
        <source>The part covers %1 px, %2 of the image.</source>
        <translation>Das Teil bedeckt %1 px, %2 des Bildes.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LossCurve</name>
    <message>
        <source>The loss curve appears here while the token trains.</source>
        <translation>Die Verlustkurve erscheint hier, während das Token trainiert.</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <source>validation loss</source>
        <translation>Validierungsverlust</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MainWindow</name>
    <message>
        <source>PartEdit</source>
        <translation>PartEdit</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About PartEdit</source>
        <translation>Ü&amp;ber PartEdit</translation>
    </message>
    <message>
        <source>About PartEdit</source>
        <translation>Über PartEdit</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Cannot open image</source>
        <translation>Bild kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 — %2 × %3</source>
        <translation>%1 — %2 × %3</translation>
    </message>
    <message>
        <source>Open a photo (Ctrl+O), drop one here, or create an image from a prompt (Ctrl+N).</source>
        <translation>Foto öffnen (Strg+O), hierher ziehen oder ein Bild aus einem Prompt erstellen (Strg+N).</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Part Tokens</source>
        <translation>Teil-Token</translation>
    </message>
    <message>
        <source>&amp;Apply Edit</source>
        <translation>Bearbeitung &amp;anwenden</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Show &amp;Mask</source>
        <translation>&amp;Maske anzeigen</translation>
    </message>
    <message>
        <source>Show the part mask as a coloured overlay (M)</source>
        <translation>Teilmaske als farbige Überlagerung anzeigen (M)</translation>
    </message>
    <message>
        <source>Show &amp;Before</source>
        <translation>Vor&amp;her anzeigen</translation>
    </message>
    <message>
        <source>Show the image before the edit (B)</source>
        <translation>Bild vor der Bearbeitung anzeigen (B)</translation>
    </message>
    <message>
        <source>&amp;Split View</source>
        <translation>&amp;Geteilte Ansicht</translation>
    </message>
    <message>
        <source>Before on the left, after on the right; drag the divider (S)</source>
        <translation>Vorher links, nachher rechts; Trennlinie ziehen (S)</translation>
    </message>
    <message>
        <source>Mask &amp;Only</source>
        <translation>&amp;Nur Maske</translation>
    </message>
    <message>
        <source>Show the final mask alone, in grey</source>
        <translation>Nur die endgültige Maske in Grau anzeigen</translation>
    </message>
    <message>
        <source>Mask opacity</source>
        <translation>Maskendeckkraft</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>&amp;New from Prompt…</source>
        <translation>&amp;Neu aus Prompt…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Export Image…</source>
        <translation>Bild e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export &amp;Mask…</source>
        <translation>&amp;Maske exportieren…</translation>
    </message>
    <message>
        <source>Export Mask &amp;Overlay…</source>
        <translation>Masken&amp;überlagerung exportieren…</translation>
    </message>
    <message>
        <source>Export &amp;Step Masks…</source>
        <translation>Masken je &amp;Schritt exportieren…</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>&amp;Originalgröße</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Bedienfelder</translation>
    </message>
    <message>
        <source>&lt;h3&gt;PartEdit %1&lt;/h3&gt;&lt;p&gt;Part-level image editing with diffusion models: type “with a robotic &amp;lt;head&amp;gt;” and only that part changes.&lt;/p&gt;&lt;p&gt;Based on the paper “PartEdit: Fine-Grained Image Editing using Pre-Trained Diffusion Models”.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;PartEdit %1&lt;/h3&gt;&lt;p&gt;Gezielte Bearbeitung einzelner Bildteile mit Diffusionsmodellen: „with a robotic &amp;lt;head&amp;gt;“ eingeben, und nur dieser Teil ändert sich.&lt;/p&gt;&lt;p&gt;Basiert auf der Veröffentlichung „PartEdit: Fine-Grained Image Editing using Pre-Trained Diffusion Models“.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No recent files</source>
        <translation>Keine zuletzt geöffneten Dateien</translation>
    </message>
    <message>
        <source>Model folder set: %1</source>
        <translation>Modellordner festgelegt: %1</translation>
    </message>
    <message>
        <source>Nothing to export</source>
        <translation>Nichts zu exportieren</translation>
    </message>
    <message>
        <source>There is no result with this image yet: apply an edit first.</source>
        <translation>Für dieses Bild gibt es noch kein Ergebnis: zuerst eine Bearbeitung anwenden.</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>Export nicht möglich</translation>
    </message>
    <message>
        <source>%1: choose a .png, .jpg or .webp file name.</source>
        <translation>%1: einen Dateinamen mit .png, .jpg oder .webp wählen.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)</source>
        <translation>PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>Loaded %1 (%2, %3)</source>
        <translation>%1 geladen (%2, %3)</translation>
    </message>
    <message>
        <source>Cancelled; the previous result is unchanged.</source>
        <translation>Abgebrochen; das vorherige Ergebnis bleibt unverändert.</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>%1 — PartEdit</source>
        <translation>%1 — PartEdit</translation>
    </message>
    <message>
        <source>Nothing to edit</source>
        <translation>Nichts zu bearbeiten</translation>
    </message>
    <message>
        <source>Open a photo or create an image from a prompt first.</source>
        <translation>Zuerst ein Foto öffnen oder ein Bild aus einem Prompt erstellen.</translation>
    </message>
    <message>
        <source>The edit cannot run</source>
        <translation>Die Bearbeitung kann nicht ausgeführt werden</translation>
    </message>
    <message>
        <source>%1 (t_e %2)</source>
        <translation>%1 (t_e %2)</translation>
    </message>
    <message>
        <source>Generated: %1</source>
        <translation>Generiert: %1</translation>
    </message>
    <message>
        <source>Edited in %1</source>
        <translation>Bearbeitet in %1</translation>
    </message>
    <message>
        <source>Generated in %1 (seed %2)</source>
        <translation>Generiert in %1 (Seed %2)</translation>
    </message>
    <message>
        <source> · the photo&apos;s inversion was reused</source>
        <translation> · die Inversion des Fotos wurde wiederverwendet</translation>
    </message>
    <message>
        <source>The photo could not be captioned: %1 — type its description instead.</source>
        <translation>Das Foto konnte nicht automatisch beschrieben werden: %1 — stattdessen eine Beschreibung eingeben.</translation>
    </message>
    <message>
        <source>The request failed</source>
        <translation>Der Vorgang ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1

Nothing was changed. Check the model folders in Preferences if this keeps happening.</source>
        <translation>%1

Es wurde nichts geändert. Falls dies wiederholt auftritt, die Modellordner in den Einstellungen prüfen.</translation>
    </message>
    <message>
        <source>t_e moves instantly for the latest edit; apply the edit to change this one.</source>
        <translation>t_e ändert sich sofort nur für die letzte Bearbeitung; für dieses Ergebnis die Bearbeitung erneut anwenden.</translation>
    </message>
    <message>
        <source>Re-rendered with t_e %1 in %2</source>
        <translation>Mit t_e %1 in %2 neu berechnet</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <source>&amp;Train Part Token…</source>
        <translation>Teil-Token &amp;trainieren…</translation>
    </message>
    <message>
        <source>Teach PartEdit a new part from a few images with painted masks</source>
        <translation>PartEdit ein neues Teil beibringen, aus wenigen Bildern mit gemalten Masken</translation>
    </message>
    <message>
        <source>The training project cannot be opened</source>
        <translation>Das Trainingsprojekt lässt sich nicht öffnen</translation>
    </message>
    <message>
        <source>The part token %1 is in the library: type &lt;%1&gt; in the edit box.</source>
        <translation>Das Teil-Token %1 ist in der Bibliothek: &lt;%1&gt; ins Bearbeitungsfeld tippen.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskContactSheet</name>
    <message>
        <source>Step %1</source>
        <translation>Schritt %1</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskDocument</name>
    <message>
        <source>Brush stroke</source>
        <translation>Pinselstrich</translation>
    </message>
    <message>
        <source>Eraser stroke</source>
        <translation>Radierstrich</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
    <message>
        <source>Fill with background</source>
        <translation>Mit Hintergrund füllen</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Maske leeren</translation>
    </message>
    <message>
        <source>Invert mask</source>
        <translation>Maske umkehren</translation>
    </message>
    <message>
        <source>Import mask</source>
        <translation>Maske importieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskPainter</name>
    <message>
        <source>Choose a photo to paint its part on</source>
        <translation>Ein Foto wählen, um sein Teil darauf zu malen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskToolBar</name>
    <message>
        <source>Brush</source>
        <translation>Pinsel</translation>
    </message>
    <message>
        <source>Paint the part (B); the right button erases</source>
        <translation>Das Teil malen (B); die rechte Maustaste radiert</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>Radierer</translation>
    </message>
    <message>
        <source>Give pixels back to the background (E); the right button paints</source>
        <translation>Pixel dem Hintergrund zurückgeben (E); die rechte Maustaste malt</translation>
    </message>
    <message>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
    <message>
        <source>Fill the enclosed area with the part (F); the right button fills with background</source>
        <translation>Die umschlossene Fläche mit dem Teil füllen (F); die rechte Maustaste füllt mit Hintergrund</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Brush diameter in image pixels ([ and ])</source>
        <translation>Pinseldurchmesser in Bildpixeln ([ und ])</translation>
    </message>
    <message>
        <source>Hardness</source>
        <translation>Härte</translation>
    </message>
    <message>
        <source>Soft edges count as part on their inner half</source>
        <translation>Weiche Ränder zählen auf ihrer inneren Hälfte zum Teil</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Remove the whole mask of this image (undoable)</source>
        <translation>Die ganze Maske dieses Bildes entfernen (rückgängig zu machen)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Undo the last change to this mask (Ctrl+Z)</source>
        <translation>Die letzte Änderung dieser Maske rückgängig machen (Strg+Z)</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>Wiederholen (Strg+Umschalt+Z)</translation>
    </message>
    <message>
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <source>How strongly the mask covers the photo</source>
        <translation>Wie stark die Maske das Foto bedeckt</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Show the whole image (wheel zooms, space or middle button drags)</source>
        <translation>Das ganze Bild zeigen (Mausrad zoomt, Leertaste oder mittlere Maustaste verschiebt)</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>One image pixel per screen pixel</source>
        <translation>Ein Bildpixel pro Bildschirmpixel</translation>
    </message>
    <message>
        <source>Make the photo's area of similar colour under the cursor part (F); the right button makes it background</source>
        <translation>Macht die Fläche ähnlicher Farbe unter dem Zeiger im Foto zum Teil (F); die rechte Taste macht sie zum Hintergrund</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Fill tolerance: how far a colour may differ from the clicked one and still be filled (0 % = exactly that colour)</source>
        <translation>Toleranz der Füllung: wie weit eine Farbe von der angeklickten abweichen darf und noch gefüllt wird (0 % = genau diese Farbe)</translation>
    </message>
    <message>
        <source>Tolerance</source>
        <translation>Toleranz</translation>
    </message>
</context>
<context>
    <name>partedit::ui::NewImageDialog</name>
    <message>
        <source>New Image from Prompt</source>
        <translation>Neues Bild aus Prompt</translation>
    </message>
    <message>
        <source>a photo of a cat in a park</source>
        <translation>a photo of a cat in a park</translation>
    </message>
    <message>
        <source>optional: what to avoid</source>
        <translation>optional: was vermieden werden soll</translation>
    </message>
    <message>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <source>Roll a new seed</source>
        <translation>Neuen Seed würfeln</translation>
    </message>
    <message>
        <source>The model&apos;s own</source>
        <translation>Standard des Modells</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <source>&amp;Negative prompt:</source>
        <translation>&amp;Negativ-Prompt:</translation>
    </message>
    <message>
        <source>S&amp;eed:</source>
        <translation>S&amp;eed:</translation>
    </message>
    <message>
        <source>&amp;Steps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <source>&amp;Guidance:</source>
        <translation>G&amp;uidance:</translation>
    </message>
    <message>
        <source>Sa&amp;mpler:</source>
        <translation>Sa&amp;mpler:</translation>
    </message>
    <message>
        <source>Si&amp;ze:</source>
        <translation>Gr&amp;öße:</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::PreferencesDialog</name>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose a Folder</source>
        <translation>Ordner auswählen</translation>
    </message>
    <message>
        <source>Choose a File</source>
        <translation>Datei auswählen</translation>
    </message>
    <message>
        <source>Welcome to PartEdit</source>
        <translation>Willkommen bei PartEdit</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;PartEdit needs a diffusion model on this computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Choose a &lt;b&gt;diffusers folder&lt;/b&gt; of Stable Diffusion XL (recommended), SD 1.x or SD 2.x: the folder that holds &lt;i&gt;model_index.json&lt;/i&gt; with &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; and &lt;i&gt;scheduler&lt;/i&gt; inside, or a &lt;b&gt;single-file checkpoint&lt;/b&gt; (&lt;i&gt;.safetensors&lt;/i&gt;, e.g. sd_xl_base_1.0.safetensors). Nothing is downloaded.&lt;/p&gt;&lt;p&gt;Optionally choose a &lt;b&gt;BLIP-2 folder&lt;/b&gt; (e.g. blip2-flan-t5-xl): PartEdit then describes photos for you before editing them. Without it you type the description.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;PartEdit benötigt ein Diffusionsmodell auf diesem Computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Einen &lt;b&gt;Diffusers-Ordner&lt;/b&gt; von Stable Diffusion XL (empfohlen), SD 1.x oder SD 2.x auswählen: den Ordner, der &lt;i&gt;model_index.json&lt;/i&gt; sowie &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; und &lt;i&gt;scheduler&lt;/i&gt; enthält, oder eine &lt;b&gt;Checkpoint-Datei&lt;/b&gt; (&lt;i&gt;.safetensors&lt;/i&gt;, z. B. sd_xl_base_1.0.safetensors). Es wird nichts heruntergeladen.&lt;/p&gt;&lt;p&gt;Optional einen &lt;b&gt;BLIP-2-Ordner&lt;/b&gt; auswählen (z. B. blip2-flan-t5-xl): PartEdit beschreibt Fotos dann vor dem Bearbeiten automatisch. Ohne ihn wird die Beschreibung von Hand eingegeben.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>SDXL, SD 1.x or SD 2.x diffusers folder or .safetensors file</source>
        <translation>Diffusers-Ordner oder .safetensors-Datei von SDXL, SD 1.x oder SD 2.x</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>Datei…</translation>
    </message>
    <message>
        <source>A single-file checkpoint (.safetensors), as model sites share them</source>
        <translation>Eine Checkpoint-Datei (.safetensors), wie Modellseiten sie anbieten</translation>
    </message>
    <message>
        <source>Choose a Checkpoint File</source>
        <translation>Checkpoint-Datei auswählen</translation>
    </message>
    <message>
        <source>Single-file checkpoints (*.safetensors)</source>
        <translation>Checkpoint-Dateien (*.safetensors)</translation>
    </message>
    <message>
        <source>optional: diffusers folder with the file&apos;s configs (other shapes)</source>
        <translation>optional: Diffusers-Ordner mit den Konfigurationen der Datei (andere Formen)</translation>
    </message>
    <message>
        <source>C&amp;onfig folder:</source>
        <translation>K&amp;onfigurationsordner:</translation>
    </message>
    <message>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <source>&amp;Diffusion model:</source>
        <translation>&amp;Diffusionsmodell:</translation>
    </message>
    <message>
        <source>optional: BLIP-2 folder for photo captions</source>
        <translation>optional: BLIP-2-Ordner für Bildbeschreibungen</translation>
    </message>
    <message>
        <source>&amp;Caption model:</source>
        <translation>&amp;Bildbeschreibungsmodell:</translation>
    </message>
    <message>
        <source>Computation</source>
        <translation>Berechnung</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA-GPU (CUDA)</translation>
    </message>
    <message>
        <source>No CUDA device is available to this build of PartEdit.</source>
        <translation>Für diesen Build von PartEdit ist kein CUDA-Gerät verfügbar.</translation>
    </message>
    <message>
        <source>32-bit float (exact, CPU and GPU)</source>
        <translation>32-Bit-Gleitkomma (exakt, CPU und GPU)</translation>
    </message>
    <message>
        <source>16-bit float (GPU, half the memory)</source>
        <translation>16-Bit-Gleitkomma (GPU, halber Speicherbedarf)</translation>
    </message>
    <message>
        <source>bfloat16 (GPU)</source>
        <translation>bfloat16 (GPU)</translation>
    </message>
    <message>
        <source>De&amp;vice:</source>
        <translation>&amp;Gerät:</translation>
    </message>
    <message>
        <source>&amp;Precision:</source>
        <translation>&amp;Präzision:</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Part &amp;tokens:</source>
        <translation>&amp;Teil-Token:</translation>
    </message>
    <message>
        <source>Inversion c&amp;ache:</source>
        <translation>Inversions-&amp;Cache:</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Remove every kept inversion: the next edit of each photo inverts it again.</source>
        <translation>Alle gespeicherten Inversionen entfernen: Bei der nächsten Bearbeitung wird jedes Foto erneut invertiert.</translation>
    </message>
    <message>
        <source>Cache &amp;size limit:</source>
        <translation>&amp;Maximale Cache-Größe:</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Clear the Inversion Cache</source>
        <translation>Inversions-Cache leeren</translation>
    </message>
    <message>
        <source>Remove every kept inversion (%1)? The next edit of each photo will invert it again.</source>
        <translation>Alle gespeicherten Inversionen (%1) entfernen? Bei der nächsten Bearbeitung wird jedes Foto erneut invertiert.</translation>
    </message>
    <message>
        <source>✓ a diffusers model folder</source>
        <translation>✓ ein Diffusers-Modellordner</translation>
    </message>
    <message>
        <source>✓ a BLIP-2 folder</source>
        <translation>✓ ein BLIP-2-Ordner</translation>
    </message>
    <message>
        <source>%1 in use</source>
        <translation>%1 belegt</translation>
    </message>
    <message numerus="yes">
        <source>%n inversion(s) removed</source>
        <translation>
            <numerusform>%n Inversion entfernt</numerusform>
            <numerusform>%n Inversionen entfernt</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>partedit::ui::RunStatus</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Loading the model</source>
        <translation>Modell wird geladen</translation>
    </message>
    <message>
        <source>Captioning the photo</source>
        <translation>Foto wird beschrieben</translation>
    </message>
    <message>
        <source>Inverting the photo</source>
        <translation>Inversion des Fotos wird berechnet</translation>
    </message>
    <message>
        <source>Replaying the inversion</source>
        <translation>Inversion wird erneut durchlaufen</translation>
    </message>
    <message>
        <source>Generating</source>
        <translation>Wird generiert</translation>
    </message>
    <message>
        <source>Editing</source>
        <translation>Wird bearbeitet</translation>
    </message>
    <message>
        <source>Decoding</source>
        <translation>Wird decodiert</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Wird verarbeitet</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the run within a moment; the previous result stays (Esc)</source>
        <translation>Den Lauf sofort anhalten; das vorherige Ergebnis bleibt erhalten (Esc)</translation>
    </message>
    <message>
        <source>%1 — step %2 of %3 · %4 elapsed</source>
        <translation>%1 — Schritt %2 von %3 · %4 verstrichen</translation>
    </message>
    <message>
        <source> · %1 left</source>
        <translation> · noch %1</translation>
    </message>
    <message>
        <source>Inverting and editing the photo</source>
        <translation>Inversion und Bearbeitung des Fotos laufen</translation>
    </message>
    <message>
        <source>Preparing the training</source>
        <translation>Training wird vorbereitet</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Locating the part</source>
        <translation>Teil wird gesucht</translation>
    </message>
    <message>
        <source>Compositing into the photo</source>
        <translation>Wird ins Foto eingefügt</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TokenPanel</name>
    <message>
        <source>Part</source>
        <translation>Teil</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Import a Part Token</source>
        <translation>Teil-Token importieren</translation>
    </message>
    <message>
        <source>Part tokens (*.safetensors *.pt *.pth)</source>
        <translation>Teil-Token (*.safetensors *.pt *.pth)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Cannot be used: %1</source>
        <translation>Nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>No part tokens installed: import one.</source>
        <translation>Keine Teil-Token installiert: eines importieren.</translation>
    </message>
    <message>
        <source>Install a part token file: PartEdit&apos;s .safetensors or the authors&apos; .pt / .pth</source>
        <translation>Eine Teil-Token-Datei installieren: .safetensors von PartEdit oder .pt / .pth der Autoren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingImagesPage</name>
    <message>
        <source>Images and part masks</source>
        <translation>Bilder und Teilmasken</translation>
    </message>
    <message>
        <source>Add a few images that show the part and paint the part on each. Drop images here, or import masks you already have.</source>
        <translation>Einige Bilder hinzufügen, die das Teil zeigen, und das Teil auf jedes malen. Bilder hierher ziehen oder vorhandene Masken importieren.</translation>
    </message>
    <message>
        <source>Add Images…</source>
        <translation>Bilder hinzufügen…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove the image and its mask from the project (the image file stays)</source>
        <translation>Das Bild und seine Maske aus dem Projekt entfernen (die Bilddatei bleibt)</translation>
    </message>
    <message>
        <source>Import Mask…</source>
        <translation>Maske importieren…</translation>
    </message>
    <message>
        <source>Use a mask image (white or opaque = part) or a part dataset&apos;s label image such as PASCAL-Part or PartImageNet</source>
        <translation>Ein Maskenbild (weiß oder deckend = Teil) oder das Labelbild eines Teile-Datensatzes wie PASCAL-Part oder PartImageNet verwenden</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The image cannot be read: %1</source>
        <translation>Das Bild kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The saved mask does not fit this image any more; paint it again.</source>
        <translation>Die gespeicherte Maske passt nicht mehr zu diesem Bild; bitte neu malen.</translation>
    </message>
    <message>
        <source>Add Training Images</source>
        <translation>Trainingsbilder hinzufügen</translation>
    </message>
    <message>
        <source>Import Mask or Label Image</source>
        <translation>Maske oder Labelbild importieren</translation>
    </message>
    <message>
        <source>the image file is missing</source>
        <translation>die Bilddatei fehlt</translation>
    </message>
    <message>
        <source>mask painted</source>
        <translation>Maske gemalt</translation>
    </message>
    <message>
        <source>no mask yet</source>
        <translation>noch keine Maske</translation>
    </message>
    <message>
        <source>Add images that show the part.</source>
        <translation>Bilder hinzufügen, die das Teil zeigen.</translation>
    </message>
    <message>
        <source>Some image files are missing: remove them or put them back.</source>
        <translation>Einige Bilddateien fehlen: sie entfernen oder zurücklegen.</translation>
    </message>
    <message>
        <source>One image still needs a mask.</source>
        <translation>Ein Bild braucht noch eine Maske.</translation>
    </message>
    <message>
        <source>%1 images still need a mask.</source>
        <translation>%1 Bilder brauchen noch eine Maske.</translation>
    </message>
    <message>
        <source>All images are masked. With 3 or more, training holds some out to measure how well the token finds the part on images it has not seen.</source>
        <translation>Alle Bilder haben eine Maske. Ab 3 Bildern hält das Training einige zurück, um zu messen, wie gut das Token das Teil auf Bildern findet, die es nicht gesehen hat.</translation>
    </message>
    <message>
        <source>%1 images, all masked: ready to train.</source>
        <translation>%1 Bilder, alle mit Maske: bereit zum Training.</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>Trainingsbilder</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>always held out</source>
        <translation>immer zurückgehalten</translation>
    </message>
    <message>
        <source>always trained on</source>
        <translation>immer zum Training</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Decided by the split</source>
        <translation>Nach der Aufteilung</translation>
    </message>
    <message>
        <source>Always hold out (measure on it)</source>
        <translation>Immer zurückhalten (daran messen)</translation>
    </message>
    <message>
        <source>Always train on it</source>
        <translation>Immer damit trainieren</translation>
    </message>
    <message>
        <source>Import Masks…</source>
        <translation>Masken importieren…</translation>
    </message>
    <message>
        <source>Use a mask image (white or opaque = part) or a part dataset's label image such as PASCAL-Part or PartImageNet. Choose several masks at once to give each image the mask of its name (cat1.jpg takes cat1.png or cat1_mask.png).</source>
        <translation>Ein Maskenbild (weiß oder deckend = Teil) oder das Labelbild eines Teil-Datensatzes wie PASCAL-Part oder PartImageNet verwenden. Mehrere Masken auf einmal gewählt: Jedes Bild erhält die Maske seines Namens (cat1.jpg erhält cat1.png oder cat1_mask.png).</translation>
    </message>
    <message>
        <source>Import Masks or Label Image</source>
        <translation>Masken oder Labelbild importieren</translation>
    </message>
    <message>
        <source>%1 is a label image with several parts: import it alone, on %2, to pick the part's labels.</source>
        <translation>%1 ist ein Labelbild mit mehreren Teilen: allein auf %2 importieren, um die Labels des Teils zu wählen.</translation>
    </message>
    <message>
        <source>%1 is not used: its image %2 cannot be read.</source>
        <translation>%1 wird nicht verwendet: sein Bild %2 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 (for %2): %3</source>
        <translation>%1 (für %2): %3</translation>
    </message>
    <message>
        <source>%1 is not used: the mask of %2 could not be written.</source>
        <translation>%1 wird nicht verwendet: Die Maske von %2 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Imported the mask of %1.</source>
        <translation>Die Maske von %1 importiert.</translation>
    </message>
    <message numerus="yes">
        <source>Imported the masks of %n images.</source>
        <translation>
            <numerusform>Die Maske von %n Bild importiert.</numerusform>
            <numerusform>Die Masken von %n Bildern importiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>No mask was imported.</source>
        <translation>Es wurde keine Maske importiert.</translation>
    </message>
    <message>
        <source>Imported the masks of %1.</source>
        <translation>Die Masken von %1 importiert.</translation>
    </message>
    <message>
        <source>A mask is matched to its image by file name: cat1.jpg takes cat1.png, cat1_mask.png or cat1-label.png.</source>
        <translation>Eine Maske wird ihrem Bild über den Dateinamen zugeordnet: cat1.jpg erhält cat1.png, cat1_mask.png oder cat1-label.png.</translation>
    </message>
    <message>
        <source>Import masks</source>
        <translation>Masken importieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingProject</name>
    <message>
        <source>Could not write “%1”: %2</source>
        <translation>„%1“ konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>the disk may be full</source>
        <translation>der Datenträger ist vielleicht voll</translation>
    </message>
    <message>
        <source>Could not open “%1”: %2</source>
        <translation>„%1“ konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>“%1” is damaged: %2 (at byte %3).</source>
        <translation>„%1“ ist beschädigt: %2 (bei Byte %3).</translation>
    </message>
    <message>
        <source>“%1” is not a training project.</source>
        <translation>„%1“ ist kein Trainingsprojekt.</translation>
    </message>
    <message>
        <source>“%1”: %2</source>
        <translation>„%1“: %2</translation>
    </message>
    <message>
        <source>The training project has no folder.</source>
        <translation>Das Trainingsprojekt hat keinen Ordner.</translation>
    </message>
    <message>
        <source>Could not create the folder “%1”.</source>
        <translation>Der Ordner „%1“ konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <source>not a training project.</source>
        <translation>kein Trainingsprojekt.</translation>
    </message>
    <message>
        <source>made by a newer PartEdit (project version %1).</source>
        <translation>von einem neueren PartEdit erstellt (Projektversion %1).</translation>
    </message>
    <message>
        <source>entry %1 has no image.</source>
        <translation>Eintrag %1 hat kein Bild.</translation>
    </message>
    <message>
        <source>entry %1 has an invalid mask file name “%2”.</source>
        <translation>Eintrag %1 hat einen ungültigen Maskendateinamen „%2“.</translation>
    </message>
    <message>
        <source>entry %1 has an unknown validation choice.</source>
        <translation>Eintrag %1 hat eine unbekannte Validierungswahl.</translation>
    </message>
    <message>
        <source>“%1” is already in this project.</source>
        <translation>„%1“ ist schon in diesem Projekt.</translation>
    </message>
    <message>
        <source>“%1” is not a file.</source>
        <translation>„%1“ ist keine Datei.</translation>
    </message>
    <message>
        <source>“%1” is not an image PartEdit can read.</source>
        <translation>„%1“ ist kein Bild, das PartEdit lesen kann.</translation>
    </message>
    <message>
        <source>There is no image %1 in this project.</source>
        <translation>In diesem Projekt gibt es kein Bild %1.</translation>
    </message>
    <message>
        <source>The image was removed, but its mask “%1” could not be deleted.</source>
        <translation>Das Bild wurde entfernt, aber seine Maske „%1“ konnte nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>There is no mask to save.</source>
        <translation>Es gibt keine Maske zum Speichern.</translation>
    </message>
    <message>
        <source>Could not encode the mask: %1</source>
        <translation>Die Maske konnte nicht kodiert werden: %1</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingRunPage</name>
    <message>
        <source>Train and save</source>
        <translation>Trainieren und speichern</translation>
    </message>
    <message>
        <source>Training shows how well the token finds the part as it learns; save it when the validation map covers the part.</source>
        <translation>Das Training zeigt, wie gut das Token das Teil findet, während es lernt; speichern, sobald die Validierungskarte das Teil abdeckt.</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop after the current step; a checkpoint keeps what was learnt</source>
        <translation>Nach dem laufenden Schritt anhalten; ein Checkpoint bewahrt das Gelernte</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Continue the stopped run from its checkpoint (with the same images and settings)</source>
        <translation>Den angehaltenen Lauf ab seinem Checkpoint fortsetzen (mit denselben Bildern und Einstellungen)</translation>
    </message>
    <message>
        <source>Not started.</source>
        <translation>Nicht gestartet.</translation>
    </message>
    <message>
        <source>The token&apos;s map of a
validation image
appears here.</source>
        <translation>Die Karte des Tokens
für ein Validierungsbild
erscheint hier.</translation>
    </message>
    <message>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <source>The training images with their masks; after training, the held-out ones are marked</source>
        <translation>Die Trainingsbilder mit ihren Masken; nach dem Training sind die zurückgehaltenen markiert</translation>
    </message>
    <message>
        <source>Save to Library</source>
        <translation>In Bibliothek speichern</translation>
    </message>
    <message>
        <source>Part name:</source>
        <translation>Teilname:</translation>
    </message>
    <message>
        <source>Saved to the library: type &lt;%1&gt; in the edit box.</source>
        <translation>In der Bibliothek gespeichert: &lt;%1&gt; ins Bearbeitungsfeld tippen.</translation>
    </message>
    <message>
        <source>&lt;b&gt;No model is set.&lt;/b&gt; A part token is trained for one diffusion model: choose it in File ▸ Preferences…, then train.</source>
        <translation>&lt;b&gt;Es ist kein Modell eingestellt.&lt;/b&gt; Ein Teil-Token wird für ein bestimmtes Diffusionsmodell trainiert: es unter Datei ▸ Einstellungen… wählen, dann trainieren.</translation>
    </message>
    <message>
        <source>Model: %1 (%2, %3)</source>
        <translation>Modell: %1 (%2, %3)</translation>
    </message>
    <message>
        <source>Model: %1 — loaded when training starts.</source>
        <translation>Modell: %1 — wird beim Start des Trainings geladen.</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>Wird fortgesetzt…</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Step %1 of %2 · %3 left</source>
        <translation>Schritt %1 von %2 · noch %3</translation>
    </message>
    <message>
        <source>Step %1 of %2 · finishing</source>
        <translation>Schritt %1 von %2 · wird abgeschlossen</translation>
    </message>
    <message>
        <source>%1 — %2 of %3</source>
        <translation>%1 — %2 von %3</translation>
    </message>
    <message>
        <source>The model looks at every image once; the steps are then fast.</source>
        <translation>Das Modell betrachtet jedes Bild einmal; danach sind die Schritte schnell.</translation>
    </message>
    <message>
        <source>Loss %1 at step %2 · timestep %3 · learning rate %4</source>
        <translation>Verlust %1 bei Schritt %2 · Zeitschritt %3 · Lernrate %4</translation>
    </message>
    <message>
        <source>mIoU %1 at step %2, measured on the training images (add 3 or more images to hold some out)</source>
        <translation>mIoU %1 bei Schritt %2, gemessen auf den Trainingsbildern (ab 3 Bildern werden einige zurückgehalten)</translation>
    </message>
    <message>
        <source>mIoU %1 on the held-out images at step %2</source>
        <translation>mIoU %1 auf den zurückgehaltenen Bildern bei Schritt %2</translation>
    </message>
    <message>
        <source>%1: the token&apos;s map in colour, your mask outlined in white.</source>
        <translation>%1: die Karte des Tokens in Farbe, die gemalte Maske weiß umrandet.</translation>
    </message>
    <message>
        <source>%1 (held out)</source>
        <translation>%1 (zurückgehalten)</translation>
    </message>
    <message>
        <source>Trained %1 steps. Name the part and save it to the library.</source>
        <translation>%1 Schritte trainiert. Das Teil benennen und in der Bibliothek speichern.</translation>
    </message>
    <message>
        <source>Replace the part token?</source>
        <translation>Teil-Token ersetzen?</translation>
    </message>
    <message>
        <source>The library already has a part token “%1” (%2). Replace it with the new one?</source>
        <translation>Die Bibliothek hat schon ein Teil-Token „%1“ (%2). Durch das neue ersetzen?</translation>
    </message>
    <message>
        <source>Stopped at step %1 of %2. Resume continues from the checkpoint.</source>
        <translation>Bei Schritt %1 von %2 angehalten. „Fortsetzen“ macht ab dem Checkpoint weiter.</translation>
    </message>
    <message>
        <source>Stopped before the first checkpoint.</source>
        <translation>Vor dem ersten Checkpoint angehalten.</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>(held out)</source>
        <translation>(zurückgehalten)</translation>
    </message>
    <message>
        <source>A stopped run is kept at its checkpoint. Resume continues it.</source>
        <translation>Ein angehaltener Lauf ist im Checkpoint erhalten. „Fortsetzen“ macht weiter.</translation>
    </message>
    <message>
        <source>Trained %1 steps before. Resume brings the token back to save it; Train continues or starts over.</source>
        <translation>Zuvor %1 Schritte trainiert. „Fortsetzen“ holt das Token zum Speichern zurück; „Trainieren“ trainiert weiter oder beginnt neu.</translation>
    </message>
    <message>
        <source>The token has been trained for %1 steps. Continue training it for %2 more steps (%3 in all), or start over from the beginning?</source>
        <translation>Das Token wurde %1 Schritte trainiert. %2 Schritte weitertrainieren (%3 insgesamt) oder von vorn beginnen?</translation>
    </message>
    <message>
        <source>The last run stopped at step %1 of %2. Continue it from there, or start over from the beginning?</source>
        <translation>Der letzte Lauf hielt bei Schritt %1 von %2 an. Dort weitermachen oder von vorn beginnen?</translation>
    </message>
    <message>
        <source>A stopped run is kept at its checkpoint. Continue it, or start over from the beginning?</source>
        <translation>Ein angehaltener Lauf ist im Checkpoint erhalten. Weitermachen oder von vorn beginnen?</translation>
    </message>
    <message>
        <source>Starting over discards the trained token: it is not saved in the library.</source>
        <translation>Ein Neubeginn verwirft das trainierte Token: Es ist nicht in der Bibliothek gespeichert.</translation>
    </message>
    <message>
        <source>Continue or start over?</source>
        <translation>Weitermachen oder neu beginnen?</translation>
    </message>
    <message>
        <source>Continue Training</source>
        <translation>Weitertrainieren</translation>
    </message>
    <message>
        <source>Start Over</source>
        <translation>Neu beginnen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingSettings</name>
    <message>
        <source>Name the part.</source>
        <translation>Das Teil benennen.</translation>
    </message>
    <message>
        <source>Use lower-case letters and digits, words joined by “-”, e.g. cat-ear.</source>
        <translation>Kleinbuchstaben und Ziffern verwenden, Wörter mit „-“ verbunden, z. B. cat-ear.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingSettingsPage</name>
    <message>
        <source>Part name and training</source>
        <translation>Teilname und Training</translation>
    </message>
    <message>
        <source>Name the part as you will type it in the edit box, then choose how long to train.</source>
        <translation>Das Teil so benennen, wie es ins Bearbeitungsfeld getippt wird, dann wählen, wie lange trainiert wird.</translation>
    </message>
    <message>
        <source>e.g. cat-ear</source>
        <translation>z. B. cat-ear</translation>
    </message>
    <message>
        <source>Fast: cached queries</source>
        <translation>Schnell: zwischengespeicherte Queries</translation>
    </message>
    <message>
        <source>Exact: the paper&apos;s training (much slower)</source>
        <translation>Exakt: das Training des Papers (viel langsamer)</translation>
    </message>
    <message>
        <source>Fast runs the model once per image and then only optimises the token; exact runs the model at every step</source>
        <translation>Schnell führt das Modell einmal pro Bild aus und optimiert danach nur das Token; exakt führt das Modell bei jedem Schritt aus</translation>
    </message>
    <message>
        <source>Optimisation steps; the paper trains 1000–2000</source>
        <translation>Optimierungsschritte; das Paper trainiert 1000–2000</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <source>Share of the images held out to measure the token on images it does not train on</source>
        <translation>Anteil der Bilder, die zurückgehalten werden, um das Token auf Bildern zu messen, auf denen es nicht trainiert</translation>
    </message>
    <message>
        <source>Part name:</source>
        <translation>Teilname:</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>Modus:</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>Schritte:</translation>
    </message>
    <message>
        <source>Held out for validation:</source>
        <translation>Zur Validierung zurückgehalten:</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source>The rate training starts with: %1 for SGD (the paper&apos;s), %2 for Adam. Choosing an optimizer sets its rate unless you typed your own.</source>
        <translation>Die Rate, mit der das Training beginnt: %1 für SGD (die des Papers), %2 für Adam. Die Wahl eines Optimierers setzt seine Rate, sofern Sie keine eigene eingegeben haben.</translation>
    </message>
    <message>
        <source>SGD is the paper&apos;s optimizer (rate %1); Adam needs a far smaller rate (%2). Choosing one sets its rate unless you typed your own.</source>
        <translation>SGD ist der Optimierer des Papers (Rate %1); Adam braucht eine viel kleinere Rate (%2). Die Wahl setzt seine Rate, sofern Sie keine eigene eingegeben haben.</translation>
    </message>
    <message>
        <source>SGD</source>
        <translation>SGD</translation>
    </message>
    <message>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <source>Model timesteps HIGH:LOW, inclusive (0–999); 600:400 are the middle of a 50-step run</source>
        <translation>Modell-Zeitschritte HOCH:TIEF, einschließlich (0–999); 600:400 sind die Mitte eines Laufs mit 50 Schritten</translation>
    </message>
    <message>
        <source>Draws the token&apos;s start, the noise, the split and the timesteps: same seed, same token</source>
        <translation>Bestimmt den Startwert des Tokens, das Rauschen, die Aufteilung und die Zeitschritte: gleicher Seed, gleiches Token</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> Schritte</translation>
    </message>
    <message>
        <source>Restore Defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <source>Optimizer:</source>
        <translation>Optimierer:</translation>
    </message>
    <message>
        <source>Timesteps (high:low):</source>
        <translation>Zeitschritte (hoch:tief):</translation>
    </message>
    <message>
        <source>Timestep stride:</source>
        <translation>Zeitschritt-Abstand:</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <source>Validate every:</source>
        <translation>Validieren alle:</translation>
    </message>
    <message>
        <source>Write the timesteps as HIGH:LOW, e.g. 600:400.</source>
        <translation>Die Zeitschritte als HOCH:TIEF schreiben, z. B. 600:400.</translation>
    </message>
    <message>
        <source>The timesteps must satisfy 999 ≥ HIGH ≥ LOW ≥ 0.</source>
        <translation>Für die Zeitschritte muss 999 ≥ HOCH ≥ TIEF ≥ 0 gelten.</translation>
    </message>
    <message>
        <source>Give a seed (any whole number).</source>
        <translation>Einen Seed angeben (eine beliebige ganze Zahl).</translation>
    </message>
    <message>
        <source>One of the %1 images is held out; training uses the others.</source>
        <translation>Eines der %1 Bilder wird zurückgehalten; das Training nutzt die anderen.</translation>
    </message>
    <message>
        <source>%1 of the %2 images are held out; training uses the others.</source>
        <translation>%1 der %2 Bilder werden zurückgehalten; das Training nutzt die anderen.</translation>
    </message>
    <message>
        <source>No image is held out: validation measures the training images.</source>
        <translation>Kein Bild wird zurückgehalten: Die Validierung misst auf den Trainingsbildern.</translation>
    </message>
    <message>
        <source>Every image is chosen to be held out; let at least one be trained on.</source>
        <translation>Alle Bilder sind zum Zurückhalten gewählt; mindestens eines muss zum Training bleiben.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingWizard</name>
    <message>
        <source>Train Part Token</source>
        <translation>Teil-Token trainieren</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Training project</source>
        <translation>Trainingsprojekt</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskMatching</name>
    <message>
        <source>%1 is one of the training images, not a mask.</source>
        <translation>%1 ist eines der Trainingsbilder, keine Maske.</translation>
    </message>
    <message>
        <source>%1 matches no training image by name.</source>
        <translation>%1 passt dem Namen nach zu keinem Trainingsbild.</translation>
    </message>
    <message>
        <source>%1 fits several images of the same name (%2): import it onto the right one alone.</source>
        <translation>%1 passt zu mehreren gleichnamigen Bildern (%2): allein auf das richtige importieren.</translation>
    </message>
    <message>
        <source>%1 is not used: %2 already gets %3.</source>
        <translation>%1 wird nicht verwendet: %2 erhält bereits %3.</translation>
    </message>
    <message>
        <source>%1 is not used: %2 gets %3, whose name is its own.</source>
        <translation>%1 wird nicht verwendet: %2 erhält %3, das genau seinen Namen trägt.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::FinishNotifier</name>
    <message>
        <source>Edit finished</source>
        <translation>Bearbeitung fertig</translation>
    </message>
    <message>
        <source>Image generated</source>
        <translation>Bild erzeugt</translation>
    </message>
    <message>
        <source>The edit “%1” is done.</source>
        <translation>Die Bearbeitung „%1“ ist fertig.</translation>
    </message>
    <message>
        <source>The new image is ready.</source>
        <translation>Das neue Bild ist fertig.</translation>
    </message>
    <message>
        <source>Training finished</source>
        <translation>Training fertig</translation>
    </message>
    <message>
        <source>The part token “%1” is trained (%2 steps): save it to the library.</source>
        <translation>Das Teil-Token „%1“ ist trainiert (%2 Schritte): in der Bibliothek speichern.</translation>
    </message>
    <message>
        <source>The run stopped</source>
        <translation>Der Lauf wurde abgebrochen</translation>
    </message>
    <message>
        <source>%1 (took %2)</source>
        <translation>%1 (Dauer %2)</translation>
    </message>
</context>
</TS>
