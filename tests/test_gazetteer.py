import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mapapp.errors import AmbiguousPlaceError, UnknownPlaceError
from mapapp.gazetteer import _FOLD, _IGNORED, Gazetteer, fold
from tests.conftest import make_place


@pytest.fixture
def gazetteer():
    return Gazetteer(
        [
            make_place(
                "yining",
                [
                    ("Yining", "en"),
                    ("Ghulja", "ug-Latn"),
                    ("Kuldja", "en"),
                    ("伊宁", "zh"),
                    ("Кульджа", "ru"),
                    ("Құлжа", "kk"),
                    ("غۇلجا", "ug"),
                    ("Ürümqi-ish", "en"),
                ],
            ),
            make_place(
                "khorgos-cn",
                [("Khorgos (China)", "en"), ("Khorgos", "en"), ("霍尔果斯", "zh")],
            ),
            make_place(
                "khorgos-kz",
                [("Khorgos (Soviet side)", "en"), ("Khorgos", "en"), ("Қорғас", "kk")],
                state="USSR",
            ),
            make_place(
                "zharkent",
                [("Panfilov", "en"), ("Zharkent", "en"), ("Жаркент", "ru")],
                state="USSR",
            ),
        ]
    )


@pytest.mark.parametrize(
    "name",
    [
        "Yining",
        "yining",
        "YINING",
        "Ghulja",
        "ghulja",
        "Kuldja",
        "kul'dja",
        "Kul-dja",
        "伊宁",
        "Кульджа",
        "КУЛЬДЖА",
        "кульджа",
        "Құлжа",
        "құлжа",
        "غۇلجا",
        " Yining ",
    ],
)
def test_every_variant_in_every_script(gazetteer, name):
    assert gazetteer.lookup(name).id == "yining"


def test_accent_insensitive(gazetteer):
    assert gazetteer.lookup("Ghúljá").id == "yining"
    assert gazetteer.lookup("Urumqi-ish").id == "yining"  # Ü folds to U


def test_lookup_by_id(gazetteer):
    assert gazetteer.lookup("khorgos-kz").state_1962 == "USSR"


def test_other_names_resolve_uniquely(gazetteer):
    assert gazetteer.lookup("Қорғас").id == "khorgos-kz"
    assert gazetteer.lookup("霍尔果斯").id == "khorgos-cn"
    assert gazetteer.lookup("Panfilov").id == "zharkent"
    assert gazetteer.lookup("жаркент").id == "zharkent"


def test_ambiguous_name_lists_candidates(gazetteer):
    with pytest.raises(AmbiguousPlaceError) as info:
        gazetteer.lookup("khorgos")
    assert str(info.value) == (
        "ambiguous place name (got 'khorgos'; it matches khorgos-cn (Khorgos (China), "
        "PRC); khorgos-kz (Khorgos (Soviet side), USSR); expected one of these ids)"
    )


def test_unknown_name_suggests_closest(gazetteer):
    with pytest.raises(UnknownPlaceError) as info:
        gazetteer.lookup("Kuldza")
    assert str(info.value) == (
        "unknown place (got 'Kuldza'; expected a gazetteer id or name; closest: yining)"
    )


def test_unknown_name_without_suggestion(gazetteer):
    with pytest.raises(
        UnknownPlaceError,
        match=r"^unknown place \(got 'Moscow'; expected a gazetteer id or name\)$",
    ):
        gazetteer.lookup("Moscow")


def test_fold():
    assert fold("Dörbiljin") == fold("Dorbiljin") == "dorbiljin"
    assert fold("Taldy-Kurgan") == fold("Taldykurgan")
    assert fold("Ё") == fold("е")


@given(st.text(st.sampled_from([*map(chr, range(256)), "ё", "ı", "ʻ"])))
def test_fold_of_plain_text_takes_a_short_cut_to_the_same_key(name):
    """ASCII and ° take a short cut; any other Latin-1 letter must not."""
    slow = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    slow = "".join(ch for ch in slow if not unicodedata.combining(ch))
    slow = unicodedata.normalize("NFKC", slow).translate(_FOLD)
    assert fold(name) == "".join(ch for ch in slow if ch not in _IGNORED)


def test_problem_is_the_lookup_message_once_per_name(gazetteer):
    assert gazetteer.problem("Кульджа") is None
    message = gazetteer.problem("Tachen")
    assert message.startswith("unknown place (got 'Tachen'")
    assert gazetteer.problem("Tachen") is message
