"""Load and validate config.yaml into frozen objects. Nothing else in the package reads YAML."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from pipeline.core.errors import ConfigError
from pipeline.core.text import clean_text, department_key

COLUMN_TYPES = {"seq", "item_id", "category", "text", "uscc", "enum", "case_no", "amount", "date", "status"}
REQUIRED_RULES = {"yes", "no", "case", "infer"}
FIXED_KEYS = (
    "seq item_id category company uscc company_type sector source description case_no court amount "
    "occurred_on owner_unit owner_person approach measures deadline status paid closed_on note"
).split()


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    type: str
    required: str
    synonyms: tuple[str, ...] = ()
    enum: str | None = None
    hint: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    short: str
    kind: str  # "case" or "dispute"
    synonyms: tuple[str, ...]
    words: tuple[tuple[str, int], ...]

    @property
    def dropdown(self) -> str:
        return f"{self.code} {self.label}"


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    default: str
    synonyms: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...]


# --- the run settings: one typed, frozen class per section of config.yaml, its defaults here only ---


@dataclass(frozen=True)
class RunSettings:
    archive_inbox: bool = False
    keep_db_backups: int = 5
    keep_previous_runs: int = 3
    feedback_workers: int = 4
    lock_wait_seconds: float = 0


@dataclass(frozen=True)
class TitleWords:
    """A table whose title (else file name) has an `other` word and no `ledger` word, and no column of
    `ledger_keys`, is another kind of table (进度统计表, 一览表…), rejected whole; so is a table with only one
    of 企业名称/问题描述, no column of `partial_keys` and no `ledger` word in its title (a list of companies)."""

    other: tuple[str, ...] = ()
    ledger: tuple[str, ...] = ()
    ledger_keys: tuple[str, ...] = ("category", "case_no")
    partial_keys: tuple[str, ...] = ()  # with only one of 企业名称/问题描述, a ledger has one of these columns


@dataclass(frozen=True)
class IntakeSettings:
    max_unzipped_mb: float = 300
    max_cells: int = 2_000_000
    header_scan_rows: int = 30
    min_header_keys: int = 2
    file_types: tuple[str, ...] = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls", ".et", ".ett", ".ods", ".csv")
    department_labels: tuple[str, ...] = ("填报单位", "报送单位")
    date_labels: tuple[str, ...] = ("填报日期", "报送日期")
    max_workers: int = 2
    parallel_min_files: int = 20
    title_words: TitleWords = TitleWords()


@dataclass(frozen=True)
class SlowRule:
    """进展缓慢: a unit with at least min_items items whose closing rate is below max_rate."""

    min_items: int = 2
    max_rate: float = 0.3


@dataclass(frozen=True)
class ReportSettings:
    key_items: int = 5
    worst_overdue: int = 5
    named_units: int = 5
    reply_days: int = 7
    description_chars: int = 48
    show_persons: bool = False
    slow_rule: SlowRule = SlowRule()
    pdf: bool = False


@dataclass(frozen=True)
class ApproximateWords:
    before: tuple[str, ...] = ("大约", "约合", "约", "近", "逾")  # before the number: 约30万
    after_number: tuple[str, ...] = ("余", "多")  # right after the number, before the unit: 30余万
    after: tuple[str, ...] = ("左右", "上下")  # at the end: 30万左右


@dataclass(frozen=True)
class LedgerSettings:
    title: str = "郏县政务失信问题排查整治台账"
    sheet_name: str = "台账"
    item_id_format: str = "JX-{year}-{seq:04d}"
    amount_yuan_limit: float = 100000
    approximate_words: ApproximateWords = ApproximateWords()  # 约30万, 30余万, 30万左右 (checked by _approximate_words)


@dataclass(frozen=True)
class MergeSettings:
    strip_prefixes: tuple[str, ...] = ()  # place names dropped before company names are compared
    same_item_score: float = 55  # same company and category, descriptions at least this similar: one item
    suspect_score: float = 35  # between the two: a suspected duplicate for the office
    intake_departments: tuple[str, ...] = ()  # units that pass complaints on (信访局…): they yield in a conflict
    court_department: str = ""


def _words(value: Any) -> tuple[str, ...]:
    return tuple(str(w) for w in _as_list(value))


def _keys(value: Any) -> frozenset[str]:
    return frozenset(_words(value))


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (value or {}).items())


def _scores(value: Any) -> tuple[tuple[str, float], ...]:
    return tuple((str(k), float(v)) for k, v in value.items())


def _weighted_words(value: Any) -> tuple[tuple[str, tuple[tuple[str, float], ...]], ...]:
    return tuple((str(k), tuple((str(w), float(v)) for w, v in (ws or {}).items())) for k, ws in value.items())


def _roles(value: Any) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    return tuple((_words(r.get("ends")), _keys(r.get("keys"))) for r in value.values())


def _qualifiers(value: Any) -> tuple[tuple[tuple[str, ...], str, frozenset[str]], ...]:
    return tuple((_words(q.get("words")), str(q.get("to")), _keys(q.get("from"))) for q in value.values())


def _read(convert, blank_is_default: bool = False, key: str | None = None) -> dict:
    """A field's metadata for _settings: how its value is read from the YAML, whether an empty value keeps the
    default, and the YAML key when it is no Python name (`from`)."""
    return {"read": convert, "blank_is_default": blank_is_default, "key": key}


@dataclass(frozen=True)
class OfficeSettings:
    name: str = ""
    issuer_mark: str = ""
    doc_prefix: str = ""
    doc_number_start: int = 1
    report_title: str = ""
    recipients: str = ""
    cc: str = ""
    printer: str = ""
    contact: str = ""  # the office's contact person, as departments read it
    phone: str = ""
    weekly_deadline: str = "每周四下班前"  # when each week's ledger is due
    resubmit_deadline: str = ""  # by when a returned ledger is sent again
    # taken off the front of a department's name before matching (河南省平顶山市郏县住建局 = 住建局), in order
    region_prefixes: tuple[str, ...] = field(default=("河南省", "平顶山市", "郏县", "县"), metadata=_read(_words))

    @property
    def resubmit_by(self) -> str:
        """The resubmission deadline; the weekly one when none of its own is set."""
        return self.resubmit_deadline or self.weekly_deadline

    @property
    def contact_line(self) -> str:
        """`如有疑问，请联系…` for a department, or "" when neither person nor phone is configured."""
        who = "".join(p for p in (self.name, self.contact) if p)
        phone = f"，电话 {self.phone}" if self.phone else ""
        return f"如有疑问，请联系{who}{phone}。" if self.contact or self.phone else ""


@dataclass(frozen=True)
class Enumeration:
    share: float = field(default=0.8, metadata=_read(float))  # this share of the sampled cells in one enumeration ...
    bonus: float = field(default=25, metadata=_read(float))  # ... gives that enumeration's column these points


@dataclass(frozen=True)
class DepartmentContent:
    """A cell naming a government body: a registry name, or one starting with a prefix and not ending like a business."""

    prefixes: tuple[str, ...] = field(default=(), metadata=_read(_words))
    not_ends: tuple[str, ...] = field(default=(), metadata=_read(_words))


@dataclass(frozen=True)
class MappingSettings:
    """How a column is recognised from its header words and its content (intake/columns.py, intake/files.py)."""

    min_score: float = field(default=40, metadata=_read(float))  # below it a column is no standard column
    weak_below: float = field(default=60, metadata=_read(float))  # taken, but the feedback asks to check it
    sample_rows: int = field(default=30, metadata=_read(int))  # the cells under the header judged for content
    words: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = field(default=(), metadata=_read(_weighted_words))
    content: tuple[tuple[str, float], ...] = field(default=(), metadata=_read(_scores))
    group_words: tuple[str, ...] = field(default=(), metadata=_read(_words))
    company_suffixes: tuple[str, ...] = field(
        default=("公司", "合作社", "厂", "中心", "商行"), metadata=_read(_words, blank_is_default=True)
    )
    roles: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = field(default=(), metadata=_read(_roles))
    contradicted_by_content: frozenset[str] = field(default=frozenset(), metadata=_read(_keys))
    contradicted_below: float = field(default=0.2, metadata=_read(float))
    enumeration: Enumeration = Enumeration()
    yes_no: frozenset[str] = field(default=frozenset(), metadata=_read(lambda v: frozenset(map(clean_text, _words(v)))))
    needs_content: frozenset[str] = field(default=frozenset(), metadata=_read(_keys))
    department_content: DepartmentContent = DepartmentContent()
    qualifiers: tuple[tuple[tuple[str, ...], str, frozenset[str]], ...] = field(default=(), metadata=_read(_qualifiers))
    sheet_min_keys: int = field(
        default=4, metadata=_read(int)
    )  # other columns a sheet with one of 企业名称/问题描述 needs
    instead: tuple[tuple[str, str], ...] = field(default=(), metadata=_read(_pairs))

    def content_score(self, kind: str) -> float:
        """The points a column's content of this kind is worth (20 for a kind without its own)."""
        return float(self._content.get(kind, 20))

    def instead_of(self, key: str) -> str | None:
        """The key a header guess moves to when free text contradicts it (化解进展 is measures, not a status)."""
        return self._instead.get(key)

    @cached_property
    def _content(self) -> dict[str, float]:
        return dict(self.content)

    @cached_property
    def _instead(self) -> dict[str, str]:
        return dict(self.instead)


