; Inno Setup 6 script: LegalAid's Windows installer, from the PyInstaller folder.
; tools/build_dist.py runs it as
;   ISCC /DAppVersion=0.1.0 /DSourceDir=dist\LegalAid /DIconFile=legalaid.ico
;        /DOutputDir=dist /DOutputName=LegalAid-0.1.0-windows-x86_64-setup legalaid.iss
;
; Installs for the current user (no administrator rights: shelter laptops often have none)
; into %LOCALAPPDATA%\Programs\LegalAid, with a Start menu entry and an uninstaller. The data
; folder (%LOCALAPPDATA%\LegalAid\LegalAid: the database, its key, settings, backups) is
; written by the program, not by this installer, so the uninstaller leaves it alone, and
; installing a newer version over an older one keeps it.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\LegalAid"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef OutputName
  #define OutputName "LegalAid-setup"
#endif

[Setup]
; The same AppId for every version: a newer installer updates the installed one.
AppId={{6F0C2B1E-4C1D-4E0B-9D55-3E4C7A1B9F21}
AppName=LegalAid
AppVersion={#AppVersion}
AppVerName=LegalAid {#AppVersion}
AppPublisher=LegalAid
DefaultDirName={autopf}\LegalAid
DefaultGroupName=LegalAid
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename={#OutputName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
UninstallDisplayIcon={app}\LegalAid.exe
UninstallDisplayName=LegalAid {#AppVersion}
; A running LegalAid is asked to close before its files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "es"; MessagesFile: "compiler:Languages\Spanish.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; The previous version's program files (never the data, which lives elsewhere): a module
; removed in the new version must not stay behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\LegalAid"; Filename: "{app}\LegalAid.exe"
Name: "{group}\{cm:UninstallProgram,LegalAid}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\LegalAid"; Filename: "{app}\LegalAid.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\LegalAid.exe"; Description: "{cm:LaunchProgram,LegalAid}"; Flags: nowait postinstall skipifsilent
