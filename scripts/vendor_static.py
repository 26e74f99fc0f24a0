#!/usr/bin/env python3
"""Vendor the front-end packages into static/vendor/ from the npm registry.

Pinned versions; ``npm pack`` checks each tarball against the registry's integrity hash.
Only the files the pages use are copied: the minified CSS and JS, and every font and image
that the CSS refers to. Run it again after changing a version, and commit the result.

The packages' ``sourceMappingURL`` comments are removed: the maps are not vendored, and
``collectstatic`` with the manifest storage (production) fails on a reference to a missing
file.
"""

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
USWDS = "@uswds/uswds@3.14.0"
HTMX = "htmx.org@2.0.11"
# ``//# sourceMappingURL=...`` (JS) and ``/*# sourceMappingURL=... */`` (CSS), on their own line.
SOURCE_MAP = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def strip_source_map(path: Path) -> None:
    """Drop the trailing source map reference of a minified file (the map is not vendored)."""
    text = path.read_text(encoding="utf-8")
    stripped = SOURCE_MAP.sub("\n", text)
    if stripped != text:
        path.write_text(stripped, encoding="utf-8")


def pack(spec: str, workdir: Path) -> Path:
    name = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True,
        text=True,
    ).stdout.strip().splitlines()[-1]
    target = workdir / spec.replace("/", "_").replace("@", "_")
    with tarfile.open(workdir / name) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor_uswds(workdir: Path) -> None:
    package = pack(USWDS, workdir)
    dist = package / "dist"
    out = VENDOR / "uswds"
    shutil.rmtree(out, ignore_errors=True)
    css = (dist / "css" / "uswds.min.css").read_text()
    wanted = {"css/uswds.min.css", "js/uswds.min.js", "js/uswds-init.min.js",
              "img/sprite.svg", "img/us_flag_small.png", "img/icon-dot-gov.svg",
              "img/icon-https.svg", "img/favicons/favicon.ico"}
    for ref in re.findall(r"url\(([^)]+)\)", css):
        ref = ref.strip("\"'")
        if ref.startswith("../"):
            wanted.add(ref.removeprefix("../").split("?")[0].split("#")[0])
    for relative in sorted(wanted):
        source = dist / relative
        if not source.exists():
            raise SystemExit(f"{USWDS} has no {relative}")
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        if target.suffix in {".css", ".js"}:
            strip_source_map(target)
    shutil.copy2(package / "LICENSE.md", out / "LICENSE.md")
    print(f"{USWDS}: {len(wanted)} files in {out.relative_to(ROOT)}")


def vendor_htmx(workdir: Path) -> None:
    package = pack(HTMX, workdir)
    out = VENDOR / "htmx"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copy2(package / "dist" / "htmx.min.js", out / "htmx.min.js")
    strip_source_map(out / "htmx.min.js")
    shutil.copy2(package / "LICENSE", out / "LICENSE")
    print(f"{HTMX}: htmx.min.js in {out.relative_to(ROOT)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        vendor_uswds(Path(tmp))
        vendor_htmx(Path(tmp))
    (VENDOR / "VERSIONS").write_text(f"{USWDS}\n{HTMX}\n")


if __name__ == "__main__":
    main()