@dataclass(frozen=True)
class ClassificationSettings:
    """How a row's category is inferred (classify.py); config.yaml must give all five scores."""

    min_score: int = field(default=3, metadata=_read(int))
    min_margin: int = field(default=2, metadata=_read(int))
    contradict_score: int = field(default=7, metadata=_read(int))
    fuzzy_threshold: float = field(default=70, metadata=_read(float))
    case_no_markers: tuple[tuple[str, str], ...] = field(default=(), metadata=_read(_pairs))  # (字 in a 案号, code)
    case_no_score: int = field(default=10, metadata=_read(int))


TLS_MODES = ("ssl", "starttls", "none")


@dataclass(frozen=True)
class MailServer:
    """mail.imap or mail.smtp; the password is never here, only the name of the variable that holds it."""

    host: str = field(default="", metadata=_read(str))  # required, as is the port, when config.yaml has mail:
    port: int = 0
    tls: str = "ssl"
    user: str = field(default="", metadata=_read(str))
    folder: str = field(default="INBOX", metadata=_read(str, blank_is_default=True))  # imap
    password_env: str = field(default="", metadata=_read(str))
    timeout: float = field(default=30, metadata=_read(float, blank_is_default=True))
    sender: str = field(default="", metadata=_read(str, key="from"))  # smtp: the From of the office's mail


