<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>EditTextChecker</name>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="33"/>
        <source>Type an edit such as “with a robotic &lt;head&gt;”.</source>
        <translation>Bearbeitung eingeben, z. B. „with a robotic &lt;head&gt;“.</translation>
    </message>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="37"/>
        <source>Start the edit with “with”, e.g. “with a robotic &lt;head&gt;”.</source>
        <translation>Bearbeitung mit „with“ beginnen, z. B. „with a robotic &lt;head&gt;“.</translation>
    </message>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="51"/>
        <source>No part token named “%1”; did you mean %2?</source>
        <translation>Kein Teil-Token namens „%1“; meinten Sie %2?</translation>
    </message>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="53"/>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="55"/>
        <source>No part token named “%1” is installed; import one in the Part Tokens panel.</source>
        <translation>Kein Teil-Token namens „%1“ installiert – im Bedienfeld „Teil-Token“ eines importieren.</translation>
    </message>
    <message>
        <location filename="../ui/worker/edit_text_check.cpp" line="57"/>
        <source>No part token named “%1”; installed: %2.</source>
        <translation>Kein Teil-Token namens „%1“; installiert: %2.</translation>
    </message>
</context>
<context>
    <name>QDialog</name>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="55"/>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="59"/>
        <source>Menu</source>
        <translation>Menü</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="59"/>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="59"/>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="70"/>
        <source>Edit box</source>
        <translation>Bearbeitungsfeld</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="70"/>
        <source>Type &lt; to complete a part name; Enter applies the edit; Esc closes the completion list</source>
        <translation>&lt; tippen, um einen Teilnamen zu vervollständigen; Enter wendet die Bearbeitung an; Esc schließt die Vorschlagsliste</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="72"/>
        <source>Canvas</source>
        <translation>Arbeitsfläche</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="72"/>
        <source>Mouse wheel zooms; drag with the middle button or Space held to pan</source>
        <translation>Mausrad zoomt; zum Verschieben mit gedrückter mittlerer Maustaste oder Leertaste ziehen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="73"/>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="73"/>
        <source>Cancels a running edit when the focus is not in a text field</source>
        <translation>Bricht eine laufende Bearbeitung ab, wenn kein Textfeld den Fokus hat</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="92"/>
        <source>Getting Started</source>
        <translation>Erste Schritte</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/help_dialogs.cpp" line="97"/>
        <source>&lt;h3&gt;Your first part edit&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Choose a model.&lt;/b&gt; File › Preferences: the folder of a Stable Diffusion XL model in diffusers format (or a single .safetensors checkpoint). SD 1.x and 2.x work too. Nothing is downloaded: PartEdit uses the files you point it at.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Install part tokens.&lt;/b&gt; A part token tells the editor where a part is (a head, hair, a car&apos;s hood). In the Part Tokens panel, Import… the authors&apos; published tokens (see tokens/README.md), or make one with Tools › Train Part Token… from a few images with painted masks.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Open an image.&lt;/b&gt; File › Open… a photo (it is described automatically when a BLIP-2 folder is set in Preferences, or type what it shows), or File › New from Prompt… to generate one.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Type the edit&lt;/b&gt; in the Edit panel, naming the part in angle brackets: &lt;i&gt;with a robotic &amp;lt;head&amp;gt;&lt;/i&gt;, &lt;i&gt;with blonde &amp;lt;hair&amp;gt;&lt;/i&gt;. Type &amp;lt; to see the installed parts. Apply edit (Enter) runs it; the mask of the part appears while it runs.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Tune it.&lt;/b&gt; The t_e slider blends for fewer steps (the edit may spill beyond the part) and re-renders at once; ω makes the mask tighter. View › Show Before and Split View compare before and after.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Keep it.&lt;/b&gt; File › Export Image… writes the result with its settings (File › Image Info reads them back, also from AUTOMATIC1111 images); Edit › Copy Image puts it on the clipboard for Krita or GIMP. Every result stays in the History; the session is kept for the next start.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Help › Keyboard Shortcuts lists every key.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Ihre erste Teilbearbeitung&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Modell wählen.&lt;/b&gt; Datei › Einstellungen: der Ordner eines Stable-Diffusion-XL-Modells im Diffusers-Format (oder eine einzelne .safetensors-Checkpoint-Datei). SD 1.x und 2.x funktionieren ebenfalls. Es wird nichts heruntergeladen: PartEdit verwendet die Dateien, die Sie angeben.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Teil-Token installieren.&lt;/b&gt; Ein Teil-Token zeigt dem Editor, wo sich ein Teil befindet (ein Kopf, Haare, die Motorhaube eines Autos). Im Bedienfeld „Teil-Token“ über Importieren… die veröffentlichten Token der Autoren installieren (siehe tokens/README.md) oder mit Werkzeuge › Teil-Token trainieren… aus wenigen Bildern mit gemalten Masken ein eigenes erstellen.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Bild öffnen.&lt;/b&gt; Mit Datei › Öffnen… ein Foto öffnen (es wird automatisch beschrieben, wenn in den Einstellungen ein BLIP-2-Ordner festgelegt ist; sonst eingeben, was es zeigt) oder mit Datei › Neu aus Prompt… eines generieren.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Bearbeitung eingeben.&lt;/b&gt; Im Bedienfeld „Bearbeiten“ den Teil in spitzen Klammern nennen: &lt;i&gt;with a robotic &amp;lt;head&amp;gt;&lt;/i&gt;, &lt;i&gt;with blonde &amp;lt;hair&amp;gt;&lt;/i&gt;. &amp;lt; tippen zeigt die installierten Teile. „Bearbeitung anwenden“ (Enter) führt sie aus; währenddessen erscheint die Maske des Teils.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Feinabstimmen.&lt;/b&gt; Der t_e-Regler überblendet für weniger Schritte (die Bearbeitung kann über den Teil hinausgehen) und berechnet sofort neu; ω macht die Maske enger. Ansicht › Vorher anzeigen und Ansicht › Geteilte Ansicht zeigen vorher und nachher.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Ergebnis sichern.&lt;/b&gt; Datei › Bild exportieren… speichert das Ergebnis mit seinen Einstellungen (Datei › Bildinformationen liest sie wieder aus, auch aus AUTOMATIC1111-Bildern); Bearbeiten › Bild kopieren legt es für Krita oder GIMP in die Zwischenablage. Jedes Ergebnis bleibt im Verlauf; die Sitzung bleibt für den nächsten Start erhalten.&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;Hilfe › Tastenkürzel listet alle Tasten auf.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../ui/worker/folder_checks.cpp" line="14"/>
        <source>Choose a model folder.</source>
        <translation>Modellordner auswählen.</translation>
    </message>
    <message>
        <location filename="../ui/worker/folder_checks.cpp" line="22"/>
        <source>a diffusers model folder</source>
        <translation>ein Diffusers-Modellordner</translation>
    </message>
    <message>
        <location filename="../ui/worker/folder_checks.cpp" line="23"/>
        <source>an %1 single-file checkpoint (shipped configs %2)</source>
        <translation>eine %1-Checkpoint-Datei (mitgelieferte Konfiguration %2)</translation>
    </message>
    <message>
        <location filename="../ui/worker/folder_checks.cpp" line="25"/>
        <source>an %1 single-file checkpoint (configs from the chosen folder)</source>
        <translation>eine %1-Checkpoint-Datei (Konfiguration aus dem gewählten Ordner)</translation>
    </message>
