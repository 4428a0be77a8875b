"""config.yaml is validated when loaded: every problem one Chinese line, exit status 2."""
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from pipeline.core.config import load_config
from pipeline.core.errors import ConfigError
from tests.workspace import config_path

ROOT = Path(__file__).resolve().parents[1]


def write_config(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load((config_path()).read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def problems(tmp_path, mutate) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, mutate))
    return info.value.lines


def test_shipped_config_loads_with_the_standard():
    config = load_config(config_path())
    assert [c.code for c in config.categories] == ["A1", "A2", "B1", "B2", "B3", "B4", "B5"]
    assert len(config.departments) == 35
    assert config.column_keys[:3] == ["seq", "item_id", "category"]
    assert config.enums["status"].values == ("未启动", "整改中", "已办结")


def test_department_lookup_by_name_alias_and_prefix():
    config = load_config(config_path())
    for text in ("郏县住房和城乡建设局", "县住建局", "住建局", "郟县住房和城乡建设局", "住房和城乡建设局"):
        assert config.department(text) == "县住房和城乡建设局"
    assert config.department("县气象局") is None


def test_alias_used_by_two_departments_is_reported(tmp_path):
    def mutate(raw):
        raw["departments"][1]["aliases"] = ["发改委"]
    assert any("发改委" in line and "同时指向" in line for line in problems(tmp_path, mutate))


def test_category_without_words_is_reported(tmp_path):
    def mutate(raw):
        raw["categories"][2]["words"] = {}
    assert any("B1" in line and "words" in line for line in problems(tmp_path, mutate))


def test_missing_path_and_unknown_column_type_are_all_reported_together(tmp_path):
    def mutate(raw):
        del raw["paths"]["inbox"]
        raw["columns"][3]["type"] = "money"
    lines = problems(tmp_path, mutate)
    assert any("inbox" in line for line in lines)
    assert any("money" in line for line in lines)
    assert len(lines) >= 2


def test_enum_synonym_pointing_nowhere_is_reported(tmp_path):
    def mutate(raw):
        raw["enums"]["status"]["synonyms"]["搞定了"] = "完成了"
    assert any("搞定了" in line for line in problems(tmp_path, mutate))