@dataclass(frozen=True)
class MailSettings:
    imap: MailServer = MailServer()
    smtp: MailServer = MailServer()
    max_message_mb: float = field(default=20, metadata=_read(float))
    max_attachments: int = field(default=20, metadata=_read(int))
    accept_unknown_senders: bool = False
    replies: bool = False
    reminders: bool = False
    senders: tuple[tuple[str, str], ...] = field(default=(), metadata=_read(_pairs))  # (address, department)
    departments: tuple[tuple[str, str], ...] = field(default=(), metadata=_read(_pairs))  # (department, address)
    resubmit_deadline: str = ""  # its former home; load_config moves it to office.resubmit_deadline


SETTINGS = {
    "run": RunSettings,
    "intake": IntakeSettings,
    "office": OfficeSettings,
    "report": ReportSettings,
    "ledger": LedgerSettings,
    "merge": MergeSettings,
    "mapping": MappingSettings,
    "classification": ClassificationSettings,
    "mail": MailSettings,
}


NESTED = {
    (ReportSettings, "slow_rule"): SlowRule,
    (IntakeSettings, "title_words"): TitleWords,
    (MappingSettings, "department_content"): DepartmentContent,
    (MappingSettings, "enumeration"): Enumeration,
    (MailSettings, "imap"): MailServer,
    (MailSettings, "smtp"): MailServer,
}


def _settings(cls, spec: Any, where: str, problems: list[str]):
    """The section over its defaults (lists frozen to tuples, nested sections to their class, a field with a
    `read` in its metadata read by it); unknown keys were reported by _check_known_keys, values out of range
    by _check_numbers. A value its field cannot read is a problem."""
    spec = spec if isinstance(spec, dict) else {}
    values = {}
    for f in fields(cls):
        key = f.metadata.get("key") or f.name
        value = spec.get(key)
        if value is None or (f.metadata.get("blank_is_default") and not value):
            continue
        nested, read = NESTED.get((cls, f.name)), f.metadata.get("read")
        try:
            if nested:
                values[f.name] = _settings(nested, value, f"{where}.{key}", problems)
            else:
                values[f.name] = read(value) if read else tuple(value) if isinstance(value, list) else value
        except (AttributeError, TypeError, ValueError):
            problems.append(f"配置项 {where}.{key} 的写法无效，请对照 config.yaml 中的说明填写")
    return cls(**values)


