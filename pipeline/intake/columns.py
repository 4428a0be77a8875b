"""Column mapper (intake): which standard key each column of a sheet holds, from two kinds of evidence.

1. The header text. The exact name or a synonym from config.yaml is the strongest evidence; then a
   contained name or synonym (企业名称（全称）); then the words: core words shared with a key
   (描述/情况/内容…, 时限/期限…) and the character pairs shared with its name and synonyms, after
   units, hints and markers are removed (`（元）`, `（请选择）`, `（格式：…）`, `*`, line breaks).
2. The column's content, from a sample of its cells: credit codes, 案号, dates, amounts, enumeration
   values, status words, category codes, company names, registry departments, long free text.

Scores add up; the best assignment is found greedily (each key at most one column, each column at
most one key). A column whose header already names a key exactly is never second-guessed by its
content, so a standard ledger costs no content analysis. The words, weights and thresholds live in
the `mapping:` section of config.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.core.config import Config, MappingSettings, item_id_pattern
from pipeline.core.normalise import parse_amount, parse_date, parse_enum
from pipeline.core.text import cell_text, clean_text, department_key, header_key

EXACT, SYNONYM, CONTAINED, WORDS, CONTENT = "标准列名", "表头同义词", "表头近义词", "表头用词", "单元格内容"
# Why a column was taken, in the words a department's clerk reads in the feedback ({name}: the standard name).
_WHY = {
    EXACT: "表头就是标准列名",
    SYNONYM: "表头“{text}”是“{name}”的常见写法",
    CONTAINED: "表头“{text}”中含有“{name}”或它的常见写法",
    WORDS: "表头“{text}”的用词与“{name}”相近",
    CONTENT: "该列所填的内容与“{name}”相符",
}


def why(how: str, text: str, name: str) -> str:
    """The reason a column with header `text` was read as the standard column `name`, in plain words."""
    return _WHY.get(how, "表头与“{name}”相近").format(text=text, name=name)


_HINT = re.compile(r"[（(][^）)]*[）)]")
_MARKS = re.compile(r"[*＊※★☆:：\s]")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_CASE_NO = re.compile(r"[（(]\d{4}[）)].{0,12}?\d+号")
_UNIT_ONLY = re.compile(r"^(?:单位[:：]?)?(?:万元|元|万|亿元)$")


@dataclass
class Mapped:
    """One column's decision."""

    col: int
    text: str  # the header text as read (parent and child joined by " / ")
    key: str | None
    how: str = ""  # one of EXACT … CONTENT
    score: float = 0.0
    weak: bool = False


@lru_cache(maxsize=8)
def _text_keys(columns: tuple) -> frozenset[str]:
    """The free-text keys: content of enumeration values is none of them."""
    return frozenset(c.key for c in columns if c.type == "text")


def map_columns(headers: dict[int, list[str]], samples: dict[int, list], config: Config) -> dict[int, Mapped]:
    """headers: column → header texts to try (the child's, then parent + child); samples: column → cells."""
    opts = config.mapping
    index = _labels(config.columns)
    by_col = {col: _header_scores(texts, index, opts) for col, texts in headers.items()}
    exact_keys = {k for found in by_col.values() for k, (s, h) in found.items() if h in (EXACT, SYNONYM)}
    open_keys = [c.key for c in config.columns if c.key not in exact_keys]
    scores: list[tuple[float, int, str, str]] = []
    for col, found in by_col.items():
        if col in samples and _content_may_decide(found, _text_keys(config.columns)):
            found = _with_content(found, samples[col], open_keys, config, opts)
        scores.extend((score, col, key, how) for key, (score, how) in found.items())
    return _assign(headers, scores, opts)


# What content a header guess needs not to be contradicted: looser than what scores. A 序号 column is not
# always a clean 1, 2, 3 … (merged rows, 1-1); a date may be an Excel serial or 20211115 typed as a number;
# a status column may hold 是/否 (是否化解).
_LOOSE = {"seq": "number_like", "date": "date_like", "status": "status_like"}


