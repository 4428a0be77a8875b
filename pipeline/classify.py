"""Classification: every clean row gets its category code (A1…B5), read from what the clerk wrote or inferred.

An explicit category is read in any real form (dropdown text, bare code, label, short label, synonym,
close paraphrase). A blank or unreadable one is inferred from the 案号 and then from the description's
wording, scored with the weighted words in config.yaml. Every judgement here is driven by the
`categories:` and `classification:` sections of the config.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from pipeline.core import findings as fnd
from pipeline.core.config import Category, ClassificationSettings, Config
from pipeline.core.text import clean_text, is_missing, map_distinct

_PUNCT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Rules:
    """The category section of the config compiled once for fast matching."""

    categories: tuple[Category, ...]
    code_patterns: tuple[tuple[re.Pattern, str], ...]
    terms: dict[str, str]  # normalised label/short/synonym -> code
    word_pattern: re.Pattern | None
    word_codes: dict[str, tuple[tuple[str, int], ...]]  # word -> ((code, weight), ...)
    case_markers: tuple[tuple[str, str], ...]  # (character in 案号, code), first match wins
    min_score: int
    min_margin: int
    contradict_score: int
    fuzzy_threshold: float
    case_no_score: int


@dataclass(frozen=True)
class Evidence:
    """What the 案号 or the description says: `code` when confident, `best` always the top guess."""

    code: str | None
    best: str | None
    reason: str
    score: int
    scores: tuple[tuple[str, int], ...] = ()

    def score_of(self, code: str) -> int:
        return dict(self.scores).get(code, 0)


# --- public API ---------------------------------------------------------------------------------


def classify(rows: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows with `category` as a code ("" when unknown) plus `category_inferred`/`category_reason`; and findings."""
    rules = rules_for(config)
    out = rows.copy()
    texts = _text_column(out, "category")
    descriptions = _text_column(out, "description")
    cases = _text_column(out, "case_no")
    explicit = map_distinct(texts, lambda t: read_with(t, rules))
    by_case = map_distinct(cases, lambda c: case_evidence(c, rules))
    by_text = map_distinct(descriptions, lambda d: description_evidence(d, rules))
    decisions = [_decide(e, c, d, rules) for e, c, d in zip(explicit, by_case, by_text)]
    out["category"] = [d.code for d in decisions]
    out["category_inferred"] = [d.inferred for d in decisions]
    out["category_reason"] = [d.reason for d in decisions]
    return out, fnd.table(_findings(out, texts, cases, decisions, config))


def read_category(text: str, config: Config) -> str | None:
    """The code of an explicit category written in any real form, or None when it cannot be read."""
    return read_with(text, rules_for(config))


def infer_category(description: str, case_no: str, company: str, config: Config) -> tuple[str | None, str, int]:
    """(code or None, reason, score) from the 案号 first, then the description's weighted words.

    `company` is accepted but never changes the answer: in this ledger the party that owes or is
    sued is a government body by construction, so a government-looking company name proves nothing.
    """
    rules = rules_for(config)
    evidence = case_evidence(case_no, rules) or description_evidence(description, rules)
    return evidence.code, evidence.reason, evidence.score


# --- compiling the rules --------------------------------------------------------------------------


def rules_for(config: Config) -> Rules:
    return _compile(config.categories, config.classification)


@lru_cache(maxsize=8)
def _compile(categories: tuple[Category, ...], settings: ClassificationSettings) -> Rules:
    """Cached by value: the categories and the (frozen) classification settings."""
    word_codes: dict[str, list[tuple[str, int]]] = {}
    for cat in categories:
        for word, weight in cat.words:
            word_codes.setdefault(_compact(word), []).append((cat.code, weight))
    words = sorted((w for w in word_codes if w), key=len, reverse=True)
    return Rules(
        categories=categories,
        code_patterns=tuple((_code_pattern(c.code), c.code) for c in categories),
        terms=_terms(categories),
        # a lookahead finds a word at every position, so words that overlap all count (至今未 + 未兑现)
        word_pattern=re.compile("(?=(%s))" % "|".join(map(re.escape, words))) if words else None,
        word_codes={w: tuple(v) for w, v in word_codes.items()},
        case_markers=settings.case_no_markers,
        min_score=settings.min_score,
        min_margin=settings.min_margin,
        contradict_score=settings.contradict_score,
        fuzzy_threshold=settings.fuzzy_threshold,
        case_no_score=settings.case_no_score,
    )