</context>
<context>
    <name>partedit::ui::EditPanel</name>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="50"/>
        <source>What the image shows, e.g. “a photo of a woman in a park”</source>
        <extracomment>The example stays in English: the models read English prompts.</extracomment>
        <translation>Was das Bild zeigt, z. B. „a photo of a woman in a park“</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="57"/>
        <source>with a robotic &lt;head&gt;</source>
        <extracomment>Keep in English: the edit box reads English edits starting with &quot;with&quot;.</extracomment>
        <translation>with a robotic &lt;head&gt;</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="97"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="99"/>
        <source>Soft edge of the edited part when it is put back into the photo</source>
        <translation>Weiche Kante des bearbeiteten Teils beim Einsetzen in das Foto</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="101"/>
        <source>&amp;Apply edit</source>
        <translation>Bearbeitung a&amp;nwenden</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="104"/>
        <location filename="../ui/panels/edit_panel.cpp" line="253"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="121"/>
        <source>&amp;Source prompt:</source>
        <translation>&amp;Quell-Prompt:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="138"/>
        <source>Thresh&amp;old ω:</source>
        <translation>Schwe&amp;llwert ω:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="140"/>
        <source>&amp;Guidance:</source>
        <translation>&amp;Guidance:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="141"/>
        <source>See&amp;d:</source>
        <translation>S&amp;eed:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="142"/>
        <source>Feathe&amp;r:</source>
        <translation>Weiche &amp;Kante:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="216"/>
        <source>Describe the photo, or leave it empty to caption it when the edit runs.</source>
        <translation>Foto beschreiben oder leer lassen, um es beim Bearbeiten automatisch beschreiben zu lassen.</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="227"/>
        <source>The prompt that generated this image; the edit reproduces it outside the part.</source>
        <translation>Der Prompt, mit dem dieses Bild generiert wurde; die Bearbeitung reproduziert das Bild damit außerhalb des Teils.</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="335"/>
        <source>Blend at every step (%1 of %2): everything outside the part stays as it was.</source>
        <translation>Überblenden in jedem Schritt (%1 von %2): Alles außerhalb des Teils bleibt unverändert.</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="338"/>
        <source>Blend for the first %1 of %2 steps: lower values let the edit spill beyond the part.</source>
        <translation>Überblenden in den ersten %1 von %2 Schritten: Niedrigere Werte lassen die Bearbeitung über den Teil hinaus wirken.</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="353"/>
        <source>(caption)</source>
        <translation>(Bildbeschreibung)</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="357"/>
        <source>Runs: “%1” (part: %2)</source>
        <translation>Ausgeführt wird: „%1“ (Teil: %2)</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="82"/>
        <source>How strictly the part is cut out: where the part&apos;s attention reaches ω times its automatic threshold it counts fully as the part. Higher values give a tighter mask.</source>
        <translation>Wie streng der Teil ausgeschnitten wird: Wo die Aufmerksamkeit des Teils das ω-Fache ihres automatischen Schwellwerts erreicht, zählt sie ganz zum Teil. Höhere Werte ergeben eine engere Maske.</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="123"/>
        <source>Ed&amp;it:</source>
        <translation>Bearbeit&amp;ung:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="136"/>
        <source>Blend &amp;until (t_e):</source>
        <translation>Überblenden b&amp;is (t_e):</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="139"/>
        <source>Ste&amp;ps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <location filename="../ui/panels/edit_panel.cpp" line="253"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>partedit::ui::EngineWorker</name>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="231"/>
        <source>trained for %1; the loaded model is %2</source>
        <translation>trainiert für %1; das geladene Modell ist %2</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="241"/>
        <source>Generating</source>
        <translation>Wird generiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="258"/>
        <source>Editing</source>
        <translation>Wird bearbeitet</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="269"/>
        <source>Editing the photo</source>
        <translation>Foto wird bearbeitet</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="301"/>
        <source>Re-rendering</source>
        <translation>Wird neu gerendert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="315"/>
        <source>Captioning</source>
        <translation>Bildbeschreibung wird erstellt</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="325"/>
        <source>Listing part tokens</source>
        <translation>Teil-Token werden aufgelistet</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="332"/>
        <source>Importing a part token</source>
        <translation>Teil-Token wird importiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="336"/>
        <source>%1 is already installed</source>
        <translation>%1 ist bereits installiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="345"/>
        <source>Renaming a part token</source>
        <translation>Teil-Token wird umbenannt</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="348"/>
        <source>Renamed the part token %1 to %2</source>
        <translation>Teil-Token %1 in %2 umbenannt</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="356"/>
        <source>Deleting a part token</source>
        <translation>Teil-Token wird gelöscht</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="359"/>
        <source>Deleted the part token %1 (%2)</source>
        <translation>Teil-Token %1 (%2) gelöscht</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="367"/>
        <source>Exporting</source>
        <translation>Wird exportiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="374"/>
        <source>Clearing the inversion cache</source>
        <translation>Inversions-Cache wird geleert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="226"/>
        <source>its embedding is %1 wide but the loaded model needs %2: it was trained for another model family</source>
        <translation>seine Einbettung ist %1 breit, das geladene Modell braucht aber %2: Es wurde für eine andere Modellfamilie trainiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="194"/>
        <source>Precision %1 (%2)</source>
        <translation>Genauigkeit %1 (%2)</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker.cpp" line="337"/>
        <source>Installed the part token %1</source>
        <translation>Teil-Token %1 installiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker_training.cpp" line="37"/>
        <source>Training the part token</source>
        <translation>Teil-Token wird trainiert</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_worker_training.cpp" line="98"/>
        <source>Saving the part token</source>
        <translation>Teil-Token wird gespeichert</translation>
    </message>
</context>
<context>
    <name>partedit::ui::FinishNotifier</name>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="30"/>
        <source>Edit finished</source>
        <translation>Bearbeitung fertig</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="30"/>
        <source>Image generated</source>
        <translation>Bild erzeugt</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="31"/>
        <source>The edit “%1” is done.</source>
        <translation>Die Bearbeitung „%1“ ist fertig.</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="31"/>
        <source>The new image is ready.</source>
        <translation>Das neue Bild ist fertig.</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="34"/>
        <source>Training finished</source>
        <translation>Training fertig</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="35"/>
        <source>The part token “%1” is trained (%2 steps): save it to the library.</source>
        <translation>Das Teil-Token „%1“ ist trainiert (%2 Schritte): in der Bibliothek speichern.</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="38"/>
        <source>The run stopped</source>
        <translation>Der Lauf wurde abgebrochen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/finish_notifier.cpp" line="54"/>
        <source>%1 (took %2)</source>
        <translation>%1 (Dauer %2)</translation>
    </message>
</context>
<context>
    <name>partedit::ui::HistoryModel</name>
    <message>
        <location filename="../ui/history/history_model.cpp" line="44"/>
        <location filename="../ui/history/history_model.cpp" line="86"/>
        <source>Result %1</source>
        <translation>Ergebnis %1</translation>
    </message>
    <message>
        <location filename="../ui/history/history_model.cpp" line="120"/>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>partedit::ui::HistoryPanel</name>
    <message>
        <location filename="../ui/history/history_panel.cpp" line="53"/>
        <source>The parameters of the selected result appear here.</source>
        <translation>Hier erscheinen die Parameter des ausgewählten Ergebnisses.</translation>
    </message>
    <message>
        <location filename="../ui/history/history_panel.cpp" line="59"/>
        <source>Para&amp;meters</source>
        <translation>&amp;Parameter</translation>
    </message>
    <message>
        <location filename="../ui/history/history_panel.cpp" line="74"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location filename="../ui/history/history_panel.cpp" line="78"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::ImageCanvas</name>
    <message>
        <location filename="../ui/canvas/image_canvas.cpp" line="145"/>
        <location filename="../ui/canvas/image_canvas.cpp" line="175"/>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <location filename="../ui/canvas/image_canvas.cpp" line="176"/>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
</context>
<context>
    <name>partedit::ui::ImageDocument</name>
    <message>
        <location filename="../ui/history/image_document.cpp" line="20"/>
        <source>Untitled</source>
        <translation>Unbenannt</translation>
    </message>