def _content_may_decide(found: dict[str, tuple[float, str]], text_keys: frozenset[str]) -> bool:
    """The standard name is never second-guessed (a standard ledger costs no content analysis), nor a
    synonym of a typed key; a synonym of a free-text key is (推进情况 over 已办结/整改中 is a status)."""
    if any(h == EXACT for _, h in found.values()):
        return False
    return not any(h == SYNONYM and k not in text_keys for k, (_, h) in found.items())


def _with_content(
    found: dict[str, tuple[float, str]], cells: list, open_keys: list[str], config: Config, opts: MappingSettings
) -> dict[str, tuple[float, str]]:
    """The header's scores weighed with the content: content of another kind voids a guess from header
    words for a typed key (工单编号 over 2024031500123 is no 序号); content of a configured enumeration
    outweighs a free-text key's header (推进情况 over status words); then each kind of content adds its score."""
    values = [v for v in cells if cell_text(v)]
    if len(values) < 2:
        return found
    kinds = _kinds(values, config, opts)
    kind_of = _kinds_of_keys(config.columns)
    out = {k: v for k, v in found.items() if not _contradicted(k, v[1], kinds, kind_of, opts)}
    for key in found.keys() - out.keys():  # 化解进展 over free text is no status: it tells the measures
        other = opts.instead_of(key)
        if (
            other
            and kinds.get("long_text", 0.0) + kinds.get("text", 0.0) > 0
            and found[key][0] > out.get(other, (0.0, ""))[0]
        ):
            out[other] = found[key]
    enumerated = {
        k
        for k in open_keys
        if kind_of[k].startswith(("enum:", "status")) and kinds.get(kind_of[k], 0.0) >= opts.enumeration.share
    }
    bonus = 0.0
    if enumerated:
        text = {k for k in out if k in _text_keys(config.columns)}
        bonus = opts.enumeration.bonus if text else 0.0
        out = {k: v for k, v in out.items() if k not in text}
    for key, score in _content_scores(kinds, open_keys, config, opts).items():
        header = out.get(key, (0.0, ""))[0]
        extra = bonus if key in enumerated else 0.0
        out[key] = (header + score + extra, CONTENT if header < score + extra else WORDS)
    return out


def _contradicted(key: str, how: str, kinds: dict[str, float], kind_of: dict[str, str], opts: MappingSettings) -> bool:
    """A header guess the content says is wrong: a typed key over other content (工单编号 over long
    numbers), or a key guessed from header words alone over none of its content (项目名称 over
    工程名称 is no 企业名称; 施工单位 over company names is no 责任单位)."""
    if how not in (CONTAINED, WORDS):
        return False
    if not (key in opts.contradicted_by_content or (how == WORDS and key in opts.needs_content)):
        return False
    return kinds.get(_LOOSE.get(kind_of[key], kind_of[key]), 0.0) < opts.contradicted_below


def _assign(headers: dict[int, list[str]], scores: list, opts: MappingSettings) -> dict[int, Mapped]:
    out = {
        col: Mapped(col, " / ".join(dict.fromkeys(texts)) if len(texts) > 1 else texts[0], None)
        for col, texts in headers.items()
    }
    taken: set[str] = set()
    for score, col, key, how in sorted(scores, key=lambda s: (-s[0], s[1])):
        if score < opts.min_score or key in taken or out[col].key:
            continue
        taken.add(key)
        out[col].key, out[col].how, out[col].score = key, how, score
        out[col].weak = score < opts.weak_below
    return out


# --- header evidence -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # hashed by identity: one per config, cached
class _Labels:
    exact: dict[str, str]  # header key → column key
    names: dict[str, str]  # column key → its standard name's header key
    pairs: dict[str, tuple[frozenset, ...]]  # column key → character pairs of its name and each synonym
    any_pair: dict[str, frozenset]  # column key → all of those pairs (a quick test before the similarity)