def _code_pattern(code: str) -> re.Pattern:
    # "B3", "b3", "Ｂ３", "B-3", "（B3）…" but not "B31"
    inner = r"\W*".join(map(re.escape, code.upper()))
    return re.compile(rf"^\W*{inner}(?![0-9A-Z])")


def _terms(categories: tuple[Category, ...]) -> dict[str, str]:
    """Every name of every category, normalised; a name shared by two categories is dropped as ambiguous."""
    owner: dict[str, set[str]] = {}
    for cat in categories:
        for name in (cat.label, cat.short, *cat.synonyms):
            key = _norm(name)
            if len(key) >= 2:
                owner.setdefault(key, set()).add(cat.code)
    return {k: next(iter(v)) for k, v in owner.items() if len(v) == 1}


def _norm(text: str) -> str:
    return _PUNCT.sub("", clean_text(text or "")).upper()


def _compact(text: str) -> str:
    return clean_text(text or "").replace(" ", "")


# --- reading an explicit category -------------------------------------------------------------------


def read_with(text: str, rules: Rules) -> str | None:
    cleaned = clean_text(text or "").upper()
    if not cleaned:
        return None
    for pattern, code in rules.code_patterns:
        if pattern.match(cleaned):
            return code
    key = _norm(cleaned)
    if not key:
        return None
    if key in rules.terms:
        return rules.terms[key]
    codes = _contained(key, rules)
    if codes:  # a fragment shared by several names (承诺, 政策) is no answer, not a reason to guess
        return codes.pop() if len(codes) == 1 else None
    return _fuzzy(key, rules)


def _contained(key: str, rules: Rules) -> set[str]:
    """Codes of the longest known names inside the text, else of the names the text is part of."""
    inside = [(len(term), code) for term, code in rules.terms.items() if term in key]
    if inside:
        longest = max(n for n, _ in inside)
        return {code for n, code in inside if n == longest}
    if len(key) < 2:
        return set()
    return {code for term, code in rules.terms.items() if key in term}


def _fuzzy(key: str, rules: Rules) -> str | None:
    """A close paraphrase of one name (新官不认旧账); a tie between two categories is no answer."""
    if len(key) < 3:  # two characters sharing one with a name are not a paraphrase of it
        return None
    from rapidfuzz import fuzz, process  # only when a name needs a fuzzy look-up

    hits = process.extract(key, list(rules.terms), scorer=fuzz.ratio, score_cutoff=rules.fuzzy_threshold, limit=5)
    if not hits:
        return None
    top = hits[0][1]
    codes = {rules.terms[term] for term, score, _ in hits if score == top}
    return codes.pop() if len(codes) == 1 else None


# --- evidence from the 案号 and the description --------------------------------------------------------


def case_evidence(case_no: str, rules: Rules) -> Evidence | None:
    text = clean_text(case_no or "")
    for marker, code in rules.case_markers if text else ():
        if marker in text:
            return Evidence(code, code, f"案号含“{marker}”", rules.case_no_score)
    return None


def description_evidence(description: str, rules: Rules) -> Evidence:
    scores, words = _scores(_compact(description), rules)
    if not scores:
        return Evidence(None, None, "描述中没有可判断类别的词语", 0)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], _order(kv[0], rules)))
    (best, top), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    reason = "描述含" + "".join(f"“{w}”" for w in words[best])
    sure = top >= rules.min_score and top - runner_up >= rules.min_margin
    return Evidence(best if sure else None, best, reason, top, tuple(ranked))


