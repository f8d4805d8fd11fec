"""task_assignments: the two 重点任务分工表 of 连政办发〔2018〕166号, the 18 tasks with a
责任单位 in 连政办发〔2018〕161号, and invented tables and prose in other layouts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.extractors import Context
from etl.extractors.task_assignments import extract, read_deadline, split_units
from etl.read import read_text


def tasks(issue) -> pd.DataFrame:
    return pd.DataFrame(extract(issue, Context()).rows.get("task_assignments", []))


def by_line(frame: pd.DataFrame, line: int) -> dict:
    rows = frame[frame["source_line"] == line]
    assert len(rows) == 1, f"no single task at line {line}"
    return rows.iloc[0].to_dict()


@pytest.fixture(scope="module")
def t2018(issue_2018):
    return tasks(issue_2018)


def test_counts(t2018, issue_2022):
    assert len(t2018) == 59
    tables = t2018[t2018["layout"] == "table"]
    assert set(tables["doc_number"]) == {"连政办发〔2018〕166号"}
    assert tables[tables["source_line"].between(945, 971)]["task_seq"].tolist() == list(
        range(1, 21))
    assert tables[tables["source_line"].between(1047, 1074)]["task_seq"].tolist() == list(
        range(1, 22))
    assert tables["part_title"].value_counts().to_dict() == {
        "连云港市加强个人诚信体系建设的实施意见": 21,
        "连云港市全面加强电子商务领域诚信建设的实施办法": 20}
    prose = t2018[t2018["layout"] == "prose"]
    assert len(prose) == 18 and set(prose["doc_number"]) == {"连政办发〔2018〕161号"}
    assert prose["task_seq"].tolist() == list(range(1, 19))
    assert set(prose["part_title"]) == {"连云港市改革完善全科医生培养与使用激励机制实施方案"}
    assert prose["responsible_units"].notna().all() and prose["lead_units"].isna().all()
    assert t2018["quality_flags"].map(len).sum() == 0
    assert tasks(issue_2022).empty  # 2022-10 prints no task assignment


def test_table_rows(t2018):
    first = by_line(t2018, 948)
    assert first["task_title"] == "建立实名登记和认证制度"
    assert first["lead_units"] == first["lead_units_raw"] == "市公安局"
    assert first["supporting_units"] == (
        "市通信行业管理办公室；市商务局；市工商局；市网信办；各县（区）政府")
    assert first["supporting_units_raw"] == (
        "市通信行业管理办公室、市商务局、市工商局、市网信办，各县（区）政府")
    assert first["section"] == "重点任务分工表" and pd.isna(first["responsible_units"])
    assert pd.isna(first["deadline"]) and pd.isna(first["deadline_raw"])

    two_leads = by_line(t2018, 950)  # brackets inside a unit; a collective after 等
    assert two_leads["lead_units"] == "市商务局；市经信委（市信用办）"
    assert two_leads["supporting_units"] == "市工商局；人民银行连云港中心支行；等市有关部门"

    wrapped = by_line(t2018, 1063)  # line-break spaces inside names: 市信 用办
    assert wrapped["lead_units_raw"] == "人民银行市中心支行、市信 用办"
    assert wrapped["lead_units"] == "人民银行市中心支行；市信用办"
    assert wrapped["supporting_units"] == "市公安局；市网信办；等市有关部门"

    three = by_line(t2018, 1073)
    assert three["task_seq"] == 20 and three["doc_number"] == "连政办发〔2018〕166号"
    assert three["lead_units"] == "市发改委（市目标办）；市编办（市绩效办）；市信用办"
    assert three["supporting_units"] == "各县区；市相关部门"


def test_prose_rows(t2018):
    first = by_line(t2018, 519)
    assert (first["task_label"], first["task_title"]) == ("1.", "深化医学院校全科医学教育改革")
    assert first["section"] == "（一）进一步改革完善全科医生培养制度"
    assert first["responsible_units"] == "市教育局；市卫计委；市人社局；市编委办"
    assert first["responsible_units_raw"] == "市教育局、市卫计委、市人社局、市编委办"
    assert first["task"].startswith("深化医学院校全科医学教育改革。加强高等医学院校")
    assert "责任单位" not in first["task"]

    wrapped = by_line(t2018, 521)  # the task runs onto line 523, where its units are
    assert wrapped["units_line"] == 523
    assert wrapped["responsible_units"] == "市卫计委；市教育局；市财政局"
    assert "专业住院医师规范化培训招生规模" in wrapped["task"]

    heading = by_line(t2018, 561)  # （一）强化组织领导, its units on a line of their own (565)
    assert (heading["task_label"], heading["task_title"]) == ("（一）", "强化组织领导")
    assert heading["section"] == "四、保障措施" and heading["units_line"] == 565
    assert heading["responsible_units"] == "市卫计委；市编委办；市人社局；市教育局"
    assert heading["task"].startswith("各县区、各部门要充分认识")

    last = by_line(t2018, 577)
    assert (last["task_seq"], last["task_title"], last["responsible_units"]) == (
        18, "强化宣传引导", "市卫计委")


# --- other layouts (invented) -----------------------------------------------------------------


COLUMNS = """\
# 市政府办公室关于印发某某工作方案的通知

