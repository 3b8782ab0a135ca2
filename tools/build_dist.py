"""Build LegalAid as one application folder with PyInstaller, pack it, and smoke-test it.

    python tools/build_dist.py                 # build for this machine into dist/, and pack it
    python tools/build_dist.py --smoke         # ... then run the bundled command line
    python tools/build_dist.py --cache --json  # reuse a build of the same sources (the tests)

The same steps on every system; only the packing differs: Linux a .tar.gz (the folder, an
install script and a desktop entry), Windows an Inno Setup installer (ISCC), macOS a .dmg
(hdiutil). The build is made from the package as pip installs it (a staging folder with the
compiled catalogs, babel's merged data, the fonts and reference data), never from the source
tree, so the bundle finds everything where an installed LegalAid does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "legalaid.spec"
# What the bundle is made of: a change in any of these makes a new build.
SOURCES = ("legalaid", "ui", "locales", "resources", "packaging")
# README.md is installed too (the package's description) but changes nothing in the bundle.
SOURCE_FILES = ("pyproject.toml", "setup.py", "tools/build_dist.py")
SKIPPED = ("__pycache__", ".pyc", ".mo", ".pickle")
CACHE = ROOT / "build" / "bundle-cache"
SYSTEM = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
# The test passphrase of the smoke test's throwaway home (never a real one).
SMOKE_PASSPHRASE = "frase de prueba del paquete"


def version() -> str:
    for line in (ROOT / "legalaid" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("legalaid/__init__.py has no __version__")


def machine() -> str:
    name = platform.machine().lower()
    return {"amd64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}.get(name, name)


def source_files() -> list[Path]:
    files = [ROOT / name for name in SOURCE_FILES]
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_file() and not any(part in rel for part in SKIPPED):
                files.append(path)
    return files


def source_key() -> str:
    """A hash of the sources, the packaging, the interpreter and the tools that build it."""
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name in ("pyinstaller", "pyinstaller-hooks-contrib", "PySide6"):
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    digest.update(f"{sys.version}\0{sys.platform}\0{machine()}".encode())
    return digest.hexdigest()[:16]


def run(cmd: list[str], **kwargs: object) -> None:
    """Run a build step; its output goes to stderr (stdout is this script's answer)."""
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    subprocess.run([str(c) for c in cmd], check=True, stdout=sys.stderr, **kwargs)  # type: ignore[call-overload]


def stage(work: Path) -> Path:
    """Install LegalAid (not its dependencies: those come from this environment) into a
    staging folder, from a copy of the sources, so the build leaves the source tree as it was."""
    src, target = work / "src", work / "stage"
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "babel")
    for folder in ("legalaid", "ui", "locales", "resources"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--no-deps", "--no-compile", "--target", target, src])
    return target


def icon(work: Path) -> tuple[Path, Path]:
    """The application icon as PNG (Linux, the .dmg) and ICO (Windows), drawn here: a dark
    blue rounded square with a white calendar page and a red mark on one day."""
    from PIL import Image, ImageDraw

    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, size - 8, size - 8), radius=48, fill=(24, 62, 120, 255))
    draw.rounded_rectangle((52, 64, 204, 204), radius=14, fill=(255, 255, 255, 255))
    draw.rectangle((52, 64, 204, 100), fill=(200, 40, 40, 255))
    for x in (84, 172):
        draw.rounded_rectangle((x - 6, 48, x + 6, 80), radius=6, fill=(230, 230, 230, 255))
    for row in range(3):
        for col in range(4):
            x, y = 66 + col * 36, 114 + row * 30
            box = (x, y, x + 22, y + 18)
            fill = (200, 40, 40, 255) if (row, col) == (1, 2) else (150, 165, 190, 255)
            draw.rectangle(box, fill=fill)
    png, ico = work / "legalaid.png", work / "legalaid.ico"
    image.save(png)
    image.save(
        ico, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    )
    return png, ico


def freeze(staged: Path, work: Path, out: Path, icon_file: Path) -> Path:
    """PyInstaller: the application folder out/LegalAid (and out/LegalAid.app on macOS)."""
    env = {**os.environ, "LEGALAID_STAGE": str(staged), "LEGALAID_ICON": str(icon_file)}
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            SPEC,
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            out,
            "--workpath",
            work / "pyinstaller",
        ],
        env=env,
    )
    return out / "LegalAid"


