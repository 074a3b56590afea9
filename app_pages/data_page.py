"""The data page: load your own events (CSV or GeoJSON), see what was kept and why not.

The file is read, checked row by row, checked against the bundled records and
geocoded (:mod:`mapapp.userdata`); the accepted rows are mapped, beside or instead
of the bundled events, and every rejected row is
listed with its line, field and reason. A run that is stopped half-way (the
browser's Stop, or another upload) keeps nothing: the session's data changes only
when the whole file has been handled.
"""

from __future__ import annotations

import streamlit as st

from app_pages import nav
from app_pages.loaded import (
    current,
    data_token,
    drop_upload,
    keep_upload,
    kept_uploads,
    load,
    upload_store,
    with_user_data,
)
from mapapp import export, importer, io, userdata
from mapapp.detail import count, md_escape
from mapapp.errors import DataError
from mapapp.model import EVENT_KINDS

LIMIT_MB = io.MAX_BYTES // (1024 * 1024)
KIND_LIST = ", ".join(f"`{k}`" for k in EVENT_KINDS)
REQUIRED_LIST = ", ".join(f"`{c}`" for c in importer.REQUIRED)
BESIDE, INSTEAD = "Beside the bundled events", "Instead of the bundled events"


def _bundled_csv() -> str:
    """Return the bundled events in the export's CSV, which imports as it is."""
    bundled = load()
    ids = [ev.id for ev in bundled.data.events]
    return export.build("csv", bundled.data, bundled.located, ids, {})


def _formats() -> None:
    st.markdown(
        f"""
Load a **CSV** or **GeoJSON** file of events (UTF-8, at most {LIMIT_MB} MB). The
smallest CSV has this header:
"""
    )
    st.code(",".join(importer.HEADER), language=None)
    st.caption("One line: on a narrow screen, scroll it sideways to see it all.")
    st.markdown(
        f"""
**Required in every row:** {REQUIRED_LIST} and `source`; `people` needs its
`claimant`. The other columns may be empty (an event with no `place` and no
`lon`/`lat` is listed, not mapped).

- `kind`: one of {KIND_LIST}; `when`: an
  EDTF date such as `1962-04-22`, `1962-05~` or `1962-04-10/1962-04-20`.
- `place`: a gazetteer id or any name of a place in any script (`Кульджа`,
  `Yining`, `伊宁`), several separated by `|`, each with an optional role
  (`origin:Tacheng|destination:Urjar`); or leave it empty and give `lon`/`lat`.
- `people`: a number, a range `5000-6000` or `~6000`, always with its `claimant`.
- `source`: a bundled source id, or a citation in words: it cites the bundled
  source it names when exactly one fits (its title, short citation, archive
  reference, author and year), and is otherwise kept as an uncatalogued citation
  (not graded); the report says what each citation matched.

The CSV and GeoJSON this app exports load back as they are: download the bundled
events below to start from them. The server keeps a loaded file for 24 hours under
an unguessable link (`?data=…`), so that a reload or a shared link shows it again; the
button below the report deletes it at once.
"""
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        "The bundled events as CSV",
        _bundled_csv,
        "yita-1962-events.csv",
        "text/csv",
        on_click="ignore",
        key="dl-bundled",
    )
    c2.download_button(
        "An empty CSV with the header",
        ",".join(importer.HEADER) + "\n",
        "my-events.csv",
        "text/csv",
        on_click="ignore",
        key="dl-header",
    )