@lru_cache(maxsize=8)
def _labels(columns: tuple) -> _Labels:
    exact: dict[str, str] = {}
    pairs: dict[str, tuple[frozenset, ...]] = {}
    for col in columns:
        labels = tuple(dict.fromkeys(header_key(x) for x in (col.name, *col.synonyms)))
        pairs[col.key] = tuple(_pairs(label) for label in labels)
        for label in labels:
            exact.setdefault(label, col.key)
    return _Labels(
        exact, {c.key: header_key(c.name) for c in columns}, pairs, {k: frozenset().union(*p) for k, p in pairs.items()}
    )


def core_text(text: str) -> str:
    """A header without hints and markers: `涉及金额（元）*` → `涉及金额`, `类别（请选择）` → `类别`."""
    bare = _HINT.sub("", clean_text(text))
    return _MARKS.sub("", bare) or header_key(text)


def _header_scores(texts: list[str], index: _Labels, opts: MappingSettings) -> dict[str, tuple[float, str]]:
    """The best score per key over the texts; the second text (parent + child) counts by its words
    only, so a parent's own name (企业基本情况) never decides what its child (名称) is."""
    best: dict[str, tuple[float, str]] = {}
    for i, text in enumerate(texts):
        found_all = _one_header(text, index, opts)
        if i:  # 企业 + 类型 = 企业类型: an exact name made with the parent is more specific than the child's
            found_all = {
                k: (v[0] + 1, v[1]) if v[1] in (EXACT, SYNONYM) else v
                for k, v in found_all.items()
                if v[1] != CONTAINED
            }
        for key, found in found_all.items():
            if found[0] > best.get(key, (0, ""))[0]:
                best[key] = found
    return best


@lru_cache(maxsize=20_000)
def _one_header_cached(text: str, index: _Labels, words: tuple, roles: tuple = (), qualifiers: tuple = ()) -> tuple:
    keyed = header_key(text)
    core = core_text(text)
    for candidate in (keyed, core):
        if candidate in index.exact:
            key = index.exact[candidate]
            return ((key, 100.0, EXACT if candidate == index.names[key] else SYNONYM),)
    if not core or len(core) > 20 or _UNIT_ONLY.match(core):  # long text is a title or a note, not a header
        return ()
    contained = [(len(label), key) for label, key in index.exact.items() if len(label) >= 2 and label in core]
    out: dict[str, tuple[float, str]] = {}
    if contained:
        size, key = max(contained)
        out[key] = (45.0 + 30.0 * size / len(core), CONTAINED)  # 金额 in 已兑现金额 says less than in 涉及金额数
    pairs = _pairs(core)
    seen = {word for _, key_words in words for word, _ in key_words if word in core}
    hidden = {w for w in seen if any(w != o and w in o for o in seen)}  # 申请人 inside 被申请人 says nothing
    ending = {
        key: any(core.endswith(w) for w, _ in key_words if w in seen and w not in hidden) for key, key_words in words
    }
    for key, key_words in words:
        # a word at the end counts twice: the last word of a Chinese compound says what it is (牵头领导 is a person)
        weight = sum(
            w * (2 if core.endswith(word) else 1) for word, w in key_words if word in seen and word not in hidden
        )
        shared = pairs & index.any_pair.get(key, frozenset())
        if not weight and not shared:
            continue
        similarity = max((_dice(pairs, label) for label in index.pairs.get(key, ())), default=0.0) if shared else 0.0
        score = min(70.0, 18.0 * weight) + 30.0 * similarity  # the words, then how alike (breaks ties)
        if score > out.get(key, (0, ""))[0]:
            out[key] = (score, WORDS)
    for ends, keys in roles:  # 承办法官 ends in a person: no unit, whatever 承办 says (unless its own word ends it)
        if core.endswith(ends):
            for key in [k for k in out if k not in keys and not ending.get(k)]:
                del out[key]
            break
    _qualify(core, out, qualifiers)
    return tuple((k, s, h) for k, (s, h) in out.items() if s > 0)


