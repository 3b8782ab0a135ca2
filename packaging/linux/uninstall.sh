#!/bin/sh
# Removes the LegalAid program that install.sh installed. The data folder (the database, its
# key, settings and backups) stays where it is: delete it yourself only if you mean to.
set -eu
share="${XDG_DATA_HOME:-$HOME/.local/share}"
app="$HOME/.local/opt/LegalAid"
rm -f "$share/applications/legalaid.desktop" "$share/icons/hicolor/256x256/apps/legalaid.png"
if [ "$(readlink "$HOME/.local/bin/legalaid" 2>/dev/null)" = "$app/legalaid" ]; then
  rm -f "$HOME/.local/bin/legalaid"
fi
rm -rf "$app"
echo "LegalAid desinstalado / uninstalled."
echo "Sus datos siguen en / Your data is still in: $share/LegalAid"
