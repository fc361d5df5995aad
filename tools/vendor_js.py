"""Fetch the JavaScript the HTML book serves itself, so it works with no network.

By default a Jupyter Book page loads Vega, Vega-Lite, Vega-Embed (Altair charts), the
ipywidgets HTML manager and MathJax from CDNs; offline those charts, widgets and
equations fail.  This script fetches pinned releases of them from the npm registry
with ``npm pack`` (no ``node_modules``), checks each tarball against its pinned
sha512 integrity, and copies just the files the book needs into
``book_assets/vendor/``, which ``_config.yml`` serves as a static path.

Run it through ``make assets`` (the book and test commands do so).  Tarballs are kept
in ``book_assets/cache/`` so a second run needs no network.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "book_assets" / "cache"
VENDOR = ROOT / "book_assets" / "vendor"
STAMP = VENDOR / ".complete"

# name, version, sha512 integrity (as npm prints it), files: tarball path -> vendor path.
# Directories (ending in "/") are copied whole; each package.json travels along as the
# record of the package's licence and version.
PACKAGES: list[tuple[str, str, str, dict[str, str]]] = [
    (
        "vega",
        "6.4.0",
        "sha512-rHXCq2LpEWCLMjXBEj7hocY9G0/i5TGYRayGGSj06VTF4+l2IG2Z7oeZKCjWbUh/7hTE/mVhbaOPB72wCElh6g==",
        {"build/vega.min.js": "vega/vega.min.js", "package.json": "vega/vega.package.json"},
    ),
    (
        "vega-lite",
        "6.4.1",
        "sha512-KO3ybHNouRK4A0al/+2fN9UqgTEfxrd/ntGLY933Hg5UOYotDVQdshR3zn7OfXwQ7uj0W96Vfa5R+QxO8am3IQ==",
        {"build/vega-lite.min.js": "vega/vega-lite.min.js", "package.json": "vega/vega-lite.package.json"},
    ),
    (
        "vega-embed",
        "7.3.0",
        "sha512-wQ8s5GaSzqoKgmRfbRolgBrjE2CP7ZKHXqH7NijxMqPjpdWxSs4Dn8tvp9g0giQvh2cK+3p56sxjWWM0wNngGw==",
        {"build/vega-embed.min.js": "vega/vega-embed.min.js", "package.json": "vega/vega-embed.package.json"},
    ),
    (
        "@jupyter-widgets/html-manager",
        "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        {"dist/": "widgets/", "package.json": "widgets/html-manager.package.json"},
    ),
    (
        "mathjax",
        "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        {
            "es5/tex-mml-chtml.js": "mathjax/tex-mml-chtml.js",
            "es5/output/chtml/fonts/woff-v2/": "mathjax/output/chtml/fonts/woff-v2/",
            "es5/input/tex/extensions/": "mathjax/input/tex/extensions/",
            "es5/ui/": "mathjax/ui/",
            "es5/a11y/": "mathjax/a11y/",
            "package.json": "mathjax/mathjax.package.json",
        },
    ),
]

SKIP_SUFFIXES = (".map", ".d.ts")
# The widget manager comes in an AMD build (needs require.js, which clashes with
# Vega's UMD bundles on the same page) and a standalone one: we serve the standalone.
SKIP_FILES = ("embed-amd.js", "libembed-amd.js")


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _tarball(name: str, version: str, integrity: str) -> Path:
    """Return the verified tarball of ``name@version``, fetching it with npm if needed."""
    CACHE.mkdir(parents=True, exist_ok=True)
    filename = f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    path = CACHE / filename
    if not path.exists() or _integrity(path) != integrity:
        npm = shutil.which("npm")
        if npm is None:
            sys.exit(
                "tools/vendor_js.py: `npm` was not found. The HTML book serves Vega, the "
                "ipywidgets manager and MathJax itself so it works offline, and fetches "
                "them once from the npm registry. Install Node.js (which brings npm), e.g. "
                "`apt-get install nodejs npm`, then run `make assets` again."
            )
        subprocess.run(
            [npm, "pack", f"{name}@{version}", "--pack-destination", str(CACHE), "--silent"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    actual = _integrity(path)
    if actual != integrity:
        path.unlink(missing_ok=True)
        sys.exit(
            f"tools/vendor_js.py: {filename} does not match its pinned integrity "
            f"(expected {integrity}, got {actual}); the download was removed, run again."
        )
    return path


def _extract(tarball: Path, files: dict[str, str]) -> None:
    with tarfile.open(tarball) as tar:
        members = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}
        for source, target in files.items():
            chosen = (
                {k: v for k, v in members.items() if k.startswith(source)}
                if source.endswith("/")
                else {source: members[source]}
            )
            if not chosen:
                sys.exit(f"tools/vendor_js.py: {source} is missing from {tarball.name}")
            for inner, member in chosen.items():
                if inner.endswith(SKIP_SUFFIXES) or inner.rsplit("/", 1)[-1] in SKIP_FILES:
                    continue
                relative = inner[len(source):] if source.endswith("/") else ""
                destination = VENDOR / target / relative if relative else VENDOR / target
                destination.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                destination.write_bytes(extracted.read())


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    for name, version, integrity, files in PACKAGES:
        _extract(_tarball(name, version, integrity), files)
    pins = "\n".join(f"{name}@{version}" for name, version, _, _ in PACKAGES)
    STAMP.write_text(pins + "\n")
    size = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(f"book_assets/vendor: {size / 1e6:.1f} MB of JavaScript served with the book")


if __name__ == "__main__":
    main()