def pack_linux(folder: Path, png: Path, out: Path, level: int = 6) -> Path:
    """LegalAid-VERSION-linux-ARCH.tar.gz: the folder, an icon, a desktop entry and the scripts
    that put them in the person's menu (install.sh) and take them out (uninstall.sh)."""
    name = f"LegalAid-{version()}-linux-{machine()}"
    shutil.copy2(png, folder / "legalaid.png")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(PACKAGING / "linux" / script, folder / script)
        (folder / script).chmod(0o755)
    shutil.copy2(PACKAGING / "linux" / "legalaid.desktop", folder / "legalaid.desktop")
    target = out / f"{name}.tar.gz"

    def owned_by_nobody(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    with tarfile.open(target, "w:gz", compresslevel=level) as tar:
        tar.add(folder, arcname=f"{name}/LegalAid", filter=owned_by_nobody)
        tar.add(folder / "install.sh", arcname=f"{name}/install.sh", filter=owned_by_nobody)
    return target


def iscc() -> str | None:
    found = shutil.which("iscc") or shutil.which("ISCC")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        candidate = Path(base or "/nonexistent") / "Inno Setup 6" / "ISCC.exe"
        if candidate.is_file():
            return str(candidate)
    return None


def pack_windows(folder: Path, ico: Path, out: Path) -> Path:
    """LegalAid-VERSION-windows-ARCH-setup.exe, made by Inno Setup from packaging/windows."""
    compiler = iscc()
    if compiler is None:
        raise SystemExit("Inno Setup (ISCC.exe) is needed to make the Windows installer")
    name = f"LegalAid-{version()}-windows-{machine()}-setup"
    run(
        [
            compiler,
            f"/DAppVersion={version()}",
            f"/DSourceDir={folder}",
            f"/DIconFile={ico}",
            f"/DOutputDir={out}",
            f"/DOutputName={name}",
            PACKAGING / "windows" / "legalaid.iss",
        ]
    )
    return out / f"{name}.exe"


def pack_macos(app: Path, out: Path) -> Path:
    """LegalAid-VERSION-macos-ARCH.dmg: the app beside a link to /Applications."""
    name = f"LegalAid-{version()}-macos-{machine()}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "LegalAid"
        folder.mkdir()
        run(["ditto", app, folder / app.name])
        (folder / "Applications").symlink_to("/Applications")
        target = out / f"{name}.dmg"
        target.unlink(missing_ok=True)
        run(
            [
                "hdiutil",
                "create",
                "-volname",
                "LegalAid",
                "-srcfolder",
                folder,
                "-ov",
                "-format",
                "UDZO",
                target,
            ]
        )
    return target


def command_path(out: Path) -> Path:
    """The bundled command line."""
    if SYSTEM == "windows":
        return out / "LegalAid" / "legalaid-cli.exe"
    if SYSTEM == "macos":
        return out / "LegalAid.app" / "Contents" / "MacOS" / "legalaid"
    return out / "LegalAid" / "legalaid"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build(out: Path, work: Path, *, pack: bool = True, level: int = 6) -> dict[str, object]:
    """``level``: the .tar.gz's compression (the tests' cached build packs faster, at 1)."""
    started = time.perf_counter()
    shutil.rmtree(out / "LegalAid", ignore_errors=True)
    shutil.rmtree(out / "LegalAid.app", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    png, ico = icon(work)
    staged = stage(work)
    folder = freeze(staged, work, out, ico if SYSTEM == "windows" else png)
    frozen = time.perf_counter()
    packed: Path | None = None
    if pack:
        if SYSTEM == "windows":
            packed = pack_windows(folder, ico, out)
        elif SYSTEM == "macos":
            packed = pack_macos(out / "LegalAid.app", out)
        else:
            packed = pack_linux(folder, png, out, level)
    done = time.perf_counter()
    return {
        "version": version(),
        "system": SYSTEM,
        "folder": str(folder),
        "command": str(command_path(out)),
        "packed": str(packed) if packed else None,
        "folder_bytes": folder_size(folder),
        "packed_bytes": packed.stat().st_size if packed else None,
        "build_seconds": round(frozen - started, 1),
        "pack_seconds": round(done - frozen, 1),
    }


def cached_build() -> dict[str, object]:
    """The build of the current sources under build/bundle-cache/KEY, made once: repeated test
    runs reuse it; a change of any source, of the packaging or of the tools makes a new one
    (and the older builds are removed)."""
    key = source_key()
    home = CACHE / key
    record = home / "build.json"
    if record.is_file():
        found = json.loads(record.read_text(encoding="utf-8"))
        found["reused"] = True
        return found
    if CACHE.is_dir():
        for old in CACHE.iterdir():
            shutil.rmtree(old, ignore_errors=True)
    result = build(home / "dist", home / "work", level=1)
    shutil.rmtree(home / "work", ignore_errors=True)
    result["key"] = key
    record.write_text(json.dumps(result, indent=1), encoding="utf-8")
    result["reused"] = False
    return result


def smoke(command: Path) -> None:
    """Run the bundled command line as a person would, on a throwaway home, with no Python on
    PATH and Qt offscreen: --version, demo, reminders (a PDF whose Spanish accents must come
    out as text) and backup. The CI of Windows and macOS runs this on the built bundle."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        secret = base / "passphrase.txt"
        secret.write_text(SMOKE_PASSPHRASE, encoding="utf-8")
        empty = base / "bin"
        empty.mkdir()
        env = {
            "PATH": str(empty),
            "HOME": str(base),
            "USERPROFILE": str(base),
            "LANG": "es_MX.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "LEGALAID_PASSPHRASE_FILE": str(secret),
            "TMPDIR": str(base),
            "TEMP": str(base),
            "TMP": str(base),
        }
        if SYSTEM == "windows":  # Windows' own libraries need these to start at all
            env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
            env["LOCALAPPDATA"] = str(base / "AppData" / "Local")
        home = base / "home"

        def legalaid(*args: str) -> str:
            cmd = [str(command), "--home", str(home), "--lang", "es", *args]
            done = subprocess.run(cmd, env=env, capture_output=True, encoding="utf-8", timeout=300)
            print("+", *args, "->", done.returncode, done.stdout.strip()[:300], file=sys.stderr)
            if done.returncode != 0:
                raise SystemExit(f"{args} failed: {done.stderr}")
            return done.stdout

        version_out = subprocess.run(
            [str(command), "--version"], env=env, capture_output=True, encoding="utf-8", timeout=120
        )
        if version_out.stdout.strip() != f"LegalAid {version()}":
            raise SystemExit(f"--version said {version_out.stdout!r} {version_out.stderr!r}")
        legalaid("demo", "--cases", "50")
        today = time.strftime("%Y-%m-%d")
        end = time.strftime("%Y-%m-%d", time.localtime(time.time() + 300 * 86400))
        letters = base / "recordatorios.pdf"
        legalaid("reminders", "--from", today, "--to", end, "-o", str(letters))
        text = "".join(page.extract_text() for page in PdfReader(letters).pages[:3])
        for word in ("Recordatorio de audiencia", "PRESÉNTESE EN LA GARITA", "Número A"):
            if word not in text:
                raise SystemExit(f"the reminder PDF lacks {word!r}: {text[:400]!r}")
        (base / "copia").mkdir()
        legalaid("backup", "-o", str(base / "copia"))
        if not any((base / "copia").iterdir()):
            raise SystemExit("backup wrote nothing")
    print("smoke test passed", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: dist/")
    parser.add_argument("--no-pack", action="store_true", help="only the application folder")
    parser.add_argument("--smoke", action="store_true", help="then smoke-test the bundle")
    parser.add_argument(
        "--smoke-only",
        type=Path,
        metavar="COMMAND",
        help="only smoke-test this installed command (legalaid, legalaid-cli.exe)",
    )
    parser.add_argument("--cache", action="store_true", help="reuse build/bundle-cache/KEY")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--key", action="store_true", help="print the sources' key and stop")
    args = parser.parse_args()
    if args.key:
        print(source_key())
        return 0
    if args.smoke_only:
        smoke(args.smoke_only)
        return 0
    if args.cache:
        result = cached_build()
    else:
        result = build(args.out, ROOT / "build" / "dist-work", pack=not args.no_pack)
    if args.smoke:
        smoke(Path(str(result["command"])))
    if args.json:
        print(json.dumps(result))
    else:
        mb = 1024 * 1024
        print(f"application folder: {result['folder']} ({int(result['folder_bytes']) / mb:.0f} MB)")
        if result.get("packed"):
            print(f"packed: {result['packed']} ({int(result['packed_bytes']) / mb:.0f} MB)")
        print(f"build {result['build_seconds']} s, packing {result['pack_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
