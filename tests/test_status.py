"""etl.status: a document's status on a day, from the real events and from hand-made ones."""

from datetime import date

import pandas as pd
import pytest

from etl.status import STATUSES, status_on, status_table


@pytest.fixture(scope="module")
def events(build):
    return build.frames["document_events"]


def _sources(status):
    return set(zip(status.evidence["event"], status.evidence["source_issue"],
                   status.evidence["source_line"], strict=True))


def test_2014_7_in_force_amended_then_repealed(events):
    before = status_on("连政规发〔2014〕7号", date(2022, 12, 31), events)
    assert before.status == "in_force" and before.in_force
    assert before.amended_on == (date(2018, 11, 4),)
    assert before.amended_by == ("连政发〔2018〕137号",)
    assert (before.scheduled_repeal_on, before.scheduled_repeal_by) == \
        (date(2023, 1, 1), "连政规发〔2022〕4号")
    assert before.issued_on == date(2014, 12, 20)
    assert ("amended", "2018-16", 115) in _sources(before)
    after = status_on("连政规发〔2014〕7号", date(2023, 1, 1), events)
    assert after.status == "repealed" and not after.in_force
    assert (after.repealed_on, after.repealed_by) == (date(2023, 1, 1), "连政规发〔2022〕4号")
    assert after.scheduled_repeal_on is None
    assert {("repealed", "2022-10", 525), ("amended", "2018-16", 115),
            ("listed_retained", "2018-16", 1291)} <= _sources(after)
    assert after.label("zh") == "已废止" and after.label("en") == "repealed"


def test_number_as_typed_is_normalised(events):
    assert status_on("连政规发(2014)7号", date(2020, 1, 1), events).doc_number == \
        "连政规发〔2014〕7号"
    assert status_on("连政规发(2014)7号", date(2020, 1, 1), events).status == "in_force"


@pytest.mark.parametrize(("number", "on", "status"), [
    ("连政规发〔2014〕7号", date(2014, 12, 19), "not_yet_issued"),
    ("连政规发〔2014〕7号", date(2014, 12, 20), "in_force"),
    ("连政规发〔2022〕3号", date(2022, 10, 3), "not_yet_issued"),
    ("连政规发〔2022〕3号", date(2022, 11, 30), "not_yet_effective"),
    ("连政规发〔2022〕3号", date(2022, 12, 1), "in_force"),
    ("连政规发〔2022〕3号", date(2027, 11, 30), "in_force"),
    ("连政规发〔2022〕3号", date(2027, 12, 1), "expired"),
    ("连政规发〔2022〕4号", date(2027, 12, 31), "in_force"),
    ("连政规发〔2022〕4号", date(2028, 1, 1), "expired"),
    ("市政府令第8号", date(2022, 12, 31), "not_yet_effective"),
    ("市政府令第8号", date(2023, 1, 1), "in_force"),
    ("连政发〔2022〕116号", date(2022, 10, 25), "in_force"),  # no effective date: from signing
    ("连政办发〔2018〕158号", date(2018, 12, 1), "not_yet_effective"),
])
def test_published_documents(events, number, on, status):
    assert status_on(number, on, events).status == status


def test_expiry_is_reported_ahead_and_behind(events):
    ahead = status_on("连政规发〔2022〕3号", date(2025, 6, 1), events)
    assert (ahead.effective_from, ahead.expires_on) == (date(2022, 12, 1), date(2027, 11, 30))
    behind = status_on("连政规发〔2022〕3号", date(2030, 1, 1), events)
    assert behind.status == "expired" and behind.expires_on == date(2027, 11, 30)


def test_documents_with_nothing_but_their_listing(events):
    # retained 1: issued 1994, listed retained in 2018, nothing else ever happened to it
    old = status_on("连政发〔1994〕82号", date(2021, 5, 1), events)
    assert old.status == "in_force"
    assert set(old.evidence["event"]) == {"issued", "listed_retained"}
    assert status_on("连政发〔1994〕82号", date(1994, 5, 23), events).status == "not_yet_issued"
    # retained 5, 备注 修改: marked from the cleanup on
    assert status_on("连政发〔1998〕197号", date(2018, 11, 22), events).status == "in_force"
    marked = status_on("连政发〔1998〕197号", date(2018, 11, 23), events)
    assert marked.status == "in_force_marked_for_revision"
    assert marked.marked_for_revision_on == date(2018, 11, 23)
    # repealed 1: in force until the cleanup repeals it
    last_day = status_on("连政发〔2007〕99号", date(2018, 11, 22), events)
    assert last_day.status == "in_force"
    assert last_day.scheduled_repeal_by == "连政办发〔2018〕167号"
    gone = status_on("连政发〔2007〕99号", date(2018, 11, 23), events)
    assert (gone.status, gone.repealed_on, gone.repealed_by) == \
        ("repealed", date(2018, 11, 23), "连政办发〔2018〕167号")
    assert ("listed_repealed", "2018-16", 1096) in _sources(gone)


def test_unknown_document(events):
    status = status_on("连政发〔2099〕1号", date(2020, 1, 1), events)
    assert status.status == "unknown" and status.evidence.empty