def _qualify(core: str, out: dict[str, tuple[float, str]], qualifiers: tuple) -> None:
    """A word before the head says which of several like columns it is: 预计/计划 + a date is the planned
    date (整改时限), not the day it was closed; 化解 + 时间 is the day it was resolved, not the day it began.
    The first rule whose word is in the header and whose `from` keys hold the best guess moves it."""
    if not out:
        return
    best = max(out, key=lambda k: out[k][0])
    for words, to, sources in qualifiers:
        if best in sources and any(w in core for w in words):
            score, how = out[best]
            for key in sources:
                out.pop(key, None)
            if score >= out.get(to, (0.0, ""))[0]:
                out[to] = (score, how)
            return


def _one_header(text: str, index: _Labels, opts: MappingSettings) -> dict[str, tuple[float, str]]:
    return {k: (s, h) for k, s, h in _one_header_cached(text, index, opts.words, opts.roles, opts.qualifiers)}


def _pairs(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset([text])


def _dice(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


# --- content evidence ------------------------------------------------------------------------------


def _content_scores(
    kinds: dict[str, float], keys: list[str], config: Config, opts: MappingSettings
) -> dict[str, float]:
    kind_of = _kinds_of_keys(config.columns)
    out: dict[str, float] = {}
    for key in keys:
        kind = kind_of[key]
        share = kinds.get(kind, 0.0)
        if share >= 0.6:
            out[key] = opts.content_score(kind) * share
    return out


@lru_cache(maxsize=8)
def _kinds_of_keys(columns: tuple) -> dict[str, str]:
    return {c.key: _kind_of(c) for c in columns}


def _kind_of(column) -> str:
    if column.type == "enum":
        return f"enum:{column.enum}"
    if column.type == "text":
        return {"company": "company", "owner_unit": "department", "description": "long_text"}.get(column.key, "")
    return column.type


def _kinds(values: list, config: Config, opts: MappingSettings) -> dict[str, float]:
    """For each kind of content, the share of the sampled cells that look like it."""
    n = len(values)
    texts = [cell_text(v) for v in values]
    counts: dict[str, int] = {}

    def count(kind: str, test) -> None:
        counts[kind] = sum(1 for v, t in zip(values, texts) if test(v, t))

    count("uscc", lambda v, t: len(t) == 18 and bool(_USCC.match(t.upper())))  # the form, not the check digit
    count("item_id", lambda v, t: bool(item_id_pattern(config).fullmatch(t)))
    shares_seq = 1.0 if _is_sequence(values) else 0.0
    count("number_like", _is_number_like)
    count("case_no", lambda v, t: bool(_CASE_NO.search(t)))
    count("date", lambda v, t: _is_date(v, t))
    count("amount", lambda v, t: _is_amount(v, t))
    # yes/no is no status (是否逾期); a header naming the status (是否办结) still decides by itself
    count("status", lambda v, t: t not in opts.yes_no and parse_enum(t, config.enums["status"])[1])
    count("status_like", lambda v, t: t in opts.yes_no or parse_enum(t, config.enums["status"])[1])
    count("date_like", _is_date_like)
    for name, enum in config.enums.items():
        if name != "status":
            count(f"enum:{name}", lambda v, t, e=enum: parse_enum(t, e)[1])
    count("category", lambda v, t: _is_category(t, config))
    suffixes = opts.company_suffixes
    count("company", lambda v, t: isinstance(v, str) and 4 <= len(t) <= 40 and t.endswith(suffixes))
    count("department", lambda v, t: isinstance(v, str) and _is_department(t, config))
    shares_text = sum(1 for v, t in zip(values, texts) if isinstance(v, str) and len(t) >= 4) / n
    long_share = sum(1 for v, t in zip(values, texts) if isinstance(v, str) and len(t) >= 12) / n
    shares = {k: c / n for k, c in counts.items()}
    shares["long_text"] = long_share
    shares["text"] = shares_text
    shares["seq"] = shares_seq
    if shares["amount"] and _is_sequence(values):
        shares["amount"] = 0.0  # 1, 2, 3 … is 序号
    return shares


def _is_department(text: str, config: Config) -> bool:
    """A government body: a registry name, or a short name that contains one (县财政局经建股, 冢头镇财政所)
    or starts like the county's own bodies (县市政工程处), and does not end like a business (有限公司)."""
    if config.department(text) is not None:
        return True
    words = config.mapping.department_content
    regions = config.office.region_prefixes
    pattern, prefixes, business = _department_words(config.departments, (words.prefixes, words.not_ends), regions)
    if len(text) > 20 or text.endswith(business):
        return False
    return text.startswith(prefixes) or bool(pattern.search(department_key(text, regions)))


@lru_cache(maxsize=8)
def _department_words(departments: tuple, words: tuple, regions: tuple) -> tuple[re.Pattern, tuple, tuple]:
    labels = sorted(
        {k for d in departments for x in (d.name, *d.aliases) if len(k := department_key(x, regions)) >= 3},
        key=len,
        reverse=True,
    )
    return re.compile("|".join(map(re.escape, labels)) or "(?!)"), words[0], words[1]


def _is_date_like(v, t: str) -> bool:
    """A date, or what a date column holds when typed by hand: an Excel serial number, 20211115, or text
    with a year (2021年12月底)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return 20_000 <= v <= 80_000 or 19_000_101 <= v <= 21_001_231
    return hasattr(v, "year") or bool(re.search(r"(?:19|20)\d{2}", t))


def _is_date(v, t: str) -> bool:
    if hasattr(v, "year"):
        return True
    if isinstance(v, (int, float)) or not re.search(r"\d{4}", t):
        return False
    parsed, problem = parse_date(t)
    return parsed is not None and problem is None


def _is_amount(v, t: str) -> bool:
    if isinstance(v, bool) or hasattr(v, "year"):
        return False
    if isinstance(v, (int, float)):
        return 0 <= v < 1e9
    amount, problem = parse_amount(t)
    return amount is not None and problem is None and not re.fullmatch(r"1\d{10}|0\d{2,3}-?\d{7,8}", t)


_NUMBER_LIKE = re.compile(r"^[（(]?[0-9一二三四五六七八九十]{1,5}[)）、.]?(?:[-—.]\d{1,3})?$")


def _is_number_like(v, t: str) -> bool:
    """What a 序号 cell holds when it is no clean 1, 2, 3 … (merged rows, 1-1, （一）): a short number."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return 0 <= v < 100_000
    return bool(_NUMBER_LIKE.match(t))


def _is_sequence(values: list) -> bool:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return len(numbers) == len(values) and numbers == list(range(int(numbers[0]), int(numbers[0]) + len(numbers)))


@lru_cache(maxsize=4096)
def _category_words(categories: tuple, regions: tuple) -> tuple[set[str], re.Pattern]:
    words = {department_key(w, regions) for c in categories for w in (c.label, c.short, *c.synonyms)}
    codes = re.compile(r"^(?:%s)(?![0-9])" % "|".join(re.escape(c.code) for c in categories))
    return words, codes


def _is_category(text: str, config: Config) -> bool:
    regions = config.office.region_prefixes
    words, codes = _category_words(config.categories, regions)
    return bool(codes.match(text.upper())) or department_key(text, regions) in words


def header_keys(
    texts: dict[int, str], config: Config, skip: frozenset = frozenset(), strong: bool = False
) -> dict[int, str]:
    """The keys a row's cells name by their text alone (to find the header row): one per cell.
    `strong`: only names, synonyms and contained names count (a data cell may share a word)."""
    opts = config.mapping
    index = _labels(config.columns)
    out = {}
    for col, text in texts.items():
        keyed = header_key(text)
        if keyed in index.exact:
            out[col] = index.exact[keyed]
            continue
        if keyed in skip or len(keyed) > 20:
            continue
        found = _one_header(text, index, opts)
        if found:
            key, (score, how) = max(found.items(), key=lambda kv: kv[1][0])
            if score >= opts.min_score and (how != WORDS or not strong):
                out[col] = key
    return out
