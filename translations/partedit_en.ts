<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>partedit::ui::MainWindow</name>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="131"/>
        <source>Close %1? Its %n result(s) have not been exported and will be removed from the history.</source>
        <translation><numerusform>Close %1? Its result has not been exported and will be removed from the history.</numerusform><numerusform>Close %1? Its %n results have not been exported and will be removed from the history.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="262"/>
        <source>Restored %n image(s) of the last session.</source>
        <translation><numerusform>Restored %n image of the last session.</numerusform><numerusform>Restored %n images of the last session.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="263"/>
        <source>%n photo(s) are no longer where they were: their history shows, new edits need the file back.</source>
        <translation><numerusform>%n photo is no longer where it was: its history shows, new edits need the file back.</numerusform><numerusform>%n photos are no longer where they were: their history shows, new edits need the file back.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/main_window_documents.cpp" line="292"/>
        <source>%n result(s) have not been exported.</source>
        <translation><numerusform>%n result has not been exported.</numerusform><numerusform>%n results have not been exported.</numerusform></translation>
    </message>
</context>
<context>
    <name>partedit::ui::PreferencesDialog</name>
    <message numerus="yes">
        <location filename="../ui/dialogs/preferences_dialog.cpp" line="288"/>
        <source>%n inversion(s) removed</source>
        <translation><numerusform>%n inversion removed</numerusform><numerusform>%n inversions removed</numerusform></translation>
    </message>
</context>
<context>
    <name>partedit::ui::SessionStore</name>
    <message numerus="yes">
        <location filename="../ui/history/session_store.cpp" line="261"/>
        <source>%n result(s) of the saved session could not be read from %1 and were left out.</source>
        <translation><numerusform>%n result of the saved session could not be read from %1 and was left out.</numerusform><numerusform>%n results of the saved session could not be read from %1 and were left out.</numerusform></translation>
    </message>
</context>
<context>
    <name>partedit::ui::TrainingImagesPage</name>
    <message numerus="yes">
        <location filename="../ui/training/training_images_page.cpp" line="250"/>
        <source>%n of these images already have a painted part (%1). Replace it with the imported mask?</source>
        <translation><numerusform>%n of these images already has a painted part (%1). Replace it with the imported mask?</numerusform><numerusform>%n of these images already have a painted part (%1). Replace them with the imported masks?</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/training/training_images_page.cpp" line="338"/>
        <source>Imported the masks of %n images.</source>
        <translation><numerusform>Imported the mask of %n image.</numerusform><numerusform>Imported the masks of %n images.</numerusform></translation>
    </message>
</context>
</TS>
