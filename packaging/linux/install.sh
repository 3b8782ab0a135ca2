#!/bin/sh
# Installs LegalAid for the person running it, without administrator rights and without the
# internet: the application folder goes to ~/.local/opt/LegalAid, the `legalaid` command to
# ~/.local/bin, and LegalAid appears in the applications menu.
# Running a newer version's install.sh updates it in place. The data folder
# (~/.local/share/LegalAid: the database, its key, settings, backups) is never touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/LegalAid/legalaid" ]; then src="$here/LegalAid"; else src="$here"; fi
[ -x "$src/legalaid" ] || { echo "LegalAid: no application folder beside $0" >&2; exit 1; }
share="${XDG_DATA_HOME:-$HOME/.local/share}"
app="$HOME/.local/opt/LegalAid"
[ "$src" = "$app" ] && { echo "LegalAid is already installed in $app"; exit 0; }

mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$share/applications" \
  "$share/icons/hicolor/256x256/apps"
# The new version is copied beside the old one, then swapped in: an interrupted copy leaves
# the installed version as it was.
rm -rf "$app.new" "$app.old"
cp -R "$src" "$app.new"
if [ -d "$app" ]; then mv "$app" "$app.old"; fi
mv "$app.new" "$app"
rm -rf "$app.old"

ln -sf "$app/legalaid" "$HOME/.local/bin/legalaid"
cp "$app/legalaid.png" "$share/icons/hicolor/256x256/apps/legalaid.png"
sed "s|@APP@|$app|g" "$app/legalaid.desktop" > "$share/applications/legalaid.desktop"
chmod 644 "$share/applications/legalaid.desktop"
command -v update-desktop-database >/dev/null 2>&1 \
  && update-desktop-database -q "$share/applications" 2>/dev/null || true

echo "LegalAid $("$app/legalaid" --version | sed 's/^LegalAid //') instalado / installed: $app"
echo "Ábralo desde el menú de aplicaciones / Open it from the applications menu: LegalAid"