def test_bad_yaml_indent_gives_line_number(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("paths:\n  inbox: inbox\n outbox: x\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "第3行" in info.value.lines[0]


def test_cli_exits_2_with_one_line_per_problem(tmp_path, capsys):
    def mutate(raw):
        raw["departments"][1]["aliases"] = ["发改委"]
        raw["categories"][0]["words"] = {}
    path = write_config(tmp_path, mutate)
    code = main(["run", "--config", str(path), "--inbox", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 2 and all(line.strip() for line in err)


def test_cli_missing_config_exits_2(tmp_path, capsys):
    assert main(["check", "x.xlsx", "--config", str(tmp_path / "none.yaml")]) == 2
    assert "找不到配置文件" in capsys.readouterr().err


def test_missing_inbox_folder_is_a_configuration_error_before_anything_is_touched(tmp_path, capsys):
    outbox = tmp_path / "outbox"
    code = main(["run", "--config", str(config_path()), "--inbox", str(tmp_path / "nope"),
                 "--outbox", str(outbox), "--db", str(tmp_path / "db.sqlite")])
    assert code == 2 and "收件箱文件夹不存在" in capsys.readouterr().err
    assert not outbox.exists() and not (tmp_path / "db.sqlite").exists()


def test_misspelt_key_and_bad_numbers_are_reported(tmp_path):
    def mutate(raw):
        raw["office"]["doc_numbr_start"] = raw["office"].pop("doc_number_start")
        raw["report"]["key_items"] = "五"
        raw["report"]["worst_overdue"] = -3
    lines = problems(tmp_path, mutate)
    assert any("doc_numbr_start" in line and "无法识别" in line for line in lines)
    assert any("key_items" in line and "五" in line for line in lines)
    assert any("worst_overdue" in line for line in lines)


def test_office_contact_and_deadlines_are_typed_with_one_home(tmp_path):
    office = load_config(config_path()).office
    assert (office.contact, office.phone, office.weekly_deadline) == ("王丽", "0375-5181234", "每周四下班前")
    assert office.resubmit_by == "每周四下班前"
    assert office.contact_line == "如有疑问，请联系郏县社会信用体系建设领导小组办公室王丽，电话 0375-5181234。"
    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    assert "resubmit_deadline" not in raw["mail"], "the resubmission deadline lives under office: only"

    def bare(raw):  # none of the four set: the defaults of OFFICE_DEFAULTS
        for key in ("contact", "phone", "weekly_deadline", "resubmit_deadline"):
            raw["office"].pop(key, None)
    office = load_config(write_config(tmp_path, bare)).office
    assert (office.contact, office.phone, office.weekly_deadline, office.resubmit_by) == ("", "", "每周四下班前", "每周四下班前")
    assert office.contact_line == ""

    def legacy(raw):  # an older config that still has it under mail:
        bare(raw)
        raw["mail"]["resubmit_deadline"] = "三个工作日内"
    assert load_config(write_config(tmp_path, legacy)).office.resubmit_by == "三个工作日内"
    assert any("officer" in p for p in problems(tmp_path, lambda raw: raw["office"].update(officer="x")))


def test_approximate_words_left_out_of_the_config_keep_their_defaults(tmp_path):
    """A config.yaml without ledger.approximate_words (an older copy) still reads 约30万 as an approximate amount."""
    from pipeline.core.normalise import AMOUNT_APPROXIMATE, parse_amount

    raw = yaml.safe_load(config_path().read_text(encoding="utf-8"))
    raw["ledger"]["approximate_words"] = {"after": ["出头"]}  # before / after_number left out
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    words = load_config(path).approximate_words
    assert parse_amount("约30万", "万元", words) == (30.0, AMOUNT_APPROXIMATE)
    assert parse_amount("30万出头", "万元", words) == (30.0, AMOUNT_APPROXIMATE)


def test_the_fast_yaml_parser_reads_the_config_as_pyyaml_does(tmp_path):
    from pipeline.core.config import _parse_yaml

    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert _parse_yaml(text) == yaml.safe_load(text)
    odd = "a: 1\nb: [x, 'y: z', \"\\u90cf\"]\nc: {d: 2021-11-26, e: ~, f: 0o17, g: 1_000}\nh: |\n  两行\n  文字\n"
    assert _parse_yaml(odd) == yaml.safe_load(odd)


def test_a_mapping_or_mail_value_that_cannot_be_read_is_a_config_error_when_loaded(tmp_path):
    """The typed sections are read when config.yaml is loaded: a bad value stops every command at the start,
    not the intake or the mail command halfway."""
    assert any("mapping.min_score" in line for line in problems(tmp_path, lambda raw: raw["mapping"].update(min_score="四十")))
    assert any("mail.imap.port" in line for line in problems(tmp_path, lambda raw: raw["mail"]["imap"].update(port="993")))
    assert any("classification" in line and "拼写错误" in line
               for line in problems(tmp_path, lambda raw: raw["classification"].update(min_scor=3)))


def test_region_prefixes_come_from_the_config(tmp_path):
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert "region_prefixes: [河南省, 平顶山市, 郏县, 县]" in text
    config = load_config(ROOT / "config.yaml")
    assert config.department("河南省平顶山市郏县住房和城乡建设局") == config.department("住建局") is not None
    other = tmp_path / "config.yaml"  # another county's office: its own region, and 郏县 is no longer taken off
    other.write_text(text.replace("region_prefixes: [河南省, 平顶山市, 郏县, 县]", "region_prefixes: [宝丰县, 县]"),
                     encoding="utf-8")
    moved = load_config(other)
    assert moved.office.region_prefixes == ("宝丰县", "县")
    assert moved.department("郏县住房和城乡建设局") is None
    assert moved.department("宝丰县住房和城乡建设局") == config.department("住建局")