</context>
<context>
    <name>partedit::ui::ImageInfoDialog</name>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="36"/>
        <source>Image Info</source>
        <translation>Bildinformationen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="51"/>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="51"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="60"/>
        <source>Prompt:</source>
        <translation>Prompt:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="61"/>
        <source>Negative prompt:</source>
        <translation>Negativ-Prompt:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="64"/>
        <source>&amp;Open Image…</source>
        <translation>Bild ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="65"/>
        <source>&amp;Copy Text</source>
        <translation>Text &amp;kopieren</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="66"/>
        <source>&amp;New Image with These Settings…</source>
        <translation>&amp;Neues Bild mit diesen Einstellungen…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="68"/>
        <source>&amp;Use for Editing</source>
        <translation>Zum &amp;Bearbeiten verwenden</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="70"/>
        <source>Put the steps, guidance, seed, t_e, ω and the edit into the Edit panel</source>
        <translation>Schritte, Guidance, Seed, t_e, ω und die Bearbeitung ins Bedienfeld „Bearbeiten“ übernehmen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="71"/>
        <source>Open New from Prompt with the prompt, negative prompt, seed, steps, guidance, sampler and size</source>
        <translation>„Neu aus Prompt“ mit Prompt, Negativ-Prompt, Seed, Schritten, Guidance, Sampler und Größe öffnen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="84"/>
        <source>Read Image Info</source>
        <translation>Bildinformationen lesen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="85"/>
        <source>Images (*.png *.jpg *.jpeg *.webp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="99"/>
        <source>Drop a PNG, JPEG or WebP here, or choose one with Open Image.</source>
        <translation>Ein PNG-, JPEG- oder WebP-Bild hierher ziehen oder mit „Bild öffnen“ auswählen.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="104"/>
        <source>This image carries text, but no generation settings:</source>
        <translation>Dieses Bild enthält Text, aber keine Generierungseinstellungen:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="105"/>
        <source>This image carries no generation parameters (it was not made by PartEdit or AUTOMATIC1111, or they were stripped).</source>
        <translation>Dieses Bild enthält keine Generierungsparameter (es wurde nicht mit PartEdit oder AUTOMATIC1111 erstellt, oder sie wurden entfernt).</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/image_info_dialog.cpp" line="118"/>
        <source>%1 (not available here: the model&apos;s own sampler is used)</source>
        <translation>%1 (hier nicht verfügbar: Der Sampler des Modells wird verwendet)</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LabelMaskImport</name>
    <message>
        <location filename="../ui/training/label_mask_import.cpp" line="210"/>
        <source>The file holds only the values 0 and 1: 1 was taken as the part.</source>
        <translation>Die Datei enthält nur die Werte 0 und 1: 1 wurde als Teil genommen.</translation>
    </message>
    <message>
        <location filename="../ui/training/label_mask_import.cpp" line="213"/>
        <source>%1 % of the pixels were neither dark nor bright; those of 50 % or more became part.</source>
        <translation>%1 % der Pixel waren weder dunkel noch hell; die mit 50 % oder mehr wurden zum Teil.</translation>
    </message>
    <message>
        <location filename="../ui/training/label_mask_import.cpp" line="224"/>
        <source>Could not read “%1”: %2</source>
        <translation>„%1“ konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/training/label_mask_import.cpp" line="230"/>
        <source>The mask is %1 × %2 pixels but the photo is %3 × %4 pixels. A mask must have exactly the size of its photo.</source>
        <translation>Die Maske ist %1 × %2 Pixel groß, das Foto aber %3 × %4 Pixel. Eine Maske muss genau so groß sein wie ihr Foto.</translation>
    </message>
    <message>
        <location filename="../ui/training/label_mask_import.cpp" line="237"/>
        <source>It looks turned by 90°: one of the two files may carry a rotation (EXIF orientation) that the other lacks.</source>
        <translation>Sie wirkt um 90° gedreht: Eine der beiden Dateien trägt vielleicht eine Drehung (EXIF-Ausrichtung), die der anderen fehlt.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LabelPickerDialog</name>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="89"/>
        <source>Choose the Part&apos;s Labels</source>
        <translation>Labels des Teils wählen</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="93"/>
        <source>This file is a label image: every colour below is one class of its dataset. Tick the labels that together make up the part, or click them in the picture.</source>
        <translation>Diese Datei ist ein Labelbild: Jede Farbe unten ist eine Klasse ihres Datensatzes. Die Labels anhaken, die zusammen das Teil bilden, oder sie im Bild anklicken.</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="105"/>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="105"/>
        <source>Pixels</source>
        <translation>Pixel</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="105"/>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="147"/>
        <source>&amp;Use as Mask</source>
        <translation>Als &amp;Maske verwenden</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="151"/>
        <source>Labels in the file:</source>
        <translation>Labels in der Datei:</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="154"/>
        <source>Labels (click to choose)</source>
        <translation>Labels (zum Wählen klicken)</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="155"/>
        <source>Resulting mask</source>
        <translation>Entstehende Maske</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="155"/>
        <source>Resulting mask on the photo</source>
        <translation>Entstehende Maske auf dem Foto</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="228"/>
        <source>Tick at least one label.</source>
        <translation>Mindestens ein Label anhaken.</translation>
    </message>
    <message>
        <location filename="../ui/training/label_picker_dialog.cpp" line="230"/>
        <source>The part covers %1 px, %2 of the image.</source>
        <translation>Das Teil bedeckt %1 px, %2 des Bildes.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LogPanel</name>
    <message>
        <location filename="../ui/widgets/status_line.cpp" line="31"/>
        <source>What PartEdit did and noticed this session appears here.</source>
        <translation>Hier erscheint, was PartEdit in dieser Sitzung getan und bemerkt hat.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::LossCurve</name>
    <message>
        <location filename="../ui/training/loss_curve.cpp" line="83"/>
        <source>The loss curve appears here while the token trains.</source>
        <translation>Die Verlustkurve erscheint hier, während das Token trainiert.</translation>
    </message>
    <message>
        <location filename="../ui/training/loss_curve.cpp" line="143"/>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <location filename="../ui/training/loss_curve.cpp" line="147"/>
        <source>loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <location filename="../ui/training/loss_curve.cpp" line="164"/>
        <source>training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <location filename="../ui/training/loss_curve.cpp" line="164"/>
        <source>validation loss</source>
        <translation>Validierungsverlust</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="43"/>
        <location filename="../ui/main_window_documents.cpp" line="163"/>
        <source>PartEdit</source>
        <translation>PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="159"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="161"/>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="182"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="227"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="231"/>
        <source>&amp;About PartEdit</source>
        <translation>Ü&amp;ber PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="232"/>
        <source>About PartEdit</source>
        <translation>Über PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="163"/>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="164"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="114"/>
        <source>Cannot open image</source>
        <translation>Bild kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="114"/>
        <source>%1 could not be read: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="49"/>
        <source>Open a photo (Ctrl+O), drop one here, or create an image from a prompt (Ctrl+N).</source>
        <translation>Foto öffnen (Strg+O), hierher ziehen oder ein Bild aus einem Prompt erstellen (Strg+N).</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="70"/>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="76"/>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="82"/>
        <source>Part Tokens</source>
        <translation>Teil-Token</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="90"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="102"/>
        <source>&amp;Apply Edit</source>
        <translation>Bearbeitung &amp;anwenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="105"/>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="109"/>
        <source>Show &amp;Mask</source>
        <translation>&amp;Maske anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="113"/>
        <source>Show the part mask as a coloured overlay (M)</source>
        <translation>Teilmaske als farbige Überlagerung anzeigen (M)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="115"/>
        <source>Show &amp;Before</source>
        <translation>Vor&amp;her anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="118"/>
        <source>Show the image before the edit (B)</source>
        <translation>Bild vor der Bearbeitung anzeigen (B)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="124"/>
        <source>&amp;Split View</source>
        <translation>&amp;Geteilte Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="127"/>
        <source>Before on the left, after on the right; drag the divider (S)</source>
        <translation>Vorher links, nachher rechts; Trennlinie ziehen (S)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="132"/>
        <source>Mask &amp;Only</source>
        <translation>&amp;Nur Maske</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="134"/>
        <source>Show the final mask alone, in grey</source>
        <translation>Nur die endgültige Maske in Grau anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="142"/>
        <source>Mask opacity</source>
        <translation>Maskendeckkraft</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="145"/>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="147"/>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="148"/>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="160"/>
        <source>&amp;New from Prompt…</source>
        <translation>&amp;Neu aus Prompt…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="169"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="170"/>
        <source>Image &amp;Info…</source>
        <translation>Bild&amp;informationen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="173"/>
        <source>&amp;Export Image…</source>
        <translation>Bild e&amp;xportieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="175"/>
        <source>Export &amp;Mask…</source>
        <translation>&amp;Maske exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="176"/>
        <source>Export Mask &amp;Overlay…</source>
        <translation>Masken&amp;überlagerung exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="178"/>
        <source>Export &amp;Step Masks…</source>
        <translation>Masken je &amp;Schritt exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="180"/>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="184"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="191"/>
        <source>&amp;Copy Image</source>
        <translation>Bild &amp;kopieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="194"/>
        <source>&amp;Paste Image</source>
        <translation>Bild &amp;einfügen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="197"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="198"/>
        <source>&amp;Fit to Window</source>
        <translation>An &amp;Fenster anpassen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="199"/>
        <source>&amp;Actual Size</source>
        <translation>&amp;Originalgröße</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="200"/>
        <source>Zoom &amp;In</source>
        <translation>&amp;Vergrößern</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="201"/>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="208"/>
        <source>&amp;Panels</source>
        <translation>&amp;Bedienfelder</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="214"/>
        <source>&amp;Log</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="228"/>
        <source>&amp;Getting Started</source>
        <translation>&amp;Erste Schritte</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="229"/>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="233"/>
        <source>&lt;h3&gt;PartEdit %1&lt;/h3&gt;&lt;p&gt;Part-level image editing with diffusion models: type “with a robotic &amp;lt;head&amp;gt;” and only that part changes.&lt;/p&gt;&lt;p&gt;Based on the paper “PartEdit: Fine-Grained Image Editing using Pre-Trained Diffusion Models”.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;PartEdit %1&lt;/h3&gt;&lt;p&gt;Gezielte Bearbeitung einzelner Bildteile mit Diffusionsmodellen: „with a robotic &amp;lt;head&amp;gt;“ eingeben, und nur dieser Teil ändert sich.&lt;/p&gt;&lt;p&gt;Basiert auf der Veröffentlichung „PartEdit: Fine-Grained Image Editing using Pre-Trained Diffusion Models“.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="300"/>
        <source>No recent files</source>
        <translation>Keine zuletzt geöffneten Dateien</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="340"/>
        <source>Model folder set: %1</source>
        <translation>Modellordner festgelegt: %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="39"/>
        <source>Nothing to export</source>
        <translation>Nichts zu exportieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="39"/>
        <source>There is no result with this image yet: apply an edit first.</source>
        <translation>Für dieses Bild gibt es noch kein Ergebnis: zuerst eine Bearbeitung anwenden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="45"/>
        <source>Cannot export</source>
        <translation>Export nicht möglich</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="45"/>
        <source>%1: choose a .png, .jpg or .webp file name.</source>
        <translation>%1: einen Dateinamen mit .png, .jpg oder .webp wählen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="62"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location filename="../ui/main_window_export.cpp" line="63"/>
        <source>PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)</source>
        <translation>PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="53"/>
        <source>Loaded %1 (%2, %3)</source>
        <translation>%1 geladen (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="65"/>
        <source>Cancelled; the previous result is unchanged.</source>
        <translation>Abgebrochen; das vorherige Ergebnis bleibt unverändert.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="68"/>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="128"/>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="46"/>
        <source>The session could not be kept: %1</source>
        <translation>Die Sitzung konnte nicht gesichert werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="102"/>
        <source>%1 — PartEdit</source>
        <translation>%1 — PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="128"/>
        <source>%1 is being worked on: cancel the run before closing it.</source>
        <translation>%1 wird gerade bearbeitet: Vor dem Schließen den Lauf abbrechen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="133"/>
        <source>Close Image</source>
        <translation>Bild schließen</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="134"/>
        <source>Close %1? Its %n result(s) have not been exported and will be removed from the history.</source>
        <translation>
            <numerusform>%1 schließen? %n Ergebnis wurde noch nicht exportiert und wird aus dem Verlauf entfernt.</numerusform>
            <numerusform>%1 schließen? %n Ergebnisse wurden noch nicht exportiert und werden aus dem Verlauf entfernt.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="140"/>
        <source>Close Without Exporting</source>
        <translation>Ohne Export schließen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="174"/>
        <source>%1 keeps its last %2 results: the oldest, “%3”, is no longer in its history (export what you want to keep).</source>
        <translation>%1 behält die letzten %2 Ergebnisse: Das älteste, „%3“, ist nicht mehr im Verlauf (exportieren Sie, was Sie behalten möchten).</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="236"/>
        <source>Restoring the last session…</source>
        <translation>Die letzte Sitzung wird wiederhergestellt…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="251"/>
        <source>The last session</source>
        <translation>Die letzte Sitzung</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="282"/>
        <source>Restored %n image(s) of the last session.</source>
        <translation>
            <numerusform>%n Bild der letzten Sitzung wiederhergestellt.</numerusform>
            <numerusform>%n Bilder der letzten Sitzung wiederhergestellt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="283"/>
        <source>%n photo(s) are no longer where they were: their history shows, new edits need the file back.</source>
        <translation>
            <numerusform>%n Foto liegt nicht mehr am bisherigen Ort: Sein Verlauf bleibt sichtbar, für neue Bearbeitungen wird die Datei wieder benötigt.</numerusform>
            <numerusform>%n Fotos liegen nicht mehr am bisherigen Ort: Ihr Verlauf bleibt sichtbar, für neue Bearbeitungen werden die Dateien wieder benötigt.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="300"/>
        <location filename="../ui/main_window_documents.cpp" line="354"/>
        <source>Quit PartEdit</source>
        <translation>PartEdit beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="306"/>
        <source>PartEdit is still working on an image.</source>
        <translation>PartEdit bearbeitet noch ein Bild.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="307"/>
        <source>Quitting stops the run first; what it has not finished is lost. Your history is kept and comes back the next time you start PartEdit.</source>
        <translation>Beim Beenden wird zuerst der Lauf angehalten; was er noch nicht abgeschlossen hat, geht verloren. Der Verlauf bleibt erhalten und ist beim nächsten Start von PartEdit wieder da.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="309"/>
        <source>Stop and Quit</source>
        <translation>Anhalten und beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="310"/>
        <source>Keep Working</source>
        <translation>Weiterarbeiten</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="312"/>
        <source>%n result(s) have not been exported.</source>
        <translation>
            <numerusform>%n Ergebnis wurde noch nicht exportiert.</numerusform>
            <numerusform>%n Ergebnisse wurden noch nicht exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="313"/>
        <source>They stay in the history, which comes back the next time you start PartEdit. Export the current image first?</source>
        <translation>Der Verlauf bleibt erhalten und ist beim nächsten Start von PartEdit wieder da. Zuerst das aktuelle Bild exportieren?</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="315"/>
        <source>Export Image…</source>
        <translation>Bild exportieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="316"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="342"/>
        <source>Stopping the run, then quitting…</source>
        <translation>Der Lauf wird angehalten, danach wird PartEdit beendet…</translation>
    </message>
    <message>
        <location filename="../ui/main_window_documents.cpp" line="355"/>
        <source>The history could not be kept for the next start: %1

Quit anyway and lose it?</source>
        <translation>Der Verlauf konnte nicht für den nächsten Start gesichert werden: %1

Trotzdem beenden und den Verlauf verlieren?</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="177"/>
        <source>Nothing to edit</source>
        <translation>Nichts zu bearbeiten</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="177"/>
        <source>Open a photo or create an image from a prompt first.</source>
        <translation>Zuerst ein Foto öffnen oder ein Bild aus einem Prompt erstellen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="181"/>
        <source>The edit cannot run</source>
        <translation>Die Bearbeitung kann nicht ausgeführt werden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="261"/>
        <source>%1 (t_e %2)</source>
        <translation>%1 (t_e %2)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="271"/>
        <source>Generated: %1</source>
        <translation>Generiert: %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="285"/>
        <source>Edited in %1</source>
        <translation>Bearbeitet in %1</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="286"/>
        <source>Generated in %1 (seed %2)</source>
        <translation>Generiert in %1 (Seed %2)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="287"/>
        <source> · the photo&apos;s inversion was reused</source>
        <translation> · die Inversion des Fotos wurde wiederverwendet</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="295"/>
        <source>The photo could not be captioned: %1 — type its description instead.</source>
        <translation>Das Foto konnte nicht automatisch beschrieben werden: %1 — stattdessen eine Beschreibung eingeben.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="299"/>
        <source>The request failed</source>
        <translation>Der Vorgang ist fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="300"/>
        <source>%1

Nothing was changed. Check the model folders in Preferences if this keeps happening.</source>
        <translation>%1

Es wurde nichts geändert. Falls dies wiederholt auftritt, die Modellordner in den Einstellungen prüfen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="82"/>
        <source>t_e moves instantly for the latest edit; apply the edit to change this one.</source>
        <translation>t_e ändert sich sofort nur für die letzte Bearbeitung; für dieses Ergebnis die Bearbeitung erneut anwenden.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="137"/>
        <source>Opened %1 (%2 × %3)</source>
        <translation>%1 geöffnet (%2 × %3)</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="146"/>
        <source>The image is damaged</source>
        <translation>Das Bild ist beschädigt</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="147"/>
        <source>%1 opened, but not all of it could be read:</source>
        <translation>%1 wurde geöffnet, konnte aber nicht vollständig gelesen werden:</translation>
    </message>
    <message>
        <location filename="../ui/main_window_runs.cpp" line="284"/>
        <source>Re-rendered with t_e %1 in %2</source>
        <translation>Mit t_e %1 in %2 neu berechnet</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="223"/>
        <source>&amp;Tools</source>
        <translation>&amp;Werkzeuge</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="224"/>
        <source>&amp;Train Part Token…</source>
        <translation>Teil-Token &amp;trainieren…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="225"/>
        <source>Teach PartEdit a new part from a few images with painted masks</source>
        <translation>PartEdit ein neues Teil beibringen, aus wenigen Bildern mit gemalten Masken</translation>
    </message>
    <message>
        <location filename="../ui/main_window_training.cpp" line="19"/>
        <location filename="../ui/main_window_training.cpp" line="28"/>
        <source>The training project cannot be opened</source>
        <translation>Das Trainingsprojekt lässt sich nicht öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_training.cpp" line="23"/>
        <source>The part token %1 is in the library: type &lt;%1&gt; in the edit box.</source>
        <translation>Das Teil-Token %1 ist in der Bibliothek: &lt;%1&gt; ins Bearbeitungsfeld tippen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_clipboard.cpp" line="23"/>
        <source>Copied the image (%1 × %2) to the clipboard</source>
        <translation>Bild (%1 × %2) in die Zwischenablage kopiert</translation>
    </message>
    <message>
        <location filename="../ui/main_window_clipboard.cpp" line="30"/>
        <source>Nothing to paste</source>
        <translation>Nichts zum Einfügen</translation>
    </message>
    <message>
        <location filename="../ui/main_window_clipboard.cpp" line="30"/>
        <source>The clipboard holds no image. Copy one in another program first.</source>
        <translation>Die Zwischenablage enthält kein Bild. Zuerst in einem anderen Programm eines kopieren.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_clipboard.cpp" line="40"/>
        <source>Cannot paste the image</source>
        <translation>Bild kann nicht eingefügt werden</translation>
    </message>
    <message>
        <location filename="../ui/main_window_clipboard.cpp" line="40"/>
        <source>%1 could not be written: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window_model.cpp" line="15"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../ui/main_window_model.cpp" line="27"/>
        <source>The model in %1 could not be loaded: %2</source>
        <translation>Das Modell in %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window_model.cpp" line="37"/>
        <source>The model is gone</source>
        <translation>Das Modell ist nicht mehr da</translation>
    </message>
    <message>
        <location filename="../ui/main_window_model.cpp" line="37"/>
        <source>%1 no longer exists; it was removed from the list.</source>
        <translation>%1 existiert nicht mehr und wurde aus der Liste entfernt.</translation>
    </message>
    <message>
        <location filename="../ui/main_window_model.cpp" line="44"/>
        <source>Model: %1 (it loads with the next run)</source>
        <translation>Modell: %1 (wird beim nächsten Lauf geladen)</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskContactSheet</name>
    <message>
        <location filename="../ui/widgets/mask_contact_sheet.cpp" line="52"/>
        <source>Step %1</source>
        <translation>Schritt %1</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskDocument</name>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="156"/>
        <source>Brush stroke</source>
        <translation>Pinselstrich</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="156"/>
        <source>Eraser stroke</source>
        <translation>Radierstrich</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="213"/>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="213"/>
        <source>Fill with background</source>
        <translation>Mit Hintergrund füllen</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="225"/>
        <source>Clear mask</source>
        <translation>Maske leeren</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="238"/>
        <source>Invert mask</source>
        <translation>Maske umkehren</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_document.cpp" line="253"/>
        <source>Import mask</source>
        <translation>Maske importieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskMatching</name>
    <message>
        <location filename="../ui/training/mask_name_matching.cpp" line="45"/>
        <source>%1 is one of the training images, not a mask.</source>
        <translation>%1 ist eines der Trainingsbilder, keine Maske.</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_name_matching.cpp" line="59"/>
        <source>%1 matches no training image by name.</source>
        <translation>%1 passt dem Namen nach zu keinem Trainingsbild.</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_name_matching.cpp" line="65"/>
        <source>%1 fits several images of the same name (%2): import it onto the right one alone.</source>
        <translation>%1 passt zu mehreren gleichnamigen Bildern (%2): allein auf das richtige importieren.</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_name_matching.cpp" line="75"/>
        <source>%1 is not used: %2 already gets %3.</source>
        <translation>%1 wird nicht verwendet: %2 erhält bereits %3.</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_name_matching.cpp" line="80"/>
        <source>%1 is not used: %2 gets %3, whose name is its own.</source>
        <translation>%1 wird nicht verwendet: %2 erhält %3, das genau seinen Namen trägt.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskPainter</name>
    <message>
        <location filename="../ui/training/mask_painter.cpp" line="131"/>
        <source>Choose a photo to paint its part on</source>
        <translation>Ein Foto wählen, um sein Teil darauf zu malen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::MaskToolBar</name>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="49"/>
        <source>Brush</source>
        <translation>Pinsel</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="49"/>
        <source>Paint the part (B); the right button erases</source>
        <translation>Das Teil malen (B); die rechte Maustaste radiert</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="51"/>
        <source>Eraser</source>
        <translation>Radierer</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="51"/>
        <source>Give pixels back to the background (E); the right button paints</source>
        <translation>Pixel dem Hintergrund zurückgeben (E); die rechte Maustaste malt</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="53"/>
        <source>Fill</source>
        <translation>Füllen</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="78"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="82"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="84"/>
        <source>Brush diameter in image pixels ([ and ])</source>
        <translation>Pinseldurchmesser in Bildpixeln ([ und ])</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="91"/>
        <source>Hardness</source>
        <translation>Härte</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="93"/>
        <source>Soft edges count as part on their inner half</source>
        <translation>Weiche Ränder zählen auf ihrer inneren Hälfte zum Teil</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="106"/>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="107"/>
        <source>Remove the whole mask of this image (undoable)</source>
        <translation>Die ganze Maske dieses Bildes entfernen (rückgängig zu machen)</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="114"/>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="115"/>
        <source>Undo the last change to this mask (Ctrl+Z)</source>
        <translation>Die letzte Änderung dieser Maske rückgängig machen (Strg+Z)</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="121"/>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="122"/>
        <source>Redo (Ctrl+Shift+Z)</source>
        <translation>Wiederholen (Strg+Umschalt+Z)</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="97"/>
        <source>Opacity</source>
        <translation>Deckkraft</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="99"/>
        <source>How strongly the mask covers the photo</source>
        <translation>Wie stark die Maske das Foto bedeckt</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="130"/>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="131"/>
        <source>Show the whole image (wheel zooms, space or middle button drags)</source>
        <translation>Das ganze Bild zeigen (Mausrad zoomt, Leertaste oder mittlere Maustaste verschiebt)</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="134"/>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="135"/>
        <source>One image pixel per screen pixel</source>
        <translation>Ein Bildpixel pro Bildschirmpixel</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="53"/>
        <source>Make the photo&apos;s area of similar colour under the cursor part (F); the right button makes it background</source>
        <translation>Macht die Fläche ähnlicher Farbe unter dem Zeiger im Foto zum Teil (F); die rechte Taste macht sie zum Hintergrund</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="65"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="67"/>
        <source>Fill tolerance: how far a colour may differ from the clicked one and still be filled (0 % = exactly that colour)</source>
        <translation>Toleranz der Füllung: wie weit eine Farbe von der angeklickten abweichen darf und noch gefüllt wird (0 % = genau diese Farbe)</translation>
    </message>
    <message>
        <location filename="../ui/training/mask_tool_bar.cpp" line="70"/>
        <source>Tolerance</source>
        <translation>Toleranz</translation>
    </message>
</context>
<context>
    <name>partedit::ui::ModelSwitcher</name>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="29"/>
        <source>Mode&amp;l:</source>
        <translation>&amp;Modell:</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="58"/>
        <source>No model chosen</source>
        <translation>Kein Modell gewählt</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="64"/>
        <source>Other Model Folder…</source>
        <translation>Anderer Modellordner…</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="102"/>
        <source>%1 · loads with the first run</source>
        <translation>%1 · wird beim ersten Lauf geladen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="104"/>
        <source>%1 · loading…</source>
        <translation>%1 · wird geladen…</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="106"/>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <location filename="../ui/widgets/model_switcher.cpp" line="109"/>
        <source>%1 · failed to load</source>
        <translation>%1 · konnte nicht geladen werden</translation>
    </message>
</context>
<context>
    <name>partedit::ui::NewImageDialog</name>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="21"/>
        <source>New Image from Prompt</source>
        <translation>Neues Bild aus Prompt</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="24"/>
        <source>a photo of a cat in a park</source>
        <translation>a photo of a cat in a park</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="29"/>
        <source>optional: what to avoid</source>
        <translation>optional: was vermieden werden soll</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="38"/>
        <source>The model&apos;s own</source>
        <translation>Standard des Modells</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="51"/>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="60"/>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="61"/>
        <source>&amp;Negative prompt:</source>
        <translation>&amp;Negativ-Prompt:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="62"/>
        <source>S&amp;eed:</source>
        <translation>S&amp;eed:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="63"/>
        <source>&amp;Steps:</source>
        <translation>&amp;Schritte:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="64"/>
        <source>&amp;Guidance:</source>
        <translation>G&amp;uidance:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="65"/>
        <source>Sa&amp;mpler:</source>
        <translation>Sa&amp;mpler:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="67"/>
        <source>Si&amp;ze:</source>
        <translation>Gr&amp;öße:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/new_image_dialog.cpp" line="71"/>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::PreferencesDialog</name>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="59"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="63"/>
        <source>Choose a Folder</source>
        <translation>Ordner auswählen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="84"/>
        <source>Welcome to PartEdit</source>
        <translation>Willkommen bei PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="84"/>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="91"/>
        <source>&lt;p&gt;&lt;b&gt;PartEdit needs a diffusion model on this computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Choose a &lt;b&gt;diffusers folder&lt;/b&gt; of Stable Diffusion XL (recommended), SD 1.x or SD 2.x: the folder that holds &lt;i&gt;model_index.json&lt;/i&gt; with &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; and &lt;i&gt;scheduler&lt;/i&gt; inside, or a &lt;b&gt;single-file checkpoint&lt;/b&gt; (&lt;i&gt;.safetensors&lt;/i&gt;, e.g. sd_xl_base_1.0.safetensors). Nothing is downloaded.&lt;/p&gt;&lt;p&gt;Optionally choose a &lt;b&gt;BLIP-2 folder&lt;/b&gt; (e.g. blip2-flan-t5-xl): PartEdit then describes photos for you before editing them. Without it you type the description.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;PartEdit benötigt ein Diffusionsmodell auf diesem Computer.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Einen &lt;b&gt;Diffusers-Ordner&lt;/b&gt; von Stable Diffusion XL (empfohlen), SD 1.x oder SD 2.x auswählen: den Ordner, der &lt;i&gt;model_index.json&lt;/i&gt; sowie &lt;i&gt;unet&lt;/i&gt;, &lt;i&gt;vae&lt;/i&gt;, &lt;i&gt;text_encoder&lt;/i&gt;, &lt;i&gt;tokenizer&lt;/i&gt; und &lt;i&gt;scheduler&lt;/i&gt; enthält, oder eine &lt;b&gt;Checkpoint-Datei&lt;/b&gt; (&lt;i&gt;.safetensors&lt;/i&gt;, z. B. sd_xl_base_1.0.safetensors). Es wird nichts heruntergeladen.&lt;/p&gt;&lt;p&gt;Optional einen &lt;b&gt;BLIP-2-Ordner&lt;/b&gt; auswählen (z. B. blip2-flan-t5-xl): PartEdit beschreibt Fotos dann vor dem Bearbeiten automatisch. Ohne ihn wird die Beschreibung von Hand eingegeben.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="102"/>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="105"/>
        <source>SDXL, SD 1.x or SD 2.x diffusers folder or .safetensors file</source>
        <translation>Diffusers-Ordner oder .safetensors-Datei von SDXL, SD 1.x oder SD 2.x</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="59"/>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="67"/>
        <source>File…</source>
        <translation>Datei…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="69"/>
        <source>A single-file checkpoint (.safetensors), as model sites share them</source>
        <translation>Eine Checkpoint-Datei (.safetensors), wie Modellseiten sie anbieten</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="72"/>
        <source>Choose a Checkpoint File</source>
        <translation>Checkpoint-Datei auswählen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="73"/>
        <source>Single-file checkpoints (*.safetensors)</source>
        <translation>Checkpoint-Dateien (*.safetensors)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="111"/>
        <source>optional: diffusers folder with the file&apos;s configs (other shapes)</source>
        <translation>optional: Diffusers-Ordner mit den Konfigurationen der Datei (andere Formen)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="113"/>
        <source>C&amp;onfig folder:</source>
        <translation>K&amp;onfigurationsordner:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="132"/>
        <source>Automatic (the fastest here)</source>
        <translation>Automatisch (die hier schnellste)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="133"/>
        <source>fp16 on a GPU; on the CPU bfloat16 where this CPU computes it natively and a short measurement finds it faster, else 32-bit</source>
        <translation>fp16 auf einer GPU; auf der CPU bfloat16, wo diese CPU es nativ rechnet und eine kurze Messung es schneller findet, sonst 32 Bit</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="137"/>
        <source>bfloat16 (half the memory, CPU and GPU)</source>
        <translation>bfloat16 (halber Speicher, CPU und GPU)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="139"/>
        <source>This CPU computes bfloat16 natively (%1).</source>
        <translation>Diese CPU rechnet bfloat16 nativ (%1).</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="140"/>
        <source>This CPU has no native bfloat16 (AVX512-BF16 or AMX): it is emulated, slower than 32-bit here.</source>
        <translation>Diese CPU hat kein natives bfloat16 (AVX512-BF16 oder AMX): Es wird emuliert und ist hier langsamer als 32 Bit.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="279"/>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="287"/>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="107"/>
        <source>&amp;Diffusion model:</source>
        <translation>&amp;Diffusionsmodell:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="115"/>
        <source>optional: BLIP-2 folder for photo captions</source>
        <translation>optional: BLIP-2-Ordner für Bildbeschreibungen</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="117"/>
        <source>&amp;Caption model:</source>
        <translation>&amp;Bildbeschreibungsmodell:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="122"/>
        <source>Computation</source>
        <translation>Berechnung</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="126"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="127"/>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA-GPU (CUDA)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="129"/>
        <source>No CUDA device is available to this build of PartEdit.</source>
        <translation>Für diesen Build von PartEdit ist kein CUDA-Gerät verfügbar.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="136"/>
        <source>32-bit float (exact, CPU and GPU)</source>
        <translation>32-Bit-Gleitkomma (exakt, CPU und GPU)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="143"/>
        <source>16-bit float (GPU, half the memory)</source>
        <translation>16-Bit-Gleitkomma (GPU, halber Speicherbedarf)</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="144"/>
        <source>De&amp;vice:</source>
        <translation>&amp;Gerät:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="145"/>
        <source>&amp;Precision:</source>
        <translation>&amp;Präzision:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="148"/>
        <source>Folders</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="152"/>
        <source>Part &amp;tokens:</source>
        <translation>&amp;Teil-Token:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="155"/>
        <source>Inversion c&amp;ache:</source>
        <translation>Inversions-&amp;Cache:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="163"/>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="180"/>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="165"/>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="167"/>
        <source>Remove every kept inversion: the next edit of each photo inverts it again.</source>
        <translation>Alle gespeicherten Inversionen entfernen: Bei der nächsten Bearbeitung wird jedes Foto erneut invertiert.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="171"/>
        <source>Cache &amp;size limit:</source>
        <translation>&amp;Maximale Cache-Größe:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="182"/>
        <source>The open images and their history come back at the next start; beyond this size the oldest results are left out.</source>
        <translation>Die geöffneten Bilder und ihr Verlauf sind beim nächsten Start wieder da; über dieser Größe werden die ältesten Ergebnisse weggelassen.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="185"/>
        <source>the oldest results are left out first</source>
        <translation>die ältesten Ergebnisse entfallen zuerst</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="186"/>
        <source>History &amp;kept between sessions:</source>
        <translation>Zwischen Sitzungen behaltener &amp;Verlauf:</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="196"/>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="218"/>
        <source>Clear the Inversion Cache</source>
        <translation>Inversions-Cache leeren</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="219"/>
        <source>Remove every kept inversion (%1)? The next edit of each photo will invert it again.</source>
        <translation>Alle gespeicherten Inversionen (%1) entfernen? Bei der nächsten Bearbeitung wird jedes Foto erneut invertiert.</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="290"/>
        <source>✓ a BLIP-2 folder</source>
        <translation>✓ ein BLIP-2-Ordner</translation>
    </message>
    <message>
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="291"/>
        <source>%1 in use</source>
        <translation>%1 belegt</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="297"/>
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
        <location filename="../ui/widgets/run_status.cpp" line="16"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="17"/>
        <location filename="../ui/widgets/run_status.cpp" line="46"/>
        <location filename="../ui/widgets/run_status.cpp" line="47"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="18"/>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="24"/>
        <source>Loading the model</source>
        <translation>Modell wird geladen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="25"/>
        <source>Captioning the photo</source>
        <translation>Foto wird beschrieben</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="26"/>
        <source>Inverting the photo</source>
        <translation>Inversion des Fotos wird berechnet</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="27"/>
        <source>Replaying the inversion</source>
        <translation>Inversion wird erneut durchlaufen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="28"/>
        <source>Generating</source>
        <translation>Wird generiert</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="29"/>
        <source>Editing</source>
        <translation>Wird bearbeitet</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="30"/>
        <source>Decoding</source>
        <translation>Wird decodiert</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="37"/>
        <source>Working</source>
        <translation>Wird verarbeitet</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="57"/>
        <location filename="../ui/widgets/run_status.cpp" line="87"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="58"/>
        <source>Stop the run within a moment; the previous result stays (Esc)</source>
        <translation>Den Lauf sofort anhalten; das vorherige Ergebnis bleibt erhalten (Esc)</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="67"/>
        <source>%1… %2</source>
        <translation>%1… %2</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="46"/>
        <location filename="../ui/widgets/run_status.cpp" line="102"/>
        <source>%1 — step %2 of %3 · %4 elapsed</source>
        <translation>%1 — Schritt %2 von %3 · %4 verstrichen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="47"/>
        <location filename="../ui/widgets/run_status.cpp" line="108"/>
        <source> · %1 left</source>
        <translation> · noch %1</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="31"/>
        <location filename="../ui/widgets/run_status.cpp" line="46"/>
        <source>Inverting and editing the photo</source>
        <translation>Inversion und Bearbeitung des Fotos laufen</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="32"/>
        <source>Preparing the training</source>
        <translation>Training wird vorbereitet</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="33"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="34"/>
        <source>Locating the part</source>
        <translation>Teil wird gesucht</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="35"/>
        <source>Compositing into the photo</source>
        <translation>Wird ins Foto eingefügt</translation>
    </message>
    <message>
        <location filename="../ui/widgets/run_status.cpp" line="55"/>
        <location filename="../ui/widgets/run_status.cpp" line="121"/>
        <location filename="../ui/widgets/run_status.cpp" line="123"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
</context>
<context>
    <name>partedit::ui::SeedField</name>
    <message>
        <location filename="../ui/widgets/seed_field.cpp" line="38"/>
        <source>random</source>
        <translation>zufällig</translation>
    </message>
    <message>
        <location filename="../ui/widgets/seed_field.cpp" line="42"/>
        <source>Roll a new seed</source>
        <translation>Neuen Seed würfeln</translation>
    </message>
</context>
<context>
    <name>partedit::ui::SessionStore</name>
    <message numerus="yes">
        <location filename="../ui/history/session_store.cpp" line="261"/>
        <source>%n result(s) of the saved session could not be read from %1 and were left out.</source>
        <translation>
            <numerusform>%n Ergebnis der gespeicherten Sitzung konnte nicht aus %1 gelesen werden und wurde weggelassen.</numerusform>
            <numerusform>%n Ergebnisse der gespeicherten Sitzung konnten nicht aus %1 gelesen werden und wurden weggelassen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>partedit::ui::StatusLine</name>
    <message>
        <location filename="../ui/widgets/status_line.cpp" line="14"/>
        <source>Warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <location filename="../ui/widgets/status_line.cpp" line="15"/>
        <source>Error: </source>
        <translation>Fehler: </translation>
    </message>
    <message>
        <location filename="../ui/widgets/status_line.cpp" line="84"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TokenPanel</name>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="30"/>
        <source>Part</source>
        <translation>Teil</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="30"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="30"/>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="30"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="39"/>
        <source>&lt;p&gt;&lt;b&gt;No part tokens yet.&lt;/b&gt; A part token teaches the editor where a part (a head, hair, a car&apos;s hood) is.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Import…&lt;/b&gt; the authors&apos; published tokens (.pt files; where to get them: &lt;i&gt;tokens/README.md&lt;/i&gt; next to the program), or a PartEdit .safetensors token.&lt;/li&gt;&lt;li&gt;Or make your own: &lt;b&gt;Tools › Train Part Token…&lt;/b&gt; with a few painted masks.&lt;/li&gt;&lt;/ul&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Noch keine Teil-Token.&lt;/b&gt; Ein Teil-Token zeigt dem Editor, wo sich ein Teil befindet (ein Kopf, Haare, die Motorhaube eines Autos).&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;Importieren…&lt;/b&gt;: die veröffentlichten Token der Autoren (.pt-Dateien; Bezugsquellen: &lt;i&gt;tokens/README.md&lt;/i&gt; neben dem Programm) oder ein PartEdit-Token (.safetensors).&lt;/li&gt;&lt;li&gt;Oder ein eigenes erstellen: &lt;b&gt;Werkzeuge › Teil-Token trainieren…&lt;/b&gt; mit ein paar gemalten Masken.&lt;/li&gt;&lt;/ul&gt;</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="47"/>
        <source>Re&amp;name…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="44"/>
        <source>Import…</source>
        <translation>Impo&amp;rtieren…</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="49"/>
        <source>Delete</source>
        <translation>Lös&amp;chen</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="51"/>
        <source>Sho&amp;w in Folder</source>
        <translation>Im &amp;Ordner anzeigen</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="64"/>
        <source>Import a Part Token</source>
        <translation>Teil-Token importieren</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="65"/>
        <source>Part tokens (*.safetensors *.pt *.pth)</source>
        <translation>Teil-Token (*.safetensors *.pt *.pth)</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="83"/>
        <source>Use in the Edit</source>
        <translation>In der Bearbeitung verwenden</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="97"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="99"/>
        <source>Cannot be used: %1</source>
        <translation>Nicht verwendbar: %1</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="119"/>
        <source>Only tokens of your own token folder can be changed here</source>
        <translation>Hier lassen sich nur Token aus Ihrem eigenen Token-Ordner ändern</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="120"/>
        <source>Give the part token another name</source>
        <translation>Dem Teil-Token einen anderen Namen geben</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="121"/>
        <source>Delete the part token&apos;s file</source>
        <translation>Die Datei des Teil-Tokens löschen</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="129"/>
        <source>Rename Part Token</source>
        <translation>Teil-Token umbenennen</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="130"/>
        <source>New name for “%1” (letters, digits and dashes, e.g. human-head):</source>
        <translation>Neuer Name für „%1“ (Buchstaben, Ziffern und Bindestriche, z. B. human-head):</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="141"/>
        <source>Delete Part Token</source>
        <translation>Teil-Token löschen</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="142"/>
        <source>Delete the part token “%1”? Its file %2 is removed; edits that name it will no longer run.</source>
        <translation>Teil-Token „%1“ löschen? Seine Datei %2 wird entfernt; Bearbeitungen, die es nennen, lassen sich dann nicht mehr ausführen.</translation>
    </message>
    <message>
        <location filename="../ui/panels/token_panel.cpp" line="46"/>
        <source>Install a part token file: PartEdit&apos;s .safetensors or the authors&apos; .pt / .pth</source>
        <translation>Eine Teil-Token-Datei installieren: .safetensors von PartEdit oder .pt / .pth der Autoren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingImagesPage</name>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="52"/>
        <source>Images and part masks</source>
        <translation>Bilder und Teilmasken</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="53"/>
        <source>Add a few images that show the part and paint the part on each. Drop images here, or import masks you already have.</source>
        <translation>Einige Bilder hinzufügen, die das Teil zeigen, und das Teil auf jedes malen. Bilder hierher ziehen oder vorhandene Masken importieren.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="64"/>
        <source>Add Images…</source>
        <translation>Bilder hinzufügen…</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="66"/>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="67"/>
        <source>Remove the image and its mask from the project (the image file stays)</source>
        <translation>Das Bild und seine Maske aus dem Projekt entfernen (die Bilddatei bleibt)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="137"/>
        <location filename="../ui/training/training_images_page.cpp" line="281"/>
        <location filename="../ui/training/training_images_page.cpp" line="311"/>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="174"/>
        <source>The image cannot be read: %1</source>
        <translation>Das Bild kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="178"/>
        <source>The saved mask does not fit this image any more; paint it again.</source>
        <translation>Die gespeicherte Maske passt nicht mehr zu diesem Bild; bitte neu malen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="227"/>
        <source>Add Training Images</source>
        <translation>Trainingsbilder hinzufügen</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/training/training_images_page.cpp" line="250"/>
        <source>%n of these images already have a painted part (%1). Replace it with the imported mask?</source>
        <translation>
            <numerusform>%n dieser Bilder hat schon einen gemalten Teil (%1). Durch die importierte Maske ersetzen?</numerusform>
            <numerusform>%n dieser Bilder haben schon einen gemalten Teil (%1). Durch die importierten Masken ersetzen?</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="257"/>
        <source>Replace</source>
        <translation>Ersetzen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="258"/>
        <source>Keep Painted Masks</source>
        <translation>Gemalte Masken behalten</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="403"/>
        <source>the image file is missing</source>
        <translation>die Bilddatei fehlt</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="404"/>
        <source>mask painted</source>
        <translation>Maske gemalt</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="405"/>
        <source>no mask yet</source>
        <translation>noch keine Maske</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="444"/>
        <source>Add images that show the part.</source>
        <translation>Bilder hinzufügen, die das Teil zeigen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="445"/>
        <source>Some image files are missing: remove them or put them back.</source>
        <translation>Einige Bilddateien fehlen: sie entfernen oder zurücklegen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="447"/>
        <source>One image still needs a mask.</source>
        <translation>Ein Bild braucht noch eine Maske.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="448"/>
        <source>%1 images still need a mask.</source>
        <translation>%1 Bilder brauchen noch eine Maske.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="458"/>
        <source>All images are masked. With 3 or more, training holds some out to measure how well the token finds the part on images it has not seen.</source>
        <translation>Alle Bilder haben eine Maske. Ab 3 Bildern hält das Training einige zurück, um zu messen, wie gut das Token das Teil auf Bildern findet, die es nicht gesehen hat.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="460"/>
        <source>%1 images, all masked: ready to train.</source>
        <translation>%1 Bilder, alle mit Maske: bereit zum Training.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="465"/>
        <source>Training images</source>
        <translation>Trainingsbilder</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="35"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="406"/>
        <source>always held out</source>
        <translation>immer zurückgehalten</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="407"/>
        <source>always trained on</source>
        <translation>immer zum Training</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="435"/>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="436"/>
        <source>Decided by the split</source>
        <translation>Nach der Aufteilung</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="437"/>
        <source>Always hold out (measure on it)</source>
        <translation>Immer zurückhalten (daran messen)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="438"/>
        <source>Always train on it</source>
        <translation>Immer damit trainieren</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="76"/>
        <source>Import Masks…</source>
        <translation>Masken importieren…</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="78"/>
        <source>Use a mask image (white or opaque = part) or a part dataset&apos;s label image such as PASCAL-Part or PartImageNet. Choose several masks at once to give each image the mask of its name (cat1.jpg takes cat1.png or cat1_mask.png).</source>
        <translation>Ein Maskenbild (weiß oder deckend = Teil) oder das Labelbild eines Teil-Datensatzes wie PASCAL-Part oder PartImageNet verwenden. Mehrere Masken auf einmal gewählt: Jedes Bild erhält die Maske seines Namens (cat1.jpg erhält cat1.png oder cat1_mask.png).</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="237"/>
        <source>Import Masks or Label Image</source>
        <translation>Masken oder Labelbild importieren</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="315"/>
        <source>%1 is a label image with several parts: import it alone, on %2, to pick the part&apos;s labels.</source>
        <translation>%1 ist ein Labelbild mit mehreren Teilen: allein auf %2 importieren, um die Labels des Teils zu wählen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="322"/>
        <source>%1 is not used: its image %2 cannot be read.</source>
        <translation>%1 wird nicht verwendet: sein Bild %2 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="327"/>
        <source>%1 (for %2): %3</source>
        <translation>%1 (für %2): %3</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="331"/>
        <source>%1 is not used: the mask of %2 could not be written.</source>
        <translation>%1 wird nicht verwendet: Die Maske von %2 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="337"/>
        <source>Imported the mask of %1.</source>
        <translation>Die Maske von %1 importiert.</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/training/training_images_page.cpp" line="338"/>
        <source>Imported the masks of %n images.</source>
        <translation>
            <numerusform>Die Maske von %n Bild importiert.</numerusform>
            <numerusform>Die Masken von %n Bildern importiert.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="367"/>
        <source>No mask was imported.</source>
        <translation>Es wurde keine Maske importiert.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="368"/>
        <source>Imported the masks of %1.</source>
        <translation>Die Masken von %1 importiert.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="371"/>
        <source>A mask is matched to its image by file name: cat1.jpg takes cat1.png, cat1_mask.png or cat1-label.png.</source>
        <translation>Eine Maske wird ihrem Bild über den Dateinamen zugeordnet: cat1.jpg erhält cat1.png, cat1_mask.png oder cat1-label.png.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_images_page.cpp" line="249"/>
        <location filename="../ui/training/training_images_page.cpp" line="373"/>
        <source>Import masks</source>
        <translation>Masken importieren</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingProject</name>
    <message>
        <location filename="../ui/training/training_project.cpp" line="63"/>
        <location filename="../ui/training/training_project.cpp" line="68"/>
        <location filename="../ui/training/training_project.cpp" line="70"/>
        <source>Could not write “%1”: %2</source>
        <translation>„%1“ konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="66"/>
        <source>the disk may be full</source>
        <translation>der Datenträger ist vielleicht voll</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="101"/>
        <source>Could not open “%1”: %2</source>
        <translation>„%1“ konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="105"/>
        <source>“%1” is damaged: %2 (at byte %3).</source>
        <translation>„%1“ ist beschädigt: %2 (bei Byte %3).</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="106"/>
        <source>“%1” is not a training project.</source>
        <translation>„%1“ ist kein Trainingsprojekt.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="109"/>
        <source>“%1”: %2</source>
        <translation>„%1“: %2</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="116"/>
        <source>The training project has no folder.</source>
        <translation>Das Trainingsprojekt hat keinen Ordner.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="119"/>
        <source>Could not create the folder “%1”.</source>
        <translation>Der Ordner „%1“ konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="148"/>
        <source>not a training project.</source>
        <translation>kein Trainingsprojekt.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="150"/>
        <source>made by a newer PartEdit (project version %1).</source>
        <translation>von einem neueren PartEdit erstellt (Projektversion %1).</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="166"/>
        <source>entry %1 has no image.</source>
        <translation>Eintrag %1 hat kein Bild.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="168"/>
        <source>entry %1 has an invalid mask file name “%2”.</source>
        <translation>Eintrag %1 hat einen ungültigen Maskendateinamen „%2“.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="170"/>
        <source>entry %1 has an unknown validation choice.</source>
        <translation>Eintrag %1 hat eine unbekannte Validierungswahl.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="194"/>
        <source>“%1” is already in this project.</source>
        <translation>„%1“ ist schon in diesem Projekt.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="195"/>
        <source>“%1” is not a file.</source>
        <translation>„%1“ ist keine Datei.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="196"/>
        <source>“%1” is not an image PartEdit can read.</source>
        <translation>„%1“ ist kein Bild, das PartEdit lesen kann.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="208"/>
        <location filename="../ui/training/training_project.cpp" line="220"/>
        <location filename="../ui/training/training_project.cpp" line="257"/>
        <source>There is no image %1 in this project.</source>
        <translation>In diesem Projekt gibt es kein Bild %1.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="215"/>
        <source>The image was removed, but its mask “%1” could not be deleted.</source>
        <translation>Das Bild wurde entfernt, aber seine Maske „%1“ konnte nicht gelöscht werden.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="258"/>
        <source>There is no mask to save.</source>
        <translation>Es gibt keine Maske zum Speichern.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_project.cpp" line="270"/>
        <source>Could not encode the mask: %1</source>
        <translation>Die Maske konnte nicht kodiert werden: %1</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingRunPage</name>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="37"/>
        <source>Train and save</source>
        <translation>Trainieren und speichern</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="38"/>
        <source>Training shows how well the token finds the part as it learns; save it when the validation map covers the part.</source>
        <translation>Das Training zeigt, wie gut das Token das Teil findet, während es lernt; speichern, sobald die Validierungskarte das Teil abdeckt.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="45"/>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="48"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="50"/>
        <source>Stop after the current step; a checkpoint keeps what was learnt</source>
        <translation>Nach dem laufenden Schritt anhalten; ein Checkpoint bewahrt das Gelernte</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="51"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="53"/>
        <source>Continue the stopped run from its checkpoint (with the same images and settings)</source>
        <translation>Den angehaltenen Lauf ab seinem Checkpoint fortsetzen (mit denselben Bildern und Einstellungen)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="54"/>
        <location filename="../ui/training/training_run_page.cpp" line="214"/>
        <source>Not started.</source>
        <translation>Nicht gestartet.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="78"/>
        <source>The token&apos;s map of a
validation image
appears here.</source>
        <translation>Die Karte des Tokens
für ein Validierungsbild
erscheint hier.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="87"/>
        <source>Validation</source>
        <translation>Validierung</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="93"/>
        <source>Loss</source>
        <translation>Verlust</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="117"/>
        <source>The training images with their masks; after training, the held-out ones are marked</source>
        <translation>Die Trainingsbilder mit ihren Masken; nach dem Training sind die zurückgehaltenen markiert</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="121"/>
        <source>Save to Library</source>
        <translation>In Bibliothek speichern</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="128"/>
        <source>Part name:</source>
        <translation>Teilname:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="179"/>
        <source>Saved to the library: type &lt;%1&gt; in the edit box.</source>
        <translation>In der Bibliothek gespeichert: &lt;%1&gt; ins Bearbeitungsfeld tippen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="197"/>
        <source>&lt;b&gt;No model is set.&lt;/b&gt; A part token is trained for one diffusion model: choose it in File ▸ Preferences…, then train.</source>
        <translation>&lt;b&gt;Es ist kein Modell eingestellt.&lt;/b&gt; Ein Teil-Token wird für ein bestimmtes Diffusionsmodell trainiert: es unter Datei ▸ Einstellungen… wählen, dann trainieren.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="200"/>
        <source>Model: %1 (%2, %3)</source>
        <translation>Modell: %1 (%2, %3)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="203"/>
        <source>Model: %1 — loaded when training starts.</source>
        <translation>Modell: %1 — wird beim Start des Trainings geladen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="309"/>
        <source>Resuming…</source>
        <translation>Wird fortgesetzt…</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="309"/>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="333"/>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="366"/>
        <source>Step %1 of %2 · %3 left</source>
        <translation>Schritt %1 von %2 · noch %3</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="367"/>
        <source>Step %1 of %2 · finishing</source>
        <translation>Schritt %1 von %2 · wird abgeschlossen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="354"/>
        <source>%1 — %2 of %3</source>
        <translation>%1 — %2 von %3</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="359"/>
        <source>The model looks at every image once; the steps are then fast.</source>
        <translation>Das Modell betrachtet jedes Bild einmal; danach sind die Schritte schnell.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="375"/>
        <source>Loss %1 at step %2 · timestep %3 · learning rate %4</source>
        <translation>Verlust %1 bei Schritt %2 · Zeitschritt %3 · Lernrate %4</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="385"/>
        <source>mIoU %1 at step %2, measured on the training images (add 3 or more images to hold some out)</source>
        <translation>mIoU %1 bei Schritt %2, gemessen auf den Trainingsbildern (ab 3 Bildern werden einige zurückgehalten)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="389"/>
        <source>mIoU %1 on the held-out images at step %2</source>
        <translation>mIoU %1 auf den zurückgehaltenen Bildern bei Schritt %2</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="393"/>
        <source>%1: the token&apos;s map in colour, your mask outlined in white.</source>
        <translation>%1: die Karte des Tokens in Farbe, die gemalte Maske weiß umrandet.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="406"/>
        <source>Trained %1 steps. Name the part and save it to the library.</source>
        <translation>%1 Schritte trainiert. Das Teil benennen und in der Bibliothek speichern.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="412"/>
        <source>Replace the part token?</source>
        <translation>Teil-Token ersetzen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="413"/>
        <source>The library already has a part token “%1” (%2). Replace it with the new one?</source>
        <translation>Die Bibliothek hat schon ein Teil-Token „%1“ (%2). Durch das neue ersetzen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="218"/>
        <location filename="../ui/training/training_run_page.cpp" line="427"/>
        <source>Stopped at step %1 of %2. Resume continues from the checkpoint.</source>
        <translation>Bei Schritt %1 von %2 angehalten. „Fortsetzen“ macht ab dem Checkpoint weiter.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="430"/>
        <source>Stopped before the first checkpoint.</source>
        <translation>Vor dem ersten Checkpoint angehalten.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="440"/>
        <source>Training failed: %1</source>
        <translation>Training fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="443"/>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="108"/>
        <location filename="../ui/training/training_run_page.cpp" line="405"/>
        <source>(held out)</source>
        <translation>(zurückgehalten)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="216"/>
        <source>A stopped run is kept at its checkpoint. Resume continues it.</source>
        <translation>Ein angehaltener Lauf ist im Checkpoint erhalten. „Fortsetzen“ macht weiter.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="220"/>
        <source>Trained %1 steps before. Resume brings the token back to save it; Train continues or starts over.</source>
        <translation>Zuvor %1 Schritte trainiert. „Fortsetzen“ holt das Token zum Speichern zurück; „Trainieren“ trainiert weiter oder beginnt neu.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="251"/>
        <source>The token has been trained for %1 steps. Continue training it for %2 more steps (%3 in all), or start over from the beginning?</source>
        <translation>Das Token wurde %1 Schritte trainiert. %2 Schritte weitertrainieren (%3 insgesamt) oder von vorn beginnen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="257"/>
        <source>The last run stopped at step %1 of %2. Continue it from there, or start over from the beginning?</source>
        <translation>Der letzte Lauf hielt bei Schritt %1 von %2 an. Dort weitermachen oder von vorn beginnen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="261"/>
        <source>A stopped run is kept at its checkpoint. Continue it, or start over from the beginning?</source>
        <translation>Ein angehaltener Lauf ist im Checkpoint erhalten. Weitermachen oder von vorn beginnen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="262"/>
        <source>Starting over discards the trained token: it is not saved in the library.</source>
        <translation>Ein Neubeginn verwirft das trainierte Token: Es ist nicht in der Bibliothek gespeichert.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="263"/>
        <source>Continue or start over?</source>
        <translation>Weitermachen oder neu beginnen?</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="265"/>
        <source>Continue Training</source>
        <translation>Weitertrainieren</translation>
    </message>
    <message>
        <location filename="../ui/training/training_run_page.cpp" line="267"/>
        <source>Start Over</source>
        <translation>Neu beginnen</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingSettings</name>
    <message>
        <location filename="../ui/worker/engine_types.cpp" line="63"/>
        <source>Name the part.</source>
        <translation>Das Teil benennen.</translation>
    </message>
    <message>
        <location filename="../ui/worker/engine_types.cpp" line="65"/>
        <source>Use lower-case letters and digits, words joined by “-”, e.g. cat-ear.</source>
        <translation>Kleinbuchstaben und Ziffern verwenden, Wörter mit „-“ verbunden, z. B. cat-ear.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingSettingsPage</name>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="57"/>
        <source>Part name and training</source>
        <translation>Teilname und Training</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="58"/>
        <source>Name the part as you will type it in the edit box, then choose how long to train.</source>
        <translation>Das Teil so benennen, wie es ins Bearbeitungsfeld getippt wird, dann wählen, wie lange trainiert wird.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="62"/>
        <source>e.g. cat-ear</source>
        <translation>z. B. cat-ear</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="66"/>
        <source>Fast: cached queries</source>
        <translation>Schnell: zwischengespeicherte Queries</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="67"/>
        <source>Exact: the paper&apos;s training (much slower)</source>
        <translation>Exakt: das Training des Papers (viel langsamer)</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="68"/>
        <source>Fast runs the model once per image and then only optimises the token; exact runs the model at every step</source>
        <translation>Schnell führt das Modell einmal pro Bild aus und optimiert danach nur das Token; exakt führt das Modell bei jedem Schritt aus</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="73"/>
        <source>Optimisation steps; the paper trains 1000–2000</source>
        <translation>Optimierungsschritte; das Paper trainiert 1000–2000</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="77"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="78"/>
        <source>Share of the images held out to measure the token on images it does not train on</source>
        <translation>Anteil der Bilder, die zurückgehalten werden, um das Token auf Bildern zu messen, auf denen es nicht trainiert</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="90"/>
        <source>Part name:</source>
        <translation>Teilname:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="92"/>
        <source>Mode:</source>
        <translation>Modus:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="93"/>
        <source>Steps:</source>
        <translation>Schritte:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="94"/>
        <source>Held out for validation:</source>
        <translation>Zur Validierung zurückgehalten:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="98"/>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="115"/>
        <source>The rate training starts with: %1 for SGD (the paper&apos;s), %2 for Adam. Choosing an optimizer sets its rate unless you typed your own.</source>
        <translation>Die Rate, mit der das Training beginnt: %1 für SGD (die des Papers), %2 für Adam. Die Wahl eines Optimierers setzt seine Rate, sofern Sie keine eigene eingegeben haben.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="117"/>
        <source>SGD is the paper&apos;s optimizer (rate %1); Adam needs a far smaller rate (%2). Choosing one sets its rate unless you typed your own.</source>
        <translation>SGD ist der Optimierer des Papers (Rate %1); Adam braucht eine viel kleinere Rate (%2). Die Wahl setzt seine Rate, sofern Sie keine eigene eingegeben haben.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="111"/>
        <source>SGD</source>
        <translation>SGD</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="112"/>
        <source>Adam</source>
        <translation>Adam</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="123"/>
        <source>Model timesteps HIGH:LOW, inclusive (0–999); 600:400 are the middle of a 50-step run</source>
        <translation>Modell-Zeitschritte HOCH:TIEF, einschließlich (0–999); 600:400 sind die Mitte eines Laufs mit 50 Schritten</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="130"/>
        <source>Draws the token&apos;s start, the noise, the split and the timesteps: same seed, same token</source>
        <translation>Bestimmt den Startwert des Tokens, das Rauschen, die Aufteilung und die Zeitschritte: gleicher Seed, gleiches Token</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="134"/>
        <source> steps</source>
        <translation> Schritte</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="135"/>
        <source>Restore Defaults</source>
        <translation>Standardwerte</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="141"/>
        <source>Learning rate:</source>
        <translation>Lernrate:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="142"/>
        <source>Optimizer:</source>
        <translation>Optimierer:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="143"/>
        <source>Timesteps (high:low):</source>
        <translation>Zeitschritte (hoch:tief):</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="144"/>
        <source>Timestep stride:</source>
        <translation>Zeitschritt-Abstand:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="145"/>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="146"/>
        <source>Validate every:</source>
        <translation>Validieren alle:</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="246"/>
        <source>Write the timesteps as HIGH:LOW, e.g. 600:400.</source>
        <translation>Die Zeitschritte als HOCH:TIEF schreiben, z. B. 600:400.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="248"/>
        <source>The timesteps must satisfy 999 ≥ HIGH ≥ LOW ≥ 0.</source>
        <translation>Für die Zeitschritte muss 999 ≥ HOCH ≥ TIEF ≥ 0 gelten.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="249"/>
        <source>Give a seed (any whole number).</source>
        <translation>Einen Seed angeben (eine beliebige ganze Zahl).</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="258"/>
        <source>One of the %1 images is held out; training uses the others.</source>
        <translation>Eines der %1 Bilder wird zurückgehalten; das Training nutzt die anderen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="259"/>
        <source>%1 of the %2 images are held out; training uses the others.</source>
        <translation>%1 der %2 Bilder werden zurückgehalten; das Training nutzt die anderen.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="260"/>
        <source>No image is held out: validation measures the training images.</source>
        <translation>Kein Bild wird zurückgehalten: Die Validierung misst auf den Trainingsbildern.</translation>
    </message>
    <message>
        <location filename="../ui/training/training_settings_page.cpp" line="257"/>
        <source>Every image is chosen to be held out; let at least one be trained on.</source>
        <translation>Alle Bilder sind zum Zurückhalten gewählt; mindestens eines muss zum Training bleiben.</translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingWizard</name>
    <message>
        <location filename="../ui/training/training_wizard.cpp" line="18"/>
        <source>Train Part Token</source>
        <translation>Teil-Token trainieren</translation>
    </message>
    <message>
        <location filename="../ui/training/training_wizard.cpp" line="22"/>
        <location filename="../ui/training/training_wizard.cpp" line="23"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../ui/training/training_wizard.cpp" line="123"/>
        <source>Training project</source>
        <translation>Trainingsprojekt</translation>
    </message>
</context>
</TS>