@dataclass(frozen=True)
class Config:
    path: Path
    raw: dict = field(repr=False, hash=False, compare=False)
    columns: tuple[Column, ...] = ()
    categories: tuple[Category, ...] = ()
    enums: dict[str, Enum] = field(default_factory=dict, hash=False)
    departments: tuple[Department, ...] = ()
    paths: dict[str, Path] = field(default_factory=dict, hash=False)
    run: RunSettings = field(default_factory=RunSettings)
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    office: OfficeSettings = field(default_factory=OfficeSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    ledger: LedgerSettings = field(default_factory=LedgerSettings)
    merge: MergeSettings = field(default_factory=MergeSettings)
    mapping: MappingSettings = field(default_factory=MappingSettings)
    classification: ClassificationSettings = field(default_factory=ClassificationSettings)
    mail: MailSettings = field(default_factory=MailSettings)

    # --- lookups used across the stages ---
    @property
    def header_groups(self) -> list[dict]:
        """Parent headers over child columns (整改情况 over 整改措施/整改时限/整改状态): name, columns."""
        return [g for g in self.raw.get("header_groups") or [] if isinstance(g, dict)]

    @property
    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def category(self, code: str) -> Category:
        return next(c for c in self.categories if c.code == code)

    @property
    def closed_status(self) -> str:
        """The status of a closed item: the last configured status (未启动 → 整改中 → 已办结)."""
        return self.enums["status"].values[-1]

    @property
    def department_names(self) -> list[str]:
        return [d.name for d in self.departments]

    def words(self, name: str) -> tuple[str, ...]:
        return tuple(self.raw.get(name) or ())

    @property
    def approximate_words(self) -> ApproximateWords:
        """ledger.approximate_words: how an approximate amount (约30万, 30余万, 30万左右) is written."""
        return self.ledger.approximate_words

    def department(self, text: str) -> str | None:
        """Canonical registry name for a name or alias (郏县住房和城乡建设局 = 县住建局 = 住建局), else None."""
        return self._department_index.get(department_key(text or "", self.office.region_prefixes))

    @cached_property
    def _department_index(self) -> dict[str, str]:
        return _department_index(self.departments, self.office.region_prefixes)


APPROXIMATE_PLACES = ("before", "after_number", "after")


def _approximate_words(ledger: dict, problems: list[str]) -> ApproximateWords:
    spec = ledger.get("approximate_words") or {}
    if not isinstance(spec, dict):
        problems.append("ledger.approximate_words 应写成 before / after_number / after 三组词")
        return ApproximateWords()
    for key in spec:
        if key not in APPROXIMATE_PLACES:
            problems.append(f"ledger.approximate_words 中的 {key} 无效，应为 {'、'.join(APPROXIMATE_PLACES)} 之一")
    words = {}
    for place in APPROXIMATE_PLACES:
        if place not in spec:  # a place the config leaves out keeps its default words
            continue
        items = [str(w).strip() for w in _as_list(spec.get(place)) if w is not None]
        if any(not w or any(ch.isdigit() for ch in w) for w in items):
            problems.append(f"ledger.approximate_words.{place} 中不能有空词或含数字的词")
        words[place] = tuple(w for w in items if w)
    return ApproximateWords(**words)


def _department_index(departments: tuple[Department, ...], regions: tuple[str, ...]) -> dict[str, str]:
    index = {}
    for dep in departments:
        for label in (dep.name, *dep.aliases):
            index[department_key(label, regions)] = dep.name
    return index


def load_config(path: str | Path = "config.yaml", overrides: dict[str, str] | None = None) -> Config:
    """Read, validate and freeze the config; raise ConfigError with every problem found."""
    path = Path(path)
    raw = _read_yaml(path)
    problems: list[str] = []
    columns = _columns(raw, problems)
    enums = _enums(raw, problems)
    _check_enum_refs(columns, enums, problems)
    categories = _categories(raw, problems)
    regions = _region_prefixes(raw)
    departments = _departments(raw, regions, problems)
    paths = _paths(raw, path.parent, overrides or {}, problems)
    _check_sections(raw, problems)
    ledger = raw.get("ledger")
    approximate = _approximate_words(ledger if isinstance(ledger, dict) else {}, problems)
    _check_classification(raw, categories, problems)
    if raw.get("mail") is not None:  # mail is optional: without the section the mail commands say what is missing
        index = _department_index(departments, regions)
        problems += mail_problems(raw["mail"], lambda text: index.get(department_key(text, regions)))
    if problems:
        raise ConfigError(problems)
    typed = {name: _settings(cls, raw.get(name), name, problems) for name, cls in SETTINGS.items()}
    if problems:
        raise ConfigError(problems)
    typed["ledger"] = replace(typed["ledger"], approximate_words=approximate)
    mail_deadline = str(typed["mail"].resubmit_deadline or "").strip()
    if not typed["office"].resubmit_deadline and mail_deadline:  # its former home, still read
        typed["office"] = replace(typed["office"], resubmit_deadline=mail_deadline)
    return Config(path, raw, columns, categories, enums, departments, paths, **typed)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """The parser's complaint said in Chinese, at the line a person would look at (never its English text)."""
    problem = str(getattr(exc, "problem", "") or "")
    context = str(getattr(exc, "context", "") or "")
    mark, start = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)

    def at(m) -> str:
        return f"第{m.line + 1}行" if m else ""

    if "'\\t'" in problem or "\t" in problem:
        return f"{at(mark)}含有制表符（Tab）：YAML 只能用空格缩进，请把 Tab 换成空格"
    if "expected ':'" in problem:
        return f"{at(start or mark)}缺少冒号：每一项应写成“键: 值”（冒号后留一个空格）"
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem or "flow" in context:
        kind = "方括号 [ ]" if "]" in problem else "花括号 { }"
        return f"{at(start or mark)}开始的{kind}没有配对闭合（或其中缺少逗号），请检查到{at(mark)}为止的括号"
    if "mapping values are not allowed" in problem:
        return f"{at(mark)}不能在此处出现冒号：多为缩进不对齐，或值中含“: ”时未加引号"
    if "did not find expected key" in problem or "expected <block end>" in problem:
        return f"{at(mark)}缩进与上一级不对齐（同一级的项应左对齐）"
    if "found undefined alias" in problem or "found unknown escape" in problem:
        return f"{at(mark)}含有无法识别的特殊字符（* 或 \\ 开头的值请加引号）"
    return f"{at(mark)}格式错误（多为缩进、冒号或引号问题）"


