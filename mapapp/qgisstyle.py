"""QGIS layer styles (QML) for the GeoPackage, so that it opens styled as the app is.

The events and routes are coloured by kind (the app's colours,
:data:`mapapp.style.KIND_COLOURS`), the border is solid where it is certain and dashed
where it is not, the uncertain zones are hatched and the places are small dark dots.
QGIS reads the styles from the file's ``layer_styles`` table (see
:func:`mapapp.gpkg.layers`) and applies each layer's default style on loading.
"""

from __future__ import annotations

from html import escape

from mapapp.style import KIND_COLOURS, KIND_LABELS

BORDER_COLOUR = "#7a0019"
QML_HEAD = (
    "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    '<qgis version="3.28.0" styleCategories="Symbology">\n'
)


def rgba(colour: str, alpha: int = 255) -> str:
    """Return ``#rrggbb`` as QGIS writes a colour: ``r,g,b,a``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{alpha}"


def _options(**values: str) -> str:
    inner = "".join(
        f'<Option type="QString" name="{k}" value="{escape(v)}"/>'
        for k, v in values.items()
    )
    return f'<Option type="Map">{inner}</Option>'


def _symbol(name: str, geometry: str, colour: str, dashed: bool = False) -> str:
    """Return one QML symbol: a dot, a line (solid or dashed) or a hatched fill."""
    if geometry == "marker":
        layer = "SimpleMarker"
        options = _options(
            name="circle",
            color=rgba(colour),
            size="2.6",
            outline_color="255,255,255,255",
            outline_width="0.3",
        )
    elif geometry == "line":
        layer = "SimpleLine"
        options = _options(
            line_color=rgba(colour),
            line_width="0.8",
            line_style="dash" if dashed else "solid",
            capstyle="round",
        )
    else:
        layer = "SimpleFill"
        options = _options(
            color=rgba(colour, 90),
            style="b_diagonal",
            outline_color=rgba(colour),
            outline_style="dot",
        )
    return (
        f'<symbol type="{geometry}" name="{name}" alpha="1" clip_to_extent="1" '
        f'force_rhr="0"><layer class="{layer}" enabled="1" pass="0" locked="0">'
        f"{options}</layer></symbol>"
    )


def categorized(field: str, geometry: str, classes: list[tuple[str, str, str]]) -> str:
    """Return a QML style colouring features by the value of ``field``.

    ``classes`` are ``(value, label, colour)``; a value written ``dashed:…`` in the
    colour draws that class's lines dashed.
    """
    categories, symbols = [], []
    for i, (value, label, colour) in enumerate(classes):
        dashed = colour.startswith("dashed:")
        categories.append(
            f'<category render="true" value="{escape(value)}" symbol="{i}" '
            f'label="{escape(label)}"/>'
        )
        symbols.append(
            _symbol(str(i), geometry, colour.removeprefix("dashed:"), dashed)
        )
    return (
        f"{QML_HEAD}"
        f'<renderer-v2 type="categorizedSymbol" attr="{field}" symbollevels="0" '
        f'enableorderby="0" forceraster="0">'
        f"<categories>{''.join(categories)}</categories>"
        f"<symbols>{''.join(symbols)}</symbols></renderer-v2></qgis>\n"
    )


def single(geometry: str, colour: str) -> str:
    """Return a QML style drawing every feature with one symbol."""
    return (
        f'{QML_HEAD}<renderer-v2 type="singleSymbol" symbollevels="0" '
        f'enableorderby="0" forceraster="0"><symbols>{_symbol("0", geometry, colour)}'
        f"</symbols></renderer-v2></qgis>\n"
    )


def styles() -> dict[str, tuple[str, str]]:
    """Return ``{layer: (style name, QML)}`` for the styled layers of the GeoPackage."""
    kinds = [(k, KIND_LABELS[k], c) for k, c in KIND_COLOURS.items()]
    return {
        "events": ("Kinds of event", categorized("kind", "marker", kinds)),
        "routes": ("Kinds of event", categorized("kind", "line", kinds)),
        "border_1962": (
            "Certainty of the 1962 line",
            categorized(
                "certainty",
                "line",
                [
                    ("certain", "Certain", BORDER_COLOUR),
                    ("uncertain", "Uncertain", f"dashed:{BORDER_COLOUR}"),
                ],
            ),
        ),
        "uncertain_zones": ("Where the line is not known", single("fill", "#7a0019")),
        "places": ("Places", single("marker", "#333333")),
    }
