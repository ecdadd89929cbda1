"""Personal data and markup: pseudonyms, the detectors, the text gate, escaping and the quote screen."""

from __future__ import annotations

import re

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


# --------------------------------------------------------------------------- detectors
# The formats follow Indonesian practice: NIK is 16 digits (Law 24/2013 on Population
# Administration, art. 64), mobiles are +62 8xx or 08xx with 10 to 13 digits (ITU-T E.164
# assignment for Indonesia), landlines +62 21 or (021) for Jakarta.

from pra_lib.assessment.personal_data import find_personal_data, given_names, names_given
from pra_lib.publishing.privacy import REDACTED, escape_markdown, publishable, safe_markdown, screen_quote, screen_text


def _kinds(text):
    return {what for what, _, _ in find_personal_data(text)}


@pytest.mark.parametrize(
    "text",
    [
        "3171117374760199",
        "NIK 3171 1173 7476 0199.",
        "3171-1173-7476-0199",
        "3171.1173.7476.0199",
        "31.71.11.737476.0199",
    ],
)
def test_nik_in_every_common_form_is_found(text):
    assert _kinds(text) == {"NIK (16-digit national id)"}


@pytest.mark.parametrize(
    "text",
    [
        "+62 812 3456 7890",
        "+62 (812) 5550 1999",
        "+62-812-5550-1999",
        "6281255501999",
        "0062 812 5550 1999",
        "0812.5550.2888",
        "0812-3456-7890",
        "(0812) 5550-1999",
        "08125550 1999",
        "+62 (0)812 5550 1999",
        "+62 21 555 1234",
        "(021) 555-1234",
        "call 081234567890 now",
    ],
)
def test_phone_numbers_in_every_common_form_are_found(text):
    assert _kinds(text) == {"phone number"}


@pytest.mark.parametrize(
    "text",
    [
        "siti.rahma@example.id",
        "name(at)gmail.com",
        "name (at) gmail (dot) com",
        "name [at] domain [dot] com",
        "name {at} domain {dot} co {dot} id",
        "name at domain dot com",
        "name AT domain DOT go DOT id",
        "name @ gmail . com",
        "name＠gmail.com",
    ],
)
def test_e_mail_addresses_also_obfuscated_are_found(text):
    assert _kinds(text) == {"e-mail address"}


@pytest.mark.parametrize("text", ["Pak Budi Santoso", "kata bu Siti", "Bapak Joko", "Sdri. Rina Halim", "Mr. Smith", "H. Ahmad Yani", "Dr. Soetomo", "Ibu\nSiti Rahmawati"])
def test_a_person_named_after_a_title_is_found(text):
    assert _kinds(text) == {"person's name after a title"}


@pytest.mark.parametrize(
    "text",
    [
        # dates and years are not phones or NIKs
        "2017-09-15",
        "15-09-2017",
        "2015 2016 2017 2018",
        "2017-09-15 2017-09-20",
        "08-09-2017",
        # money and statistics are not NIKs (a 16-digit number in thousands groups is money)
        "Rp 1.234.567.890.123.456",
        "budget 13284000000",
        "0.0512820512820512",
        "3.0833333333333335",
        "0.8125550199",
        # short codes and counts
        "0812-2017",
        "T3, 12 of 48 (25%)",
        "SH01 ST02 G10",
        # ordinary words
        "Ibu Kota Jakarta",
        "bapak-bapak dan ibu-ibu",
        "look at the data.",
        "Pakistan",
        "Koordinasi antar dinas masih lemah.",
    ],
)
def test_ordinary_values_are_not_personal(text):
    assert find_personal_data(text) == []


def test_a_16_digit_number_in_a_numeric_column_is_money_not_a_nik():
    """Documented choice: numbers in numeric columns are not text, so never a NIK or phone."""
    check_no_personal_data(pd.DataFrame({"budget_idr": [3171117374760199, 6281255501999]}), name="t")
    with pytest.raises(PersonalDataError, match="NIK"):
        check_no_personal_data(pd.DataFrame({"budget_idr": ["3171117374760199"]}), name="t")