def _parse_yaml(text: str):
    """PyYAML's C parser (libyaml, ten times faster) when the wheel has it; whatever it refuses is parsed
    again by the pure-Python parser, so what is accepted, and how a mistake is explained, is PyYAML's."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.load(text, Loader=fast)  # noqa: S506 - CSafeLoader is the safe loader
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _read_yaml(path: Path) -> dict:
    if not path.is_file():
        hint = (
            "；当前文件夹不是项目文件夹，请到项目文件夹中运行，或用 --config 指定配置文件（如 --config D:/信用办/config.yaml）"
            if path.name == "config.yaml" and not path.parent.joinpath("pipeline").is_dir()
            else ""
        )
        raise ConfigError([f"找不到配置文件：{path}{hint}"])
    try:
        raw = _parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError([f"配置文件 {path.name} {_yaml_problem(exc)}"])
    except UnicodeDecodeError:
        raise ConfigError([f"配置文件 {path.name} 不是 UTF-8 编码，请另存为 UTF-8"])
    if not isinstance(raw, dict):
        raise ConfigError([f"配置文件 {path.name} 的内容不是“键: 值”结构"])
    return raw


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _columns(raw: dict, problems: list[str]) -> tuple[Column, ...]:
    out, seen = [], set()
    for i, item in enumerate(_as_list(raw.get("columns")), 1):
        if not isinstance(item, dict) or not item.get("key") or not item.get("name"):
            problems.append(f"columns 第{i}项缺少 key 或 name")
            continue
        key = str(item["key"])
        if key in seen:
            problems.append(f"columns 中列 {key} 重复")
        seen.add(key)
        ctype, req = str(item.get("type", "text")), str(item.get("required", "no")).lower()
        if req in ("false", "none"):
            req = "no"
        if req == "true":
            req = "yes"
        if ctype not in COLUMN_TYPES:
            problems.append(f"列 {key} 的类型 {ctype} 无效，应为 {'/'.join(sorted(COLUMN_TYPES))} 之一")
        if req not in REQUIRED_RULES:
            problems.append(f"列 {key} 的 required 值 {req} 无效，应为 yes/no/case/infer")
        out.append(
            Column(
                key,
                str(item["name"]),
                ctype,
                req,
                tuple(str(s) for s in _as_list(item.get("synonyms"))),
                item.get("enum"),
                str(item.get("hint") or ""),
            )
        )
    missing = [k for k in FIXED_KEYS if k not in seen]
    if missing:
        problems.append(f"columns 缺少标准列：{'、'.join(missing)}")
    extra = [k for k in seen if k not in FIXED_KEYS]
    if extra:
        problems.append(f"columns 中的列 {'、'.join(extra)} 不是台账标准的列")
    _check_synonym_clashes(out, problems)
    return tuple(out)


def _check_synonym_clashes(columns: list[Column], problems: list[str]) -> None:
    owner: dict[str, str] = {}
    for col in columns:
        for name in (col.name, *col.synonyms):
            k = clean_text(name)
            if k in owner and owner[k] != col.key:
                problems.append(f"表头“{name}”同时是列 {owner[k]} 和 {col.key} 的名称或同义词")
            owner[k] = col.key


def _enums(raw: dict, problems: list[str]) -> dict[str, Enum]:
    out: dict[str, Enum] = {}
    enums = raw.get("enums") or {}
    if not isinstance(enums, dict):
        problems.append("enums 应为“名称: 定义”的结构")
        return out
    for name, spec in enums.items():
        spec = spec or {}
        values = tuple(str(v) for v in _as_list(spec.get("values")))
        if not values:
            problems.append(f"枚举 {name} 没有取值（values）")
        syn = spec.get("synonyms") or {}
        for src, dst in syn.items():
            if str(dst) not in values:
                problems.append(f"枚举 {name} 的同义词 {src} 指向不存在的取值 {dst}")
        default = str(spec.get("default") if spec.get("default") is not None else "")
        if default and default not in values:
            problems.append(f"枚举 {name} 的默认值 {default} 不在取值中")
        out[name] = Enum(name, values, default, tuple((str(k), str(v)) for k, v in syn.items()))
    if "status" not in out:
        problems.append("enums 缺少 status（整改状态）")
    return out


def _check_enum_refs(columns, enums, problems) -> None:
    for col in columns:
        if col.type == "enum" and col.enum not in enums:
            problems.append(f"列 {col.key} 引用的枚举 {col.enum} 未在 enums 中定义")


def _categories(raw: dict, problems: list[str]) -> tuple[Category, ...]:
    out, seen = [], set()
    for i, item in enumerate(_as_list(raw.get("categories")), 1):
        if not isinstance(item, dict) or not item.get("code"):
            problems.append(f"categories 第{i}项缺少 code")
            continue
        code = str(item["code"])
        if code in seen:
            problems.append(f"问题类别 {code} 重复")
        seen.add(code)
        words = item.get("words") or {}
        if not words:
            problems.append(f"问题类别 {code} 没有推断用词（words）")
        elif not isinstance(words, dict) or not all(isinstance(v, (int, float)) for v in words.values()):
            problems.append(f"问题类别 {code} 的 words 应为“词: 权重数字”")
            words = {}
        kind = str(item.get("kind", ""))
        if kind not in ("case", "dispute"):
            problems.append(f"问题类别 {code} 的 kind 应为 case 或 dispute")
        for key in ("label", "short"):
            if not item.get(key):
                problems.append(f"问题类别 {code} 缺少 {key}")
        out.append(
            Category(
                code,
                str(item.get("label", "")),
                str(item.get("short", "")),
                kind,
                tuple(str(s) for s in _as_list(item.get("synonyms"))),
                tuple((str(w), int(s)) for w, s in words.items()),
            )
        )
    if not out:
        problems.append("categories 为空：至少需要一个问题类别")
    return tuple(out)


def _region_prefixes(raw: dict) -> tuple[str, ...]:
    """office.region_prefixes, read as the office section reads it, for the departments read before it."""
    office = raw.get("office")
    written = office.get("region_prefixes") if isinstance(office, dict) else None
    return OfficeSettings.region_prefixes if written is None else _words(written)


def _departments(raw: dict, regions: tuple[str, ...], problems: list[str]) -> tuple[Department, ...]:
    out: list[Department] = []
    owner: dict[str, str] = {}
    for i, item in enumerate(_as_list(raw.get("departments")), 1):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or not item.get("name"):
            problems.append(f"departments 第{i}项缺少 name")
            continue
        dep = Department(str(item["name"]), tuple(str(a) for a in _as_list(item.get("aliases"))))
        for label in (dep.name, *dep.aliases):
            key = department_key(label, regions)
            if key in owner and owner[key] != dep.name:
                problems.append(f"单位简称“{label}”同时指向 {owner[key]} 和 {dep.name}")
            owner[key] = dep.name
        if len(set(dep.aliases)) < len(dep.aliases):
            problems.append(f"单位 {dep.name} 的简称有重复")
        out.append(dep)
    if not out:
        problems.append("departments 为空：单位名录至少需要一个单位")
    return tuple(out)


def _paths(raw: dict, base: Path, overrides: dict[str, str], problems: list[str]) -> dict[str, Path]:
    spec = dict(raw.get("paths") or {})
    spec.update({k: v for k, v in overrides.items() if v})
    out = {}
    for key in ("inbox", "outbox", "database", "archive", "quarantine", "corrections", "logs"):
        value = spec.get(key)
        if not value:
            problems.append(f"paths 缺少 {key}")
            continue
        p = Path(str(value))
        out[key] = p if p.is_absolute() or key in overrides else base / p
    return out


# The keys each section may hold; a misspelt key would otherwise be silently ignored.
KNOWN_KEYS = {
    "": "version paths run intake office report ledger categories classification columns header_groups enums "
    "zero_report_phrases footnote_words total_words skip_sheet_words merge departments mail mapping",
    "paths": "inbox outbox database archive quarantine corrections logs",
    **{name: " ".join(f.metadata.get("key") or f.name for f in fields(cls)) for name, cls in SETTINGS.items()},
}
# (section, key, smallest allowed value, whole number?)
NUMBERS = [
    ("office", "doc_number_start", 1, True),
    ("report", "key_items", 0, True),
    ("report", "worst_overdue", 0, True),
    ("report", "named_units", 1, True),
    ("report", "reply_days", 0, True),
    ("report", "description_chars", 10, True),
    ("run", "keep_db_backups", 0, True),
    ("run", "keep_previous_runs", 0, True),
    ("run", "lock_wait_seconds", 0, False),
    ("ledger", "amount_yuan_limit", 0, False),
    ("intake", "max_unzipped_mb", 1, False),
    ("intake", "max_cells", 1000, True),
    ("intake", "header_scan_rows", 1, True),
    ("intake", "max_workers", 1, True),
    ("intake", "parallel_min_files", 1, True),
    ("run", "feedback_workers", 1, True),
]

# (section, key, lowest, highest): scores are similarities or points on a 0–100 scale; counts are never negative
RANGES = [
    ("mapping", "min_score", 0, 100),
    ("mapping", "weak_below", 0, 100),
    ("mapping", "sample_rows", 1, None),
    ("merge", "same_item_score", 0, 100),
    ("merge", "suspect_score", 0, 100),
    ("classification", "fuzzy_threshold", 0, 100),
    ("classification", "min_score", 0, None),
    ("classification", "min_margin", 0, None),
    ("classification", "contradict_score", 0, None),
    ("classification", "case_no_score", 0, None),
]


def _check_ranges(raw: dict, problems: list[str]) -> None:
    for section, key, low, high in RANGES:
        value = (raw.get(section) or {}).get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue  # a missing or non-numeric value is reported where the section is checked
        if value < low or (high is not None and value > high):
            want = f"{low} 到 {high} 之间" if high is not None else f"不小于 {low}"
            problems.append(f"配置项 {section}.{key} 的值“{value}”超出范围，应为{want}的数")


def _check_known_keys(raw: dict, problems: list[str]) -> None:
    for section, names in KNOWN_KEYS.items():
        spec = raw if not section else raw.get(section)
        if not isinstance(spec, dict):
            continue
        unknown = [str(k) for k in spec if str(k) not in names.split()]
        where = f"{section} 中" if section else "顶层"
        problems += [f"配置项 {where}的“{k}”无法识别（拼写错误？可用：{names.replace(' ', '、')}）" for k in unknown]


def _check_numbers(raw: dict, problems: list[str]) -> None:
    for section, key, least, whole in NUMBERS:
        value = (raw.get(section) or {}).get(key)
        if value is None:
            continue
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= least
        if not ok or (whole and not float(value).is_integer()):
            kind = "整数" if whole else "数字"
            problems.append(f"配置项 {section}.{key} 的值“{value}”无效，应为不小于 {least} 的{kind}")
    rule = (raw.get("report") or {}).get("slow_rule") or {}
    rate = rule.get("max_rate", 0.3)
    if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        problems.append(f"配置项 report.slow_rule.max_rate 的值“{rate}”无效，应为 0 到 1 之间的小数（如 0.3）")


def _check_sections(raw: dict, problems: list[str]) -> None:
    _check_known_keys(raw, problems)
    _check_numbers(raw, problems)
    _check_ranges(raw, problems)
    office = raw.get("office") or {}
    for key in ("name", "issuer_mark", "doc_prefix", "report_title", "recipients"):
        if not office.get(key):
            problems.append(f"office 缺少 {key}（通报的发文信息）")
    merge = raw.get("merge") or {}
    same, suspect = merge.get("same_item_score"), merge.get("suspect_score")
    if not isinstance(same, (int, float)) or not isinstance(suspect, (int, float)) or suspect > same:
        problems.append("merge 的 same_item_score 与 suspect_score 应为数字，且 suspect_score 不大于 same_item_score")


def mail_problems(spec: Any, department: Callable[[str], str | None]) -> list[str]:
    """What is wrong in a `mail:` section, one line each (`department`: the registry lookup, as Config.department)."""
    mail = spec if isinstance(spec, dict) else {}
    problems = [f"mail.{name}.{p}" for name in ("imap", "smtp") for p in _server_problems(mail.get(name))]
    for address, dep in (mail.get("senders") or {}).items():
        if not department(str(dep)):
            problems.append(f"mail.senders 中 {address} 对应的单位“{dep}”不在单位名录中")
    for dep in mail.get("departments") or {}:
        if not department(str(dep)):
            problems.append(f"mail.departments 中的单位“{dep}”不在单位名录中")
    return problems


def _server_problems(spec: Any) -> list[str]:
    server = spec if isinstance(spec, dict) else {}
    out = []
    if not server.get("host"):
        out.append("host：未填写服务器地址")
    if not isinstance(server.get("port"), int):
        out.append("port：端口应为数字")
    if str(server.get("tls", "ssl")) not in TLS_MODES:
        out.append(f"tls：应为 {' / '.join(TLS_MODES)} 之一")
    if "password" in server:
        out.append("password：不要把密码写在 config.yaml 中，请放在 password_env 指定的环境变量里")
    return out


def _check_classification(raw: dict, categories: tuple[Category, ...], problems: list[str]) -> None:
    section = raw.get("classification") or {}
    for key in ("min_score", "min_margin", "contradict_score", "fuzzy_threshold", "case_no_score"):
        if not isinstance(section.get(key), (int, float)) or isinstance(section.get(key), bool):
            problems.append(f"classification 缺少 {key}，或不是数字")
    markers = section.get("case_no_markers") or {}
    codes = {c.code for c in categories}
    if not isinstance(markers, dict):
        problems.append("classification 的 case_no_markers 应为“案号中的字: 类别代码”")
    else:
        for marker, code in markers.items():
            if str(code) not in codes:
                problems.append(f"classification 的 case_no_markers 中“{marker}”指向不存在的类别 {code}")


@lru_cache(maxsize=8)
def _id_format_pattern(fmt: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]*\})", fmt)
    body = "".join(r"\d{4}" if p.startswith("{year") else r"\d+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(body, re.IGNORECASE)


def item_id_pattern(config: Config) -> re.Pattern:
    """The regex of a 问题编号 made by ledger.item_id_format (JX-{year}-{seq:04d} → JX-\\d{4}-\\d+); use fullmatch."""
    return _id_format_pattern(str(config.ledger.item_id_format))
