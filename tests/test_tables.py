"""The event tables (mapapp.tables): records in and out, subsets, concatenation."""

from mapapp import tables
from tests.world import world

W = world()


def test_records_come_back_from_their_tables_unchanged():
    events = list(W.data.events)
    again = tables.of_events(events)
    assert list(again.records) == events
    assert [again.record(i) for i in range(len(events))] == events  # one at a time
    assert len(again.places) == sum(len(ev.places) for ev in events)
    assert len(again.claims) == sum(len(ev.claims) for ev in events)
    assert len(again.citations) == sum(len(ev.sources) for ev in events)


def test_take_keeps_the_chosen_events_and_renumbers_their_rows():
    events = list(W.data.events)
    every = tables.of_events(events)
    chosen = every.take([2, 0])
    assert list(chosen.records) == [events[2], events[0]]
    assert set(chosen.places["ev"]) <= {0, 1}


def test_records_at_gives_the_events_at_positions_in_one_pass():
    events = list(W.data.events)
    fresh = tables.of_events(events)
    assert fresh.records_at([3, 1]) == (events[3], events[1])
    assert "records" not in fresh.__dict__  # not every event was made for two
    assert fresh.records_at([]) == ()
    fresh.records  # noqa: B018 (every event made: they are read from there)
    assert fresh.records_at([3, 1]) == (events[3], events[1])


def test_concat_puts_events_one_after_the_other():
    events = list(W.data.events)
    a, b = tables.of_events(events[:2]), tables.of_events(events[2:])
    both = tables.concat([a, tables.EventTables.empty(), b])
    assert list(both.records) == events
    assert both.position[events[3].id] == 3