def _scores(text: str, rules: Rules) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Sum of weights per category; each word counts once, a longer word hides the words inside it
    (被执行人 hides 执行), and words that only overlap both count (至今未兑现: 至今未 and 未兑现)."""
    scores: dict[str, int] = {}
    words: dict[str, list[str]] = {}
    if not text or rules.word_pattern is None:
        return scores, words
    found, end = [], -1
    for m in rules.word_pattern.finditer(text):  # the longest word at each position, in order
        stop = m.start() + len(m.group(1))
        if stop > end:  # not inside an earlier, longer word
            found.append(m.group(1))
            end = stop
    for word in dict.fromkeys(found):
        for code, weight in rules.word_codes[word]:
            scores[code] = scores.get(code, 0) + weight
            words.setdefault(code, []).append(word)
    return scores, words


def _order(code: str, rules: Rules) -> int:
    return next(i for i, c in enumerate(rules.categories) if c.code == code)


# --- deciding each row ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    code: str
    inferred: bool
    reason: str
    finding: str = ""  # "", category_inferred, category_doubtful or category_unknown
    detail: str = ""


def _decide(explicit: str | None, by_case: Evidence | None, by_text: Evidence, rules: Rules) -> Decision:
    if explicit:
        doubt = _doubt(explicit, by_case, by_text, rules)
        return Decision(explicit, False, "", "category_doubtful" if doubt else "", doubt)
    evidence = by_case or by_text
    if evidence.code:
        return Decision(evidence.code, True, evidence.reason, "category_inferred", evidence.reason)
    return Decision("", False, evidence.reason, "category_unknown", _guess_detail(evidence, rules))


def _doubt(explicit: str, by_case: Evidence | None, by_text: Evidence, rules: Rules) -> str:
    """What contradicts an explicit label ("" when nothing does): a 案号 of another kind, or strong wording."""
    if by_case:
        return "" if by_case.code == explicit else f"{_display(by_case.code or '', rules)}（{by_case.reason}）"
    strong = by_text.best and by_text.best != explicit and by_text.score >= rules.contradict_score
    if strong and by_text.score_of(explicit) < rules.min_score:
        return f"{_display(by_text.best or '', rules)}（{by_text.reason}）"
    return ""


def _guess_detail(evidence: Evidence, rules: Rules) -> str:
    if not evidence.best:
        return f"（{evidence.reason}）"
    return f"（{evidence.reason}，可能是 {_display(evidence.best, rules)}，但不足以确定）"


def _display(code: str, rules: Rules) -> str:
    cat = next(c for c in rules.categories if c.code == code)
    return f"{cat.code} {cat.short}"


# --- findings -------------------------------------------------------------------------------------


def _findings(
    rows: pd.DataFrame, texts: pd.Series, cases: pd.Series, decisions: list[Decision], config: Config
) -> list[dict]:
    rules = rules_for(config)
    category_col, case_col = config.column("category").name, config.column("case_no").name
    case_codes = {c.code for c in config.categories if c.kind == "case"}
    places = zip(rows["file"], rows["sheet"], rows["row"], rows["department"])
    out = []
    for decision, text, case_no, (file, sheet, row, dep) in zip(decisions, texts, cases, places):
        where = {"file": file, "sheet": sheet, "row": row, "department": dep}
        if decision.finding:
            shown = _display(decision.code, rules) if decision.code else ""
            code = "category_blank_unknown" if decision.finding == "category_unknown" and not text else decision.finding
            out.append(fnd.make(code, column=category_col, value=text, detail=decision.detail, category=shown, **where))
        if decision.code in case_codes and not case_no:
            out.append(fnd.make("case_no_missing", column=case_col, category=_display(decision.code, rules), **where))
    return out


# --- vectorising helpers -----------------------------------------------------------------------------


def _text_column(rows: pd.DataFrame, key: str) -> pd.Series:
    if key not in rows:
        return pd.Series([""] * len(rows), index=rows.index, dtype=object)
    return rows[key].map(lambda v: "" if is_missing(v) else str(v)).astype(object)