def test_status_table(events):
    table = status_table(events, date(2023, 1, 1))
    assert set(table["status"]) <= set(STATUSES)
    assert table["status"].value_counts().to_dict() == {
        "in_force": 130, "repealed": 44, "in_force_marked_for_revision": 21}
    assert table.set_index("doc_number").loc["连政规发〔2014〕7号", "repealed_by"] == \
        "连政规发〔2022〕4号"
    earlier = status_table(events, date(2018, 11, 22)).set_index("doc_number")["status"]
    assert len(earlier) == 181 + 14  # numbered list rows and published documents
    assert sorted(earlier[earlier == "not_yet_issued"].index) == sorted([
        "连政办发〔2018〕166号", "连政办发〔2018〕167号", "市政府令第8号", "连政规发〔2022〕3号",
        "连政规发〔2022〕4号", "连政发〔2022〕116号"])
    assert list(earlier[earlier == "not_yet_effective"].index) == ["连政办发〔2018〕158号"]
    assert (earlier == "in_force").sum() == 188


# --- hand-made events: the rules one by one ------------------------------------------------


def _events(*rows):
    return pd.DataFrame([{"doc_number": "连政规发〔2001〕1号", "event": e, "date": d,
                          "by_doc": b, "source_issue": "2001-01", "source_line": k + 1}
                         for k, (e, d, b) in enumerate(rows)])


def test_an_amendment_after_the_mark_clears_it():
    events = _events(("issued", "2001-01-01", None), ("marked_for_revision", "2010-01-01", "X"),
                     ("amended", "2011-01-01", "连政发〔2011〕1号"))
    assert status_on("连政规发〔2001〕1号", date(2010, 6, 1), events).status == \
        "in_force_marked_for_revision"
    assert status_on("连政规发〔2001〕1号", date(2011, 1, 1), events).status == "in_force"


def test_whichever_ends_it_first_wins():
    repealed_first = _events(("issued", "2001-01-01", None), ("expires", "2005-12-31", None),
                             ("repealed", "2003-01-01", "连政规发〔2003〕1号"))
    assert status_on("连政规发〔2001〕1号", date(2006, 1, 1), repealed_first).status == "repealed"
    expired_first = _events(("issued", "2001-01-01", None), ("expires", "2002-12-31", None),
                            ("repealed", "2003-06-01", "连政规发〔2003〕1号"))
    assert status_on("连政规发〔2001〕1号", date(2004, 1, 1), expired_first).status == "expired"


def test_without_an_issue_date_nothing_is_known_before_the_first_event():
    events = _events(("listed_retained", "2018-11-23", "连政办发〔2018〕167号"))
    assert status_on("连政规发〔2001〕1号", date(2018, 11, 22), events).status == "unknown"
    assert status_on("连政规发〔2001〕1号", date(2018, 11, 23), events).status == "in_force"


def test_dates_as_text_from_a_plain_csv_read():
    events = _events(("issued", "2001-01-01", None), ("repealed", "2003-01-01", "连政规发〔2003〕1号"))
    events["date"] = events["date"].astype(str)
    assert status_on("连政规发〔2001〕1号", date(2003, 1, 1), events).repealed_on == \
        date(2003, 1, 1)


@pytest.mark.parametrize("on", [date(2010, 1, 1), date(2018, 11, 23), date(2023, 1, 1),
                                date(2028, 1, 1)])
def test_table_and_single_lookups_agree(events, on):
    table = status_table(events, on)
    for row in table.sample(40, random_state=1).to_dict("records"):
        single = status_on(row["doc_number"], on, events)
        assert (row["status"], row["repealed_on"], row["scheduled_repeal_on"]) == \
            (single.status, single.repealed_on, single.scheduled_repeal_on)
    assert not any(value is pd.NaT for value in table.to_numpy().ravel())


# --- lapses, extensions and revision deadlines (set by other documents) -----------------------


def test_a_lapse_ends_it_as_expired_and_is_reported_ahead():
    events = _events(("issued", "2001-01-01", None), ("lapsed", "2010-07-01", "连政发〔2010〕9号"))
    ahead = status_on("连政规发〔2001〕1号", date(2010, 6, 30), events)
    assert ahead.status == "in_force"
    assert (ahead.scheduled_lapse_on, ahead.scheduled_lapse_by) == \
        (date(2010, 7, 1), "连政发〔2010〕9号")
    assert "lapsed" in set(ahead.evidence["event"])
    gone = status_on("连政规发〔2001〕1号", date(2010, 7, 1), events)
    assert (gone.status, gone.lapsed_on, gone.lapsed_by) == \
        ("expired", date(2010, 7, 1), "连政发〔2010〕9号")
    assert gone.scheduled_lapse_on is None and gone.repealed_on is None


def test_a_repeal_on_the_day_of_a_lapse_wins():
    events = _events(("issued", "2001-01-01", None), ("lapsed", "2010-07-01", "A"),
                     ("repealed", "2010-07-01", "B"))
    assert status_on("连政规发〔2001〕1号", date(2011, 1, 1), events).status == "repealed"
    earlier = _events(("issued", "2001-01-01", None), ("lapsed", "2010-07-01", "A"),
                      ("repealed", "2010-08-01", "B"))
    status = status_on("连政规发〔2001〕1号", date(2011, 1, 1), earlier)
    assert (status.status, status.lapsed_by, status.repealed_on) == ("expired", "A", None)


