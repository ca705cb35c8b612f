<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>partedit::ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="22"/>
        <source>PartEdit</source>
        <translation>PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="28"/>
        <source>Open an image (Ctrl+O) to begin.</source>
        <translation>Öffnen Sie ein Bild (Strg+O), um zu beginnen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="34"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="39"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="40"/>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="43"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="45"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="46"/>
        <source>&amp;About PartEdit</source>
        <translation>Ü&amp;ber PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="47"/>
        <source>About PartEdit</source>
        <translation>Über PartEdit</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="48"/>
        <source>PartEdit %1
Part-level image editing with diffusion models.</source>
        <translation>PartEdit %1
Bildbearbeitung auf Ebene einzelner Teile mit Diffusionsmodellen.</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="54"/>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="55"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="64"/>
        <source>Cannot open image</source>
        <translation>Bild kann nicht geöffnet werden</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="64"/>
        <source>%1 could not be read: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="68"/>
        <source>%1 — %2 × %3</source>
        <translation>%1 — %2 × %3</translation>
    </message>
</context>
</TS>
