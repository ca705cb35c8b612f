<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>Choose a model folder.</source>
        <translation>Modellordner auswählen.</translation>
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
</context>
<context>
    <name>partedit::ui::MaskContactSheet</name>
    <message>
        <source>Step %1</source>
        <translation>Schritt %1</translation>
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
        <source>&lt;p&gt;&lt;b&gt;PartEdit needs a diffusion model on this computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Choose a &lt;b&gt;diffusers folder&lt;/b&gt; of Stable Diffusion XL (recommended), SD 1.x or SD 2.x: the folder that holds &lt;i&gt;model_index.json&lt;/i&gt; with &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; and &lt;i&gt;scheduler&lt;/i&gt; inside. Nothing is downloaded.&lt;/p&gt;&lt;p&gt;Optionally choose a &lt;b&gt;BLIP-2 folder&lt;/b&gt; (e.g. blip2-flan-t5-xl): PartEdit then describes photos for you before editing them. Without it you type the description.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;PartEdit benötigt ein Diffusionsmodell auf diesem Computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Einen &lt;b&gt;Diffusers-Ordner&lt;/b&gt; von Stable Diffusion XL (empfohlen), SD 1.x oder SD 2.x auswählen: den Ordner, der &lt;i&gt;model_index.json&lt;/i&gt; sowie &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; und &lt;i&gt;scheduler&lt;/i&gt; enthält. Es wird nichts heruntergeladen.&lt;/p&gt;&lt;p&gt;Optional einen &lt;b&gt;BLIP-2-Ordner&lt;/b&gt; auswählen (z. B. blip2-flan-t5-xl): PartEdit beschreibt Fotos dann vor dem Bearbeiten automatisch. Ohne ihn wird die Beschreibung von Hand eingegeben.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>SDXL, SD 1.x or SD 2.x diffusers folder</source>
        <translation>Diffusers-Ordner von SDXL, SD 1.x oder SD 2.x</translation>
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
        <source>Stop after the current step; the previous result stays (Esc)</source>
        <translation>Nach dem aktuellen Schritt anhalten; das vorherige Ergebnis bleibt erhalten (Esc)</translation>
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
</TS>
