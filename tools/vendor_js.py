"""Fetch the JavaScript the HTML book serves itself, so it works with no network.

By default a Jupyter Book page loads Vega, Vega-Lite, Vega-Embed (Altair charts), the
ipywidgets HTML manager and MathJax from CDNs; offline those charts, widgets and
equations fail.  This script puts them into ``book_assets/vendor/``, which
``_config.yml`` serves as a static path:

* Vega, Vega-Lite and Vega-Embed as one file, ``vega/vega-bundle.js``, from
  ``vl_convert.javascript_bundle`` (vl-convert-python, pinned in requirements.txt), for the
  Vega-Lite version of Altair's schema, so the page's JavaScript always matches the specs
  Altair writes; the bundle is wrapped in a function so that its minified top-level names
  stay out of the page's global scope (it sets ``window.vegaEmbed``, ``vega``, ``vegaLite``);
* the widget manager and MathJax from pinned npm releases, fetched with ``npm pack`` (no
  ``node_modules``), each tarball checked against its pinned sha512 integrity.

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
                "tools/vendor_js.py: `npm` was not found. The HTML book serves the "
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


def _vega_bundle() -> str:
    """Write Vega, Vega-Lite and Vega-Embed as one script, for Altair's Vega-Lite version."""
    try:
        import altair as alt
        import vl_convert
    except ImportError as exc:
        sys.exit(
            f"tools/vendor_js.py: {exc.name} is missing; run it with the course's environment "
            "(`make assets` uses .venv/bin/python; `pip install -r requirements.txt` elsewhere)."
        )
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if major_minor not in vl_convert.get_vegalite_versions():
        sys.exit(
            f"tools/vendor_js.py: vl-convert {vl_convert.__version__} has no Vega-Lite {major_minor} "
            f"(Altair {alt.__version__}'s schema); it has {vl_convert.get_vegalite_versions()}"
        )
    bundle = vl_convert.javascript_bundle(vl_version=major_minor)
    target = VENDOR / "vega" / "vega-bundle.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    banner = (
        f"/* Vega {vl_convert.get_vega_version()}, Vega-Lite {major_minor}, Vega-Embed "
        f"{vl_convert.get_vega_embed_version()} (BSD-3-Clause, the Vega project), bundled by "
        f"vl-convert {vl_convert.__version__} for Altair {alt.__version__}. */\n"
    )
    target.write_text(banner + "(function () {\n" + bundle + "\n})();\n", encoding="utf-8")
    return (
        f"vega@{vl_convert.get_vega_version()} vega-lite@{major_minor} "
        f"vega-embed@{vl_convert.get_vega_embed_version()} (vl-convert {vl_convert.__version__})"
    )


def main() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    vega = _vega_bundle()
    for name, version, integrity, files in PACKAGES:
        _extract(_tarball(name, version, integrity), files)
    pins = "\n".join([vega, *(f"{name}@{version}" for name, version, _, _ in PACKAGES)])
    STAMP.write_text(pins + "\n")
    size = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(f"book_assets/vendor: {size / 1e6:.1f} MB of JavaScript served with the book")


if __name__ == "__main__":
    main()
