"""The tour builder's draft: kept on the server by token, and the edits made to it.

The draft is a tour as a plain dict (``EMPTY``'s fields), in the session and, after
each change, in the upload store under an unguessable token (capped, expiring,
never a path) that the page puts in its address (``?draft=…``).
"""

from __future__ import annotations

import json

import streamlit as st

from app_pages.loaded import load, upload_store
from mapapp import tour, uploads
from mapapp.errors import MapAppError

DRAFT_LABEL = "tour-draft.json"
EMPTY = {"id": "my-tour", "title": "My tour", "description": None, "steps": []}


def read_draft(token: str) -> dict:
    """Return the draft kept under a token (raise UploadError if there is none)."""
    try:
        kept = upload_store().get(token)
    except uploads.UploadExpired:
        raise uploads.UploadExpired(
            "the draft this link names has expired or was deleted (drafts are kept "
            "24 hours); build it again"
        ) from None
    try:
        draft = json.loads(kept.raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise uploads.UploadError("the kept draft is not readable") from None
    if not isinstance(draft, dict) or not isinstance(draft.get("steps"), list):
        raise uploads.UploadError("the kept draft is not a tour")
    return draft


def draft_tour(draft: dict) -> tour.Tour:
    """Return the draft as a Tour (pydantic ValidationError if it is not one yet)."""
    return tour.Tour.model_validate(draft)


def current() -> dict:
    """Return the session's draft (an empty tour at first)."""
    return st.session_state.setdefault("build_draft", json.loads(json.dumps(EMPTY)))


def save() -> None:
    """Keep the draft on the server, under the token in the address."""
    draft = current()
    raw = json.dumps(draft, ensure_ascii=False).encode("utf-8")
    token = st.session_state.get("build_token")
    store = upload_store()
    try:  # one token per draft, kept up to date: its links stay valid
        kept = store.update(token, raw) if token else store.put(raw, DRAFT_LABEL, False)
    except uploads.UploadError:
        try:  # the draft's token expired, or names nothing here: a new one
            kept = store.put(raw, DRAFT_LABEL, False)
        except uploads.UploadError as exc:
            st.session_state.build_note = f"Not kept on the server: {exc}."
            return
    st.session_state.build_token = kept.token
    st.session_state.build_saved = raw


def restore() -> None:
    """Take the draft from ``?draft=`` once per token (a reload, a shared link)."""
    token = st.query_params.get("draft")
    if not token or token in (
        st.session_state.get("build_token"),
        st.session_state.get("_build_tried"),
    ):
        return
    st.session_state._build_tried = token
    try:
        draft = read_draft(token)
    except MapAppError as exc:
        st.session_state._build_notes = [str(exc)]
        return
    st.session_state.pop("_build_notes", None)
    st.session_state.build_draft = draft
    st.session_state.build_token = token
    st.session_state.build_saved = json.dumps(draft, ensure_ascii=False).encode()


def add(event_id: str) -> None:
    """Add an event as the last step, narrated by its summary."""
    ev = load().by_id[event_id]
    current()["steps"].append({"event": event_id, "narration": ev.summary.strip()})
    save()


def move(i: int, by: int) -> None:
    """Move step ``i`` up (``by=-1``) or down (``by=1``)."""
    steps = current()["steps"]
    j = i + by
    if 0 <= j < len(steps):
        steps[i], steps[j] = steps[j], steps[i]
        save()


def remove(i: int) -> None:
    """Remove step ``i``."""
    del current()["steps"][i]
    save()


def edit(field: str, key: str, i: int | None = None) -> None:
    """Set a field of the tour, or of step ``i``, from the widget ``key``."""
    value = st.session_state[key].strip() or None  # an empty narration is none
    if i is None:
        current()[field] = value
    else:
        current()["steps"][i][field] = value
    save()


def take_view(i: int, view: dict) -> None:
    """Give step ``i`` the map's view."""
    current()["steps"][i]["view"] = view
    save()


def load_tour(chosen: tour.Tour) -> None:
    """Start the draft from a bundled tour."""
    st.session_state.build_draft = json.loads(chosen.model_dump_json(exclude_none=True))
    # new keys for the head's fields, so that they show the loaded tour's values
    st.session_state.build_loads = st.session_state.get("build_loads", 0) + 1
    save()