def _load(upload, replace: bool) -> None:
    """Import the upload and, when it gives any event, show it for this session."""
    raw = upload.getvalue()
    with st.status(f"Loading {md_escape(upload.name)}…", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(fraction, text=message)

        try:
            user = userdata.combine(
                raw,
                upload.name,
                load().data,
                load().frontier,
                replace=replace,
                progress=progress,
            )
        except DataError as exc:
            status.update(label="The file was not loaded", state="error")
            st.session_state.user_refused = [str(p) for p in exc.problems]
            return
        status.update(
            label=f"{count(len(user.accepted), 'event')} loaded from "
            f"{md_escape(upload.name)}",
            state="complete" if user.accepted else "error",
            expanded=False,
        )
    st.session_state.user_refused = None
    st.session_state.user_report = user
    st.session_state.user_data = with_user_data(user) if user.accepted else None
    if user.accepted:
        keep_upload(user, raw)


SHOWN_PROBLEMS = 200  # shown in full on the page; the CSV report has every one


def _forget() -> None:
    """Show the bundled events again, and delete the file from the server now."""
    drop_upload()


def _report(user: userdata.UserData) -> None:
    bad_rows = len({p.line for p in user.rejected})
    st.subheader(f"Report on {md_escape(user.label)}", anchor=False)
    c1, c2, c3 = st.columns(3)
    c1.metric("Records read", user.rows)
    c2.metric("Events mapped", len(user.accepted))
    c3.metric("Rows with problems", bad_rows)
    if user.accepted:
        how = "instead of" if user.replace else "beside"
        st.success(
            f"{count(len(user.accepted), 'event')} on the map {how} the bundled "
            "events.",
            icon=":material/check_circle:",
        )
        st.page_link(nav.map_page(), label="Open the map", icon=":material/map:")
    else:
        st.error("No row could be mapped; the map shows the bundled events.")
    if user.rejected:
        st.markdown(
            "**Rows left out, and why** (line numbers are the file's; a row can have "
            "several problems):"
        )
        frame = userdata.report_frame(user.rejected)
        # a table shows each message in full (a data grid cuts long text off)
        st.table(frame.head(SHOWN_PROBLEMS).set_index("Line"))
        if len(frame) > SHOWN_PROBLEMS:
            st.caption(
                f"The first {SHOWN_PROBLEMS} of {len(frame):,} problems; the report "
                "below has them all."
            )
        st.download_button(
            "Download this report (CSV)",
            lambda: userdata.report_csv(user.rejected),  # built on click
            f"{user.label}-problems.csv",
            "text/csv",
            on_click="ignore",
            key="dl-report",
        )
    if user.matches:
        st.markdown(
            "**Citations in words** (a citation names a catalogued source when "
            "exactly one fits its title, archive reference, author and year, or day "
            "and a title word; otherwise it stays an uncatalogued citation):"
        )
        for m in user.matches:
            st.markdown("- " + md_escape(m.describe()))


def render() -> None:
    """Draw the data page."""
    current()  # a reload or a link names a kept upload: bring it (and its report) back
    st.title("Your own events", anchor=False)
    _formats()
    st.divider()
    replace = (
        st.radio(
            "Show your events",
            [BESIDE, INSTEAD],
            horizontal=True,
            key="user_mode",
        )
        == INSTEAD
    )
    upload = st.file_uploader(
        "Event file (CSV or GeoJSON)",
        type=["csv", "geojson", "json"],
        key="user_file",
        max_upload_size=LIMIT_MB,
        help="Checked row by row; the rows with problems are listed, the others "
        "mapped.",
    )
    if upload is not None:
        key = (upload.file_id, replace)
        if st.session_state.get("_upload_key") != key:
            st.session_state._upload_key = key
            _load(upload, replace)
    refused = st.session_state.get("user_refused")
    if refused:
        st.error("The file was not loaded:")
        st.code("\n".join(refused), language=None, wrap_lines=True)
    user = st.session_state.get("user_report")
    if user is not None:
        if refused:
            st.caption(
                f"The page still shows your earlier file, {md_escape(user.label)}; "
                "its report follows."
            )
        _report(user)
    kept = kept_uploads()
    if current().user is not None or kept:
        if data_token():
            hours = upload_store().ttl / 3600
            st.caption(
                f"The server keeps your file for {hours:g} hours, for this page's link "
                "(a reload, or the link shared, shows it again on this server). "
                "Nobody can reach it without the link."
            )
        st.button(
            (
                f"Remove your {kept} files: delete them from the server now and show "
                "the bundled events only"
                if kept > 1
                else "Remove your file: delete it from the server now and show the "
                "bundled events only"
            ),
            on_click=nav.guarded(_forget),
            icon=":material/delete:",
        )
