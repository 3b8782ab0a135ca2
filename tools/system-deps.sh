#!/usr/bin/env sh
# Debian/Ubuntu libraries that the PySide6 wheels load but do not ship, and python3-venv;
# binutils for PyInstaller (make dist), xvfb and xdotool for the bundle's test (a real window);
# postgresql and postgresql-contrib (unaccent, pg_trgm) for the office-server tests (tests/server).
# Installs only what is missing (apt-get, with sudo when not root). Elsewhere it does nothing.
set -eu
command -v dpkg-query >/dev/null 2>&1 || exit 0
want="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
libxcb-xinerama0 libxcb-randr0 libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6
binutils xvfb xauth xdotool postgresql postgresql-contrib"
py=${PYTHON:-python3}
if ! "$py" -c "import ensurepip, venv" >/dev/null 2>&1; then
  ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  want="$want python$ver-venv"
fi
missing=""
for pkg in $want; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
echo "Installing system libraries:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