def test_screen_text_redacts_each_finding_and_keeps_the_rest():
    text = "Flooding (Pak Budi Santoso, +62 (812) 5550 1999, budi(at)gmail.com, 3171 1173 7476 0199)"
    assert screen_text(text) == f"Flooding ({REDACTED}, {REDACTED}, {REDACTED}, {REDACTED})"
    assert screen_text(12.5) == 12.5 and screen_text("Flooding") == "Flooding"


def test_category_names_are_screened_too():
    table = pd.DataFrame({"area": pd.Categorical(["Pluit, Pak Budi", "Koja", "Pluit, Pak Budi"]), "n": [5, 6, 7]})
    out = publishable(table, name="t")
    assert out["area"].astype(str).tolist() == [f"Pluit, {REDACTED}", "Koja", f"Pluit, {REDACTED}"]
    with pytest.raises(PersonalDataError, match="title"):
        check_no_personal_data(table, name="t")


def test_tables_are_redacted_not_refused_and_personal_columns_still_refused():
    table = pd.DataFrame({"hazard": ["Flooding 0812.5550.2888", "Fire"], "n": [12, 7]})
    out = publishable(table, name="t")
    assert out["hazard"].tolist() == [f"Flooding {REDACTED}", "Fire"] and out["n"].tolist() == [12, 7]
    assert table["hazard"][0] == "Flooding 0812.5550.2888", "the input is never modified"
    with pytest.raises(PersonalDataError, match="nik"):
        publishable(pd.DataFrame({"nik": ["x"]}), name="t")


# --------------------------------------------------------------------------- markup


