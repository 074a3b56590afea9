"""The printed handout: Chromium prints the offline file and the present page (A4
and Letter) as a title page, one page per step with its map, and the sources;
the pages are looked at with poppler's pdfinfo and pdftoppm."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from mapapp import load
from mapapp.cli import cli

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not shutil.which("pdftoppm"), reason="needs poppler-utils (setup.sh e2e)"
    ),
]

STEPS = len(load.read_tours()[0].tours["default"].steps)


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def assert_one_page_per_step(pdf: Path) -> None:
    """Title page, then exactly one page per step, then the sources (on any number)."""
    total = pages(pdf)
    assert total >= STEPS + 2, total
    for number in range(1, STEPS + 2):
        text = subprocess.run(
            ["pdftotext", "-f", str(number + 1), "-l", str(number + 1), str(pdf), "-"],
            capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        first = "Sources" if number == STEPS + 1 else f"Step {number} / {STEPS}"
        assert text.startswith(first), (number + 1, text[:80])


def picture(pdf: Path, page: int, out: Path) -> Image.Image:
    """Render one page as PNG (pdftoppm) and return it."""
    stem = out / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), "-png",
         "-singlefile", str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return Image.open(f"{stem}.png").convert("RGB")


def border_pixels(image: Image.Image) -> int:
    """Count the pixels close to the 1962 line's colour (#7a0019)."""
    import numpy as np

    rgb = np.asarray(image, dtype=int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((abs(r - 0x7A) < 40) & (g < 60) & (b < 70)).sum())


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_offline_file_prints_a_page_per_step(page, page_log, tmp_path, paper):
    out = tmp_path / "tour.html"
    result = CliRunner().invoke(
        cli, ["export", "--format", "html", "--tour", "default", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page.goto(out.as_uri())
    page.wait_for_function("() => !!document.querySelector('.handout')")
    pdf = tmp_path / f"handout-{paper}.pdf"
    page.pdf(path=str(pdf), format=paper, print_background=True)
    assert_one_page_per_step(pdf)  # title, the steps, the sources
    title = picture(pdf, 1, tmp_path)
    assert border_pixels(title) == 0  # words only, no map
    step = picture(pdf, 7, tmp_path)
    assert border_pixels(step) > 50  # the step's map with the 1962 line
    text = subprocess.run(
        ["pdftotext", "-f", "7", "-l", "7", str(pdf), "-"],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert f"Step 6 / {STEPS}" in text and "Source:" in text
    page_log.checked = True  # a file:// page


def test_printing_the_present_page_gives_the_handout(app, page, page_log, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{app.url}/present?tour=default&step=3")
    page.get_by_text(f"Step 3 of {STEPS}").wait_for(timeout=90_000)
    page.wait_for_function(
        "(n) => document.querySelectorAll('.handout section').length === n",
        arg=STEPS + 2,
        timeout=30_000,
    )  # drawn at the end of the page's run
    page.emulate_media(media="print")
    pdf = tmp_path / "present.pdf"
    page.pdf(path=str(pdf), format="Letter", print_background=True)
    assert_one_page_per_step(pdf)
    assert border_pixels(picture(pdf, 2, tmp_path)) > 50
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "guided tour" in first and "Next" not in first  # no buttons printed
    page_log.assert_clean()