连政办发〔2021〕9号

各县、区人民政府：

现印发给你们。

连云港市人民政府办公室

2021年3月1日

## 某某工作方案

## 重点任务分工表

序号\t重点任务\t牵头单位\t责任单位\t完成时限
1\t建设平台。完成建设。\t市发改委\t市财政局、司法制办等\t2021年6月底前
2\t推进改革。\t市财政局\t各县（区）政府\t2021年12月31日
3\t长期坚持。\t市教育局\t\t长期坚持
"""

PROSE = """\
# 市政府关于某某工作的意见

连政发〔2021〕3号

各县、区人民政府：

一、主要任务

1. 加强统筹。做好工作。（牵头单位：市发改委；配合单位：市财政局、市审计局；完成时限：2021年底）

2. 完善机制。（责任单位：市人社局、市卫健委）

排在第一位的为牵头单位。

连云港市人民政府

2021年2月1日
"""


def invented(text: str) -> pd.DataFrame:
    return tasks(read_text(text, "fixture-2021-01.md", "2021-01"))


def test_separate_columns_and_deadlines():
    frame = invented(COLUMNS)
    assert len(frame) == 3 and set(frame["layout"]) == {"table"}
    first = frame.iloc[0]
    assert first["doc_number"] == "连政办发〔2021〕9号"
    assert first["lead_units"] == "市发改委"
    # 责任单位 beside 牵头单位 names the others; 司法制办 through the reviewed agency table
    assert first["supporting_units"] == "市财政局；市法制办；等"
    assert first["supporting_units_raw"] == "市财政局、司法制办等"
    assert (first["deadline"], first["deadline_raw"]) == (date(2021, 6, 30), "2021年6月底前")
    assert first["quality_flags"] == ["agency_name_fixed", "deadline_end_of_period"]
    second = frame.iloc[1]
    assert second["deadline"] == date(2021, 12, 31) and second["quality_flags"] == []
    assert second["supporting_units"] == "各县（区）政府"
    third = frame.iloc[2]
    assert pd.isna(third["deadline"]) and third["quality_flags"] == ["deadline_not_a_date"]


def test_prose_labels_and_first_listed_leads():
    frame = invented(PROSE)
    assert len(frame) == 2 and set(frame["layout"]) == {"prose"}
    first = frame.iloc[0]
    assert (first["lead_units"], first["supporting_units"]) == ("市发改委", "市财政局；市审计局")
    assert first["deadline"] == date(2021, 12, 31) and first["deadline_raw"] == "2021年底"
    assert first["section"] == "一、主要任务" and first["task_title"] == "加强统筹"
    second = frame.iloc[1]  # the document says the first listed leads
    assert (second["lead_units"], second["supporting_units"]) == ("市人社局", "市卫健委")
    assert second["responsible_units"] == "市人社局；市卫健委"
    assert "lead_by_position" in second["quality_flags"]


def test_unit_splitting_and_deadlines():
    assert split_units("市经信委（市信用办）、市工商局等市有关部门，各县（区）政府") == [
        "市经信委（市信用办）", "市工商局", "等市有关部门", "各县（区）政府"]
    assert split_units("各县区、市各有关部门") == ["各县区", "市各有关部门"]
    assert read_deadline("2019年二季度") == (date(2019, 6, 30), ["deadline_end_of_period"])
    assert read_deadline("2019年上半年")[0] == date(2019, 6, 30)
    assert read_deadline("2019年2月30日前") == (None, ["date_impossible"])
    assert read_deadline(None) == (None, [])


def test_published_frame(build):
    frame = build.frames["task_assignments"]
    assert frame.groupby(["doc_number", "layout"]).size().to_dict() == {
        ("连政办发〔2018〕161号", "prose"): 18, ("连政办发〔2018〕166号", "table"): 41}