def test_an_extension_moves_the_end_of_the_term():
    events = _events(("issued", "2001-01-01", None), ("expires", "2005-12-31", None),
                     ("expires", "2008-12-31", "连政办发〔2005〕3号"))
    assert status_on("连政规发〔2001〕1号", date(2006, 6, 1), events).status == "in_force"
    assert status_on("连政规发〔2001〕1号", date(2006, 6, 1), events).expires_on == \
        date(2008, 12, 31)
    ended = status_on("连政规发〔2001〕1号", date(2009, 1, 1), events)
    assert (ended.status, ended.lapsed_on) == ("expired", None)  # its term, not a lapse


def test_a_missed_revision_deadline_lapses_the_next_day():
    events = _events(("issued", "2001-01-01", None), ("marked_for_revision", "2010-01-01", "D"),
                     ("revision_deadline", "2010-12-31", "D"))
    marked = status_on("连政规发〔2001〕1号", date(2010, 12, 31), events)
    assert (marked.status, marked.revision_deadline) == \
        ("in_force_marked_for_revision", date(2010, 12, 31))
    assert (marked.scheduled_lapse_on, marked.scheduled_lapse_by) == (date(2011, 1, 1), "D")
    lapsed = status_on("连政规发〔2001〕1号", date(2011, 1, 1), events)
    assert (lapsed.status, lapsed.lapsed_on, lapsed.lapsed_by) == \
        ("expired", date(2011, 1, 1), "D")
    assert "revision_deadline" in set(lapsed.evidence["event"])


def test_a_revision_in_time_keeps_it_in_force():
    revised = _events(("issued", "2001-01-01", None), ("marked_for_revision", "2010-01-01", "D"),
                      ("revision_deadline", "2010-12-31", "D"), ("amended", "2010-11-01", "E"))
    status = status_on("连政规发〔2001〕1号", date(2012, 1, 1), revised)
    assert (status.status, status.lapsed_on, status.scheduled_lapse_on) == \
        ("in_force", None, None)
    # an amendment before the mark is not the revision the deadline asks for
    too_early = _events(("issued", "2001-01-01", None), ("amended", "2009-05-01", "E"),
                        ("marked_for_revision", "2010-01-01", "D"),
                        ("revision_deadline", "2010-12-31", "D"))
    assert status_on("连政规发〔2001〕1号", date(2011, 1, 1), too_early).status == "expired"
    # too late: it had lapsed already
    late = _events(("issued", "2001-01-01", None), ("marked_for_revision", "2010-01-01", "D"),
                   ("revision_deadline", "2010-12-31", "D"), ("amended", "2011-03-01", "E"))
    assert status_on("连政规发〔2001〕1号", date(2011, 6, 1), late).status == "expired"


def test_the_latest_mark_is_the_one_an_amendment_must_follow():
    events = _events(("issued", "2001-01-01", None), ("marked_for_revision", "2005-01-01", "X"),
                     ("amended", "2006-01-01", "Y"), ("marked_for_revision", "2010-01-01", "Z"))
    assert status_on("连政规发〔2001〕1号", date(2007, 1, 1), events).status == "in_force"
    again = status_on("连政规发〔2001〕1号", date(2010, 6, 1), events)
    assert (again.status, again.marked_for_revision_on) == \
        ("in_force_marked_for_revision", date(2010, 1, 1))


def test_status_table_has_the_lapse_columns():
    events = _events(("issued", "2001-01-01", None), ("lapsed", "2010-07-01", "A"))
    row = status_table(events, date(2011, 1, 1)).iloc[0]
    assert (row["status"], row["lapsed_on"], row["lapsed_by"]) == \
        ("expired", date(2010, 7, 1), "A")
    assert row["revision_deadline"] is None


def test_a_deleted_validity_clause_removes_the_term_it_had_not_yet_reached():
    # 施行期限暂定五年 deleted by an amendment before the five years ran out (连政发〔2018〕137号
    # point 12 does this to 连政规发〔2013〕2号): the document does not expire
    events = _events(("issued", "2013-02-28", None), ("expires", "2018-03-31", None),
                     ("expiry_removed", "2018-01-04", "连政发〔2018〕137号"))
    kept = status_on("连政规发〔2001〕1号", date(2019, 1, 1), events)
    assert (kept.status, kept.expires_on) == ("in_force", None)
    assert "expiry_removed" in set(kept.evidence["event"])
    assert status_table(events, date(2019, 1, 1))["status"].tolist() == ["in_force"]
    # a term that had already run out is not revived by a later deletion
    late = _events(("issued", "2013-02-28", None), ("expires", "2017-12-31", None),
                   ("expiry_removed", "2018-01-04", "连政发〔2018〕137号"))
    assert status_on("连政规发〔2001〕1号", date(2019, 1, 1), late).status == "expired"
