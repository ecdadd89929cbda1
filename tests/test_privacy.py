"""Personal data: keyed pseudonyms and the last check before a table is written."""

from __future__ import annotations

import pandas as pd
import pytest

from pra_lib.publishing import privacy
from pra_lib.publishing.privacy import PersonalDataError, check_no_personal_data, pseudonym_key, pseudonymise


def test_pseudonyms_are_keyed_and_stable():
    ids = pd.Series(["Q0001", "Q0002", "Q0001"])
    a = pseudonymise(ids, key=b"k1")
    assert a[0] == a[2] and a[0] != a[1]
    assert not a.str.contains("Q000").any()
    assert pseudonymise(ids, key=b"k1").equals(a)
    assert not pseudonymise(ids, key=b"k2").equals(a)


def test_key_from_environment_or_file(monkeypatch, tmp_path):
    monkeypatch.setenv(privacy.KEY_ENV, "from-env")
    assert pseudonym_key() == (b"from-env", "environment variable PRA_PSEUDONYM_KEY")
    monkeypatch.delenv(privacy.KEY_ENV)
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(key_file))
    assert pseudonym_key()[0] == b"from-file"
    key_file.write_text("")
    with pytest.raises(PersonalDataError, match="empty"):
        pseudonym_key()


def test_without_a_key_a_random_one_is_used(monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.delenv(privacy.KEY_FILE_ENV, raising=False)
    key, source = pseudonym_key()
    assert len(key) == 32 and source == "random key for this run"


@pytest.mark.parametrize(
    "value, what",
    [("siti.rahma@example.id", "e-mail"), ("3171234567890123", "NIK"), ("+62 812 3456 7890", "phone"), ("0812-3456-7890", "phone")],
)
def test_personal_looking_values_are_refused(value, what):
    with pytest.raises(PersonalDataError, match=what):
        check_no_personal_data(pd.DataFrame({"note": ["fine", value]}), name="t")


@pytest.mark.parametrize("column", ["email", "phone", "nik"])
def test_personal_columns_are_refused(column):
    with pytest.raises(PersonalDataError, match=column):
        check_no_personal_data(pd.DataFrame({column: ["x"]}), name="t")


def test_numbers_and_ordinary_text_pass():
    check_no_personal_data(pd.DataFrame({"share": [0.0512820512820512, 3.0833333333333335], "goal": ["G01", "Meets basic needs"], "n": ["suppressed", 12]}), name="t")
