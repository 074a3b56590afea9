"""Vendor the Leaflet assets the map needs into ``static/vendor/``, reproducibly.

The app must render with no internet, so every script, stylesheet, image and font
that the map loads is served by Streamlit itself (``[server] enableStaticServing``).
This script fetches each pinned npm package with ``npm pack``, checks the tarball
against the sha256 pinned below, copies only the files the map loads (with the images
their CSS points at) and the package's licence file into
``static/vendor/<package>/``, rewrites any absolute URL inside the vendored CSS to a
relative one, and writes ``static/vendor/MANIFEST.json``.

Usage::

    .venv/bin/python scripts/vendor_assets.py           # (re)write static/vendor/
    .venv/bin/python scripts/vendor_assets.py --check   # rebuild in a temp dir and
                                                        # compare byte for byte

Needs ``npm`` and the npm registry. ``mapapp/assets.py`` maps folium's CDN URLs to
the paths written here; change both together.

Why these packages and not folium's other defaults: the map draws with GeoJson,
CircleMarker, PolyLine, Popup, PolyLineTextPath, Fullscreen and MarkerCluster.
jQuery stays because folium's ``Popup`` and ``Map.keep_in_front`` call ``$``.
Bootstrap, the Bootstrap 3 glyphicons, Font Awesome and Leaflet.awesome-markers
serve only ``folium.Icon`` (awesome markers), which the app does not use; they are
not vendored and ``mapapp.assets.localise`` refuses maps that need them.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
MANIFEST = "MANIFEST.json"


@dataclass(frozen=True)
class Package:
    """One pinned npm package and the files taken from it.

    Parameters
    ----------
    name : str
        The npm package name; also the folder under ``static/vendor/``.
    version : str
        The exact version.
    sha256 : str
        sha256 of the tarball that ``npm pack`` writes (the registry's own bytes).
    licence : str
        SPDX identifier of the licence.
    licence_file : str
        Path of the licence text inside the package (without ``package/``).
    files : dict[str, str]
        Path inside the package (without ``package/``) -> path under the package's
        vendor folder.
    """

    name: str
    version: str
    sha256: str
    licence: str
    licence_file: str
    files: dict[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        """Return ``name@version`` as npm takes it."""
        return f"{self.name}@{self.version}"

    @property
    def tarball(self) -> str:
        """Return the file name ``npm pack`` gives the tarball."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


PACKAGES: tuple[Package, ...] = (
    Package(
        name="leaflet",
        version="1.9.3",
        sha256="10d016716b56048661eaf9cde004dc82e80bd3613b52c4f53cf5aec73088006c",
        licence="BSD-2-Clause",
        licence_file="LICENSE",
        files={
            "dist/leaflet.js": "leaflet.js",
            "dist/leaflet.css": "leaflet.css",
            "dist/images/layers.png": "images/layers.png",
            "dist/images/layers-2x.png": "images/layers-2x.png",
            "dist/images/marker-icon.png": "images/marker-icon.png",
            "dist/images/marker-icon-2x.png": "images/marker-icon-2x.png",
            "dist/images/marker-shadow.png": "images/marker-shadow.png",
        },
    ),
    Package(
        name="jquery",
        version="3.7.1",
        sha256="68a9f787516da47c680e09c187bcbac4536b6f85d90eb882844e12919e583f53",
        licence="MIT",
        licence_file="LICENSE.txt",
        files={"dist/jquery.min.js": "jquery.min.js"},
    ),
    Package(
        name="leaflet.fullscreen",
        version="3.0.0",
        sha256="b19f191d11fc2e6afbb75af9e79cb923087a630e4c35a565353d756ed6c1c77a",
        licence="MIT",
        licence_file="LICENSE",
        # The package ships no .min.js; folium's URL gets one minified on the fly
        # by the CDN. The unminified file is 7.9 kB, so we serve it as it is.
        files={
            "Control.FullScreen.js": "Control.FullScreen.js",
            "Control.FullScreen.css": "Control.FullScreen.css",
            "icon-fullscreen.svg": "icon-fullscreen.svg",
        },
    ),
    Package(
        name="leaflet-textpath",
        version="1.2.3",
        sha256="7fff84073792f983bc2b621e1f07312ad3e93a56f21f03e13f404aa3aacde2bd",
        licence="MIT",
        licence_file="LICENSE",
        # No .min.js in the package either (see leaflet.fullscreen).
        files={"leaflet.textpath.js": "leaflet.textpath.js"},
    ),
    Package(
        name="leaflet.markercluster",
        version="1.1.0",
        sha256="47219016d91e524b329a0fb2365961bf8228109bb58e370ad0b1ab6299288b91",
        licence="MIT",
        licence_file="MIT-LICENCE.txt",
        files={
            "dist/leaflet.markercluster.js": "leaflet.markercluster.js",
            "dist/MarkerCluster.css": "MarkerCluster.css",
            "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css",
        },
    ),
)

# url(...) and @import "..." in CSS; group 2 is the URL without quotes.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
# CDN URLs of a file inside an npm package: jsdelivr, unpkg, cdnjs.
_CDN_PATTERNS = (
    re.compile(r"^(?:https?:)?//cdn\.jsdelivr\.net/npm/(?P<pkg>(?:@[^/]+/)?[^/@]+)@(?P<ver>[^/]+)/(?P<path>.+)$"),
    re.compile(r"^(?:https?:)?//unpkg\.com/(?P<pkg>(?:@[^/]+/)?[^/@]+)@(?P<ver>[^/]+)/(?P<path>.+)$"),
    re.compile(r"^(?:https?:)?//cdnjs\.cloudflare\.com/ajax/libs/(?P<pkg>[^/]+)/(?P<ver>[^/]+)/(?P<path>.+)$"),
)  # fmt: skip


class VendorError(Exception):
    """Vendoring cannot go on: a bad tarball, a missing file, an unmappable URL."""


def sha256(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def npm_pack(packages: tuple[Package, ...], dest: Path) -> dict[str, bytes]:
    """Fetch the tarballs with ``npm pack`` into ``dest`` and check their sha256.

    A fresh npm cache inside ``dest`` is used, so the bytes come from the registry
    and not from whatever the machine's cache holds.

    Parameters
    ----------
    packages : tuple[Package, ...]
        What to fetch.
    dest : Path
        An empty, writable directory.

    Returns
    -------
    dict[str, bytes]
        Package name -> tarball bytes.

    Raises
    ------
    VendorError
        If npm is missing or fails, or a tarball's sha256 is not the pinned one.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not on PATH (Debian: apt-get install npm)")
    cmd = [
        npm, "pack", *(p.spec for p in packages), "--pack-destination", str(dest),
        "--cache", str(dest / ".npm-cache"), "--ignore-scripts", "--silent",
        "--no-audit", "--no-fund", "--loglevel", "error",
    ]  # fmt: skip
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise VendorError(f"npm pack failed ({run.returncode}):\n{run.stderr.strip()}")
    out: dict[str, bytes] = {}
    for p in packages:
        data = (dest / p.tarball).read_bytes()
        got = sha256(data)
        if got != p.sha256:
            raise VendorError(
                f"{p.spec}: tarball sha256 is {got}, pinned {p.sha256}; "
                "refusing to vendor it (update the pin only after checking why)"
            )
        out[p.name] = data
    return out


def rewrite_css(css: str, pkg: Package, css_path: str) -> str:
    """Rewrite absolute and CDN URLs in a vendored stylesheet to relative paths.

    A URL that points at a file of the same package and version on jsdelivr, unpkg
    or cdnjs becomes the relative path of the vendored copy of that file. Relative
    URLs must name a vendored file. Fragments (``#default#VML``) and ``data:`` URIs
    are left alone. Any other absolute URL is an error, so that no stylesheet can
    make the browser leave the server.

    Parameters
    ----------
    css : str
        The stylesheet text.
    pkg : Package
        The package it comes from.
    css_path : str
        Its path under the package's vendor folder.

    Returns
    -------
    str
        The rewritten stylesheet.

    Raises
    ------
    VendorError
        On an absolute URL we cannot map, or a relative URL to a file not vendored.
    """
    by_source = dict(pkg.files)
    vendored = set(pkg.files.values())
    here = posixpath.dirname(css_path)

    def fix(url: str) -> str:
        if url.startswith(("#", "data:")):
            return url
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE):
            for pat in _CDN_PATTERNS:
                m = pat.match(url)
                if m and m["pkg"] == pkg.name and m["ver"] == pkg.version:
                    path = m["path"].split("?")[0].split("#")[0]
                    target = by_source.get(path) or by_source.get(f"dist/{path}")
                    if target:
                        return posixpath.relpath(target, here or ".")
            raise VendorError(f"{pkg.spec} {css_path}: cannot vendor URL {url!r}")
        target = posixpath.normpath(posixpath.join(here, url.split("?")[0]))
        if target not in vendored:
            raise VendorError(
                f"{pkg.spec} {css_path}: refers to {url!r}, which is not vendored; "
                "add it to the package's files"
            )
        return url

    css = _CSS_URL.sub(lambda m: f"url({m[1]}{fix(m[2])}{m[1]})", css)
    return _CSS_IMPORT.sub(lambda m: f"@import {m[1]}{fix(m[2])}{m[1]}", css)


def extract(pkg: Package, tarball: bytes) -> dict[str, bytes]:
    """Take the package's files and licence out of its tarball.

    Parameters
    ----------
    pkg : Package
        The package.
    tarball : bytes
        Its verified tarball.

    Returns
    -------
    dict[str, bytes]
        Path under ``static/vendor/`` -> content (CSS already rewritten).

    Raises
    ------
    VendorError
        If a listed file is missing from the tarball.
    """
    wanted = {**pkg.files, pkg.licence_file: posixpath.basename(pkg.licence_file)}
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            # npm tarballs put everything under one top folder, usually package/.
            inner = member.name.split("/", 1)[1] if "/" in member.name else ""
            if inner in wanted:
                fh = tar.extractfile(member)
                assert fh is not None
                found[inner] = fh.read()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise VendorError(f"{pkg.spec}: not in the tarball: {', '.join(missing)}")
    out: dict[str, bytes] = {}
    for src, dst in wanted.items():
        data = found[src]
        if dst.endswith(".css"):
            data = rewrite_css(data.decode("utf-8"), pkg, dst).encode("utf-8")
        out[f"{pkg.name}/{dst}"] = data
    return out


def build(packages: tuple[Package, ...], workdir: Path) -> dict[str, bytes]:
    """Build the whole vendor tree in memory.

    Parameters
    ----------
    packages : tuple[Package, ...]
        The pinned packages.
    workdir : Path
        An empty scratch directory for ``npm pack``.

    Returns
    -------
    dict[str, bytes]
        Path under ``static/vendor/`` -> content, including ``MANIFEST.json``.
    """
    tarballs = npm_pack(packages, workdir)
    tree: dict[str, bytes] = {}
    entries = []
    for pkg in packages:
        files = extract(pkg, tarballs[pkg.name])
        tree.update(files)
        entries.append(
            {
                "package": pkg.name,
                "version": pkg.version,
                "licence": pkg.licence,
                "licence_file": f"{pkg.name}/{posixpath.basename(pkg.licence_file)}",
                "tarball": pkg.tarball,
                "sha256": pkg.sha256,
                "files": {
                    path: {"bytes": len(data), "sha256": sha256(data)}
                    for path, data in sorted(files.items())
                },
            }
        )
    manifest = {
        "about": (
            "Leaflet assets served by the app itself so that the map needs no "
            "internet. Written by scripts/vendor_assets.py; do not edit by hand."
        ),
        "packages": entries,
        "total_bytes": sum(len(d) for d in tree.values()),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    tree[MANIFEST] = text.encode("utf-8")
    return tree


def read_tree(root: Path) -> dict[str, bytes]:
    """Return every file under ``root`` as relative POSIX path -> content."""
    if not root.is_dir():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_tree(tree: dict[str, bytes], root: Path) -> None:
    """Replace ``root`` with exactly the files of ``tree``."""
    if root.exists():
        shutil.rmtree(root)
    for path, data in sorted(tree.items()):
        dest = root / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def compare(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """List the differences between a fresh build and the committed tree."""
    problems = []
    for path in sorted(set(expected) | set(actual)):
        if path not in actual:
            problems.append(f"missing from static/vendor: {path}")
        elif path not in expected:
            problems.append(f"not produced by the script: {path}")
        elif expected[path] != actual[path]:
            problems.append(f"differs: {path}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the script; return the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary directory and compare with static/vendor/",
    )
    parser.add_argument(
        "--dest", type=Path, default=VENDOR, help="vendor folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="vendor-assets-") as tmp:
            tree = build(PACKAGES, Path(tmp))
    except VendorError as exc:
        print(f"vendor_assets: {exc}", file=sys.stderr)
        return 1
    if args.check:
        problems = compare(tree, read_tree(args.dest))
        for line in problems:
            print(f"vendor_assets --check: {line}", file=sys.stderr)
        if problems:
            print(
                "run scripts/vendor_assets.py to refresh static/vendor/",
                file=sys.stderr,
            )
            return 1
        print(f"vendor_assets --check: {args.dest} matches ({len(tree)} files)")
        return 0
    write_tree(tree, args.dest)
    total = sum(len(d) for d in tree.values())
    print(f"vendor_assets: wrote {len(tree)} files, {total:,} bytes, to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
