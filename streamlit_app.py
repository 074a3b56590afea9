"""The map app (placeholder until the map issue lands): shows what the data holds."""

from __future__ import annotations

import streamlit as st

from mapapp import io, validate
from mapapp.errors import MapAppError

st.set_page_config(page_title="Ili–Tacheng 1962", layout="wide")
st.title("The 1962 Ili–Tacheng exodus")


@st.cache_data
def load_summary() -> tuple[dict, list[str]]:
    """Read and check the bundled data once per server."""
    data, problems = io.read_dataset()
    problems += validate.check(data)
    return validate.summary(data), [str(p) for p in problems]


try:
    summary, problems = load_summary()
except MapAppError as exc:
    st.error(str(exc))
    st.stop()
if problems:
    st.error("The bundled data has problems:\n\n" + "\n\n".join(problems[:20]))
st.write(
    f"{summary['events']} events, {summary['sources']} sources, "
    f"{summary['places']} places. The map is being built."
)