@pytest.mark.parametrize(
    "payload",
    [
        "[x](javascript:alert(1))",
        "![](http://host/beacon.png)",
        "<img src=x onerror=alert(1)>",
        "<http://host/auto>",
        "http://host/raw",
        "www.host.example",
        "<script>alert(1)</script>",
        "[x]: http://host/ref\n[y][x]",
        "$\\href{javascript:alert(1)}{x}$",
    ],
)
def test_markup_from_the_data_renders_as_text(payload):
    """Rendered as nbconvert renders a report, escaped data makes no element, and neither
    does data left unescaped in computed Markdown once it passes the report's gate."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for markdown in (f"- **Top:** {escape_markdown(payload)}", safe_markdown(f"- **Top:** {payload}")):
        rendered = markdown2html_mistune(markdown)
        assert not re.search(r"<(a|img|script)\b", rendered), rendered
        assert "<strong>Top:</strong>" in rendered, "the project's own Markdown is kept"


def test_escaped_values_show_exactly_as_written():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    import html as htmllib

    value = "*Flooding* [rob] & <tidal> _2017_ `x` | y ~z~ # 1. R&amp;D"
    rendered = markdown2html_mistune(escape_markdown(value))
    assert htmllib.unescape(re.sub(r"</?p>", "", rendered)).strip() == value


def test_safe_markdown_is_idempotent_and_keeps_escaped_text():
    once = safe_markdown("- " + escape_markdown("[x](http://h) & <b>") + " & [y](http://h) <i>")
    assert safe_markdown(once) == once
    assert "&amp;" in once and "&lt;i&gt;" in once and "\\[y\\]" in once


# --------------------------------------------------------------------------- free text


def test_gazetteer_names_its_source_and_holds_names_only():
    from importlib import resources

    text = (resources.files("pra_lib") / "reference" / "indonesian_given_names.csv").read_text(encoding="utf-8")
    assert text.startswith("#") and "Compiled" in text.splitlines()[1]
    assert {"budi", "siti", "agus", "dewi"} <= given_names()
    assert not {"indah", "jaya", "hari"} & given_names(), "common words are left out"
    assert all(re.fullmatch(r"[a-z]+", n) for n in given_names())


@pytest.mark.parametrize(
    "quote, size, reason",
    [
        ("Koordinasi antar dinas masih lemah.", 8, None),
        ("Banjir datang tiap tahun.", 2, "small group"),
        ("Hubungi saya di 0812.5550.2888.", 8, "personal data"),
        ("Kata Pak Budi, banjir datang tiap tahun.", 8, "may name a person"),
        ("Kata Dewi, banjir datang tiap tahun.", 8, "may name a person"),
    ],
)
def test_quotes_are_withheld_for_small_groups_and_possible_names(quote, size, reason):
    published, why = screen_quote(quote, group_size=size, min_cell_size=5)
    assert why == reason
    assert (published == quote) if reason is None else published is None


def test_names_given_reads_capitalised_gazetteer_names_only():
    assert names_given("Menurut Budi dan Siti, budi pekerti warga baik.") == ["Budi", "Siti"]
    assert names_given("Warga jarang dilibatkan sejak awal perencanaan.") == []


def test_a_quote_from_a_code_of_one_interviewee_is_never_published(small_sample, tmp_path):
    """The attack of issue 11: a code raised by one interviewee had its count suppressed but
    its quote printed. Now the quote is withheld and the table says why."""
    import shutil

    from pra_lib import perception
    from pra_lib.assessment.loading import load_assessment

    folder = tmp_path / "a"
    shutil.copytree(small_sample, folder)
    st = pd.read_csv(folder / "interview_statements.csv", dtype=str, keep_default_na=False)
    lone = st.iloc[[0]].copy()
    lone["statement_id"], lone["code"], lone["quote"], lone["valence"] = "S9999", "a code of one person", "Hanya saya yang bilang ini.", "strength"
    pd.concat([st, lone]).to_csv(folder / "interview_statements.csv", index=False, lineterminator="\n")
    top = perception.top_weaknesses(load_assessment(folder), k=50, valence="strength", min_group_size=5)
    row = top[top["code"] == "a code of one person"].iloc[0]
    assert pd.isna(row["quote"]) and row["quote_withheld"] == "small group"
    assert "withheld" in row["quote_from"]
    assert "Hanya saya" not in top.to_csv()
    findings = perception.findings_interviews(top.iloc[:0], strengths=top, min_cell_size=5)
    n_small = int((top["quote_withheld"] == "small group").sum())
    assert n_small >= 1 and f"Quotes withheld to protect interviewees: {n_small} (fewer than 5 interviewees)." in findings, "the report says so"


# --------------------------------------------------------------------------- figures and kernel outputs


def test_every_text_of_a_figure_is_screened_tick_labels_included():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pra_lib.publishing.privacy import screen_figure

    fig, ax = plt.subplots()
    ax.bar(["Flooding", "Fire Pak Budi Santoso"], [3, 4], label="call 0812.5550.2888")  # categorical ticks are made at draw time
    ax.set_title("Jakarta +62 (812) 5550 1999")
    ax.legend()
    assert screen_figure(fig) == 3
    svg = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as text, so it can be read back
        fig.savefig(svg, format="svg")
    plt.close(fig)
    text = svg.getvalue()
    assert "Budi" not in text and "5550" not in text and "0812" not in text
    assert text.count(REDACTED) >= 3 and "Flooding" in text


def test_kernel_outputs_and_errors_are_screened():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import Markdown

    from pra_lib.publishing.privacy import install_output_screen

    shell = InteractiveShell.instance()
    try:
        assert install_output_screen(shell, streams=False) and install_output_screen(shell, streams=False)
        data, _ = shell.display_formatter.format(pd.DataFrame({"hazard": ["Flooding budi(at)gmail.com"]}))
        assert all("gmail" not in v for v in data.values()) and REDACTED in data["text/plain"]
        data, _ = shell.display_formatter.format(Markdown("Hazard [x](javascript:alert(1)) 0812.5550.2888"))
        # redacted first, then escaped: the marker cannot become a link with what follows it
        assert data["text/markdown"] == "Hazard \\[x\\](javascript:alert(1)) \\[redacted\\]"
        seen = []
        shell._showtraceback = lambda etype, evalue, stb: seen.append((str(evalue), stb))  # what the kernel would send
        shell._pra_output_screen = False
        install_output_screen(shell, streams=False)
        try:
            raise ValueError("unknown hazard 'Flooding 3171 1173 7476 0199'")
        except ValueError:
            shell.showtraceback()
        (evalue, stb), = seen
        assert "3171" not in evalue and all("3171" not in line for line in stb) and REDACTED in evalue
    finally:
        InteractiveShell.clear_instance()  # later tests of the process run with no shell, as outside IPython


def test_printed_lines_are_screened():
    import io

    from pra_lib.publishing.privacy import _ScreenedStream

    out = io.StringIO()
    stream = _ScreenedStream(out)
    stream.write("warning: hazard 'Fire, Ibu Siti Rahmawati' has no rating\n")
    stream.flush()
    assert out.getvalue() == f"warning: hazard 'Fire, {REDACTED}' has no rating\n"


def test_record_uuids_are_not_taken_for_a_nik_or_phone():
    """KoboToolbox ids (in the real REACH MSNA export, ../shared/realworld) hold 16-digit runs between dashes."""
    from pra_lib.assessment.personal_data import find_personal_data

    for uuid in ("1e6042d9-ed52-404549-949190-0153feb6284a", "045ef836-e352-444046-969395-1eb043d28fac",
                 "a1b2c3d4-0812-5550-2888-abcdef123456"):
        assert find_personal_data(uuid) == [], uuid
    # the same digits without hex letters around them are still found
    assert [w for w, _, _ in find_personal_data("NIK 3171-1173-7476-0199, HP 0812-5550-2888")] == ["NIK (16-digit national id)", "phone number"]


def test_escaping_never_hides_personal_data_from_the_screen():
    """Escaped for Markdown, "siti [at] example [dot] com" reads "siti \\[at\\] ..."; the gate
    still finds it, and escape_markdown redacts before it escapes."""
    assert escape_markdown("FA2 siti [at] example [dot] com") == "FA2 \\[redacted\\]"
    escaped = "siti \\[at\\] example \\[dot\\] com, budi\\_santoso@gmail.com"
    assert screen_text(escaped) == f"{REDACTED}, {REDACTED}"
    assert "siti" not in safe_markdown(escaped) and "budi" not in safe_markdown(escaped)


# --------------------------------------------------------------------------- what a reader sees
# A reader sees "０８１２" as 0812 and does not see a zero-width space: the gate reads the text
# as it is seen (NFKC, invisible characters dropped, look-alike letters among digits read as
# digits, a hex prefix dropped), and redacts it at its place in the text as written.

ZWSP, ZWJ, SHY, LRM = "\u200b", "\u200d", "\u00ad", "\u200e"


@pytest.mark.parametrize(
    "text",
    [
        "+62-812-5550-1999",
        "(021) 555 0199",
        "62 812 5550 1999",
        "0812-5550-1999",
        "+62812 5550 1999",
        "08l2 5550 1999",  # the letter l for 1
        "0812 555O 1999",  # the letter O for 0
        "O812 5550 1999",
        "\uff10\uff18\uff11\uff12\uff15\uff15\uff15\uff10\uff11\uff19\uff19\uff19",  # full-width digits
        "\uff0b\uff16\uff12 812 5550 1999",  # full-width plus and country code
        "\u0660\u0668\u0661\u0662\u0665\u0665\u0665\u0660\u0661\u0669\u0669\u0669",  # Arabic-Indic digits
        f"08{ZWSP}12{ZWSP}5550{ZWSP}1999",
        f"0812{ZWJ}5550{SHY}1999",
        f"{LRM}+62 812 5550 1999",
        "0812\u20135550\u20131999",  # en dashes
        "0812\u22125550\u22121999",  # minus signs
        "0812/5550/1999",
        "0812_5550_1999",
        "0812\\_5550\\_1999",  # underscores escaped for Markdown
        "0x812 5550 1999",  # a hex prefix
        "0x81255501999",
        "0x0812-5550-1999",
        "ab-0812-5550-1999",  # a hex-looking prefix is not a record id
        "No.0812-5550-1999",
        "Telp.0812 5550 1999",
    ],
)
def test_phone_numbers_written_to_evade_the_screen_are_found_and_redacted_whole(text):
    assert _kinds(text) == {"phone number"}
    screened = screen_text(f"call {text} now")
    assert screened.startswith("call ") and screened.endswith(" now")
    assert not any(ch.isdigit() for ch in screened.replace(REDACTED, "")), screened


@pytest.mark.parametrize("text", ["0812 5550 1999 ext 12", "0812 5550 1999 ext. 12", "0812-5550-1999 x12", "(021) 555 0199 psw. 4", "+62 21 555 1234, ext 305"])
def test_an_extension_is_redacted_with_its_number(text):
    assert screen_text(text) == REDACTED


@pytest.mark.parametrize(
    "text",
    [
        "\uff13\uff11\uff17\uff11\uff11\uff11\uff17\uff13\uff17\uff14\uff17\uff16\uff10\uff11\uff19\uff19",
        f"3171{ZWSP}1173{ZWSP}7476{ZWSP}0199",
        f"317111737{SHY}4760199",
        "3171\u20131173\u20137476\u20130199",
        "3171 1173 7476 Ol99",
    ],
)
def test_a_nik_with_full_width_invisible_or_look_alike_characters_is_found(text):
    assert _kinds(text) == {"NIK (16-digit national id)"}
    assert screen_text(f"NIK: {text}.") == f"NIK: {REDACTED}."


def test_a_hex_looking_prefix_does_not_make_a_nik_a_record_id():
    # five dash-joined hex groups of 32 hex digits are a record id (see the uuid test above); "ab-" is not
    assert screen_text("NIK: ab-3171-1173-7476-0199.") == f"NIK: ab-{REDACTED}."
    assert screen_text("ab-cd-3171-1173-7476-0199") == f"ab-cd-{REDACTED}"


@pytest.mark.parametrize(
    "text",
    [
        "\uff42\uff55\uff44\uff49\uff20\uff47\uff4d\uff41\uff49\uff4c\uff0e\uff43\uff4f\uff4d",  # all full-width
        "budi\uff20gmail\uff0ecom",
        f"bu{ZWSP}di@gmail.com",
        f"budi{ZWSP}@gmail.com",
        f"budi@{ZWSP}gmail.com",
        f"budi{SHY}@gmail{ZWJ}.com",
        "budi\uff08at\uff09gmail.com",  # full-width parentheses
    ],
)
def test_an_e_mail_with_full_width_or_invisible_characters_is_found_and_redacted_whole(text):
    assert _kinds(text) == {"e-mail address"}
    assert screen_text(f"write to {text} today") == f"write to {REDACTED} today"


def test_a_title_and_a_name_in_full_width_letters_are_found():
    assert _kinds("Pak \uff22\uff55\uff44\uff49 Santoso") == {"person's name after a title"}


@pytest.mark.parametrize(
    "text",
    [
        # what the reports print: dates, years, counts, p-values, codes, section numbers
        "2017-05-12",
        "12/05/2017",
        "T3: 08/12/2017",
        "2017\u20132018",
        "2015\u20132016\u20132017\u20132018",
        "G01",
        "\uff27\uff10\uff11",
        "1.2.3",
        "p = 0.0012",
        "p < 0.001",
        "n = 625",
        "48 of 625 (7,7%)",
        "0.08125550199912",
        "12,345,678",
        "Rp 1.234.567.890",
        "x 12",
        "Ext 12",
        "0x1F",
        "COVID-19, 2020",
        "SH01 ST02 G10 FA3",
        "I 2017",
        "Ol 2017",
        # record ids
        "1e6042d9-ed52-404549-949190-0153feb6284a",
        "a1b2c3d4-0812-5550-2888-abcdef123456",
    ],
)
def test_what_the_reports_print_is_not_taken_for_personal_data_in_any_width(text):
    assert find_personal_data(text) == []
    assert screen_text(text) == text


def test_findings_are_placed_in_the_text_as_written():
    text = f"ask {LRM}budi{ZWSP}@gmail.com or 0x0812\u20135550\u20131999, thanks"
    spans = [(what, text[a:b]) for what, a, b in find_personal_data(text)]
    assert spans == [("e-mail address", f"budi{ZWSP}@gmail.com"), ("phone number", "0x0812\u20135550\u20131999")]
    assert screen_text(text) == f"ask {LRM}{REDACTED} or {REDACTED}, thanks"


def test_a_table_cell_written_to_evade_the_screen_is_redacted_and_refused_unredacted():
    table = pd.DataFrame({"agency": ["BPBD, HP \uff10\uff18\uff11\uff12 5550 1999", f"Dinas, NIK 3171{ZWSP}1173{ZWSP}7476{ZWSP}0199"], "n": [12, 9]})
    assert publishable(table, name="agencies")["agency"].tolist() == [f"BPBD, HP {REDACTED}", f"Dinas, NIK {REDACTED}"]
    with pytest.raises(PersonalDataError, match="row 0 holds what looks like a phone number"):
        check_no_personal_data(table, name="agencies")
    with pytest.raises(PersonalDataError, match="column 'agency', row 1 holds what looks like a NIK"):
        check_no_personal_data(table.iloc[[0, 1]].assign(agency=["BPBD", table["agency"][1]]), name="agencies")
