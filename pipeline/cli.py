"""Command line: parses options, calls one function, prints the result. The only module that prints or exits."""

from __future__ import annotations

import argparse
import gc
import re
import sys
from datetime import date, datetime
from pathlib import Path

from pipeline.core.context import wall_clock
from pipeline.core.errors import PipelineError, UsageError, explain


def main(argv: list[str] | None = None) -> int:
    _console_safe()
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    previous = sys.unraisablehook
    sys.unraisablehook = _log_unraisable  # a file left open by the failed stage closes without a traceback
    try:
        return _guarded(args, wall_clock())  # the command's one clock, handed down
    finally:
        gc.collect()
        gc.unfreeze()  # what the parallel stages froze (runtime/parallel.py) is collectable again
        sys.unraisablehook = previous


def _guarded(args, now: datetime) -> int:
    try:
        return args.handler(args, now)
    except PipelineError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 — the last guard: a person reads one Chinese line, the log keeps the traceback
        _log_traceback(exc)
        print(explain(exc), file=sys.stderr)
        return 1


def _log_traceback(exc: BaseException) -> None:
    import logging

    logger = logging.getLogger("pipeline")
    record = logger.makeRecord(
        logger.name, logging.ERROR, __file__, 0, "未预料的错误", (), (type(exc), exc, exc.__traceback__)
    )
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)


def _log_unraisable(unraisable) -> None:
    """An error while an object is destroyed (typically a half-written workbook's zip file on a full disk
    closing after the failure was reported): into the log file, never onto the console."""
    import logging

    logger = logging.getLogger("pipeline")
    exc = unraisable.exc_value
    record = logger.makeRecord(
        logger.name,
        logging.WARNING,
        __file__,
        0,
        "清理时出错：%s",
        (unraisable.object,),
        (type(exc), exc, unraisable.exc_traceback) if exc is not None else None,
    )
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)


def _console_safe() -> None:
    """A Windows console that is not UTF-8 must never crash the run on a character it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项"
        self._positionals.title = "参数"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"命令行参数有误：{_chinese(message)}", file=sys.stderr)
        sys.exit(2)


# argparse's own messages (English, from the standard library) → Chinese; the named parts are kept
_ARGPARSE = [
    (re.compile(r"the following arguments are required: (.+)"), lambda m: f"缺少必填参数：{_names(m[1])}"),
    (
        re.compile(r"argument (.+?): invalid choice: '?(.*?)'? \(choose from (.+)\)"),
        lambda m: f"{'命令' if m[1].startswith('{') else m[1]}“{m[2]}”无效，可选：{_names(m[3])}",
    ),
    (re.compile(r"unrecognized arguments: (.+)"), lambda m: f"无法识别的参数：{m[1]}"),
    (re.compile(r"argument (.+?): expected one argument"), lambda m: f"{m[1]} 后面需要填一个值"),
    (re.compile(r"argument (.+?): expected at least one argument"), lambda m: f"{m[1]} 后面至少需要填一个值"),
    (
        re.compile(r"argument (.+?): invalid (\w+) value: '(.*)'"),
        lambda m: f"{m[1]} 的值“{m[3]}”无效，应为{'整数' if m[2] == 'int' else '数字' if m[2] == 'float' else m[2]}",
    ),
    (re.compile(r"argument (.+?): not allowed with argument (.+)"), lambda m: f"{m[1]} 不能与 {m[2]} 同时使用"),
    (re.compile(r"ambiguous option: (.+?) could match (.+)"), lambda m: f"选项 {m[1]} 不明确，可能是：{_names(m[2])}"),
]


def _names(text: str) -> str:
    return "、".join(part.strip().strip("'") for part in text.split(","))


def _chinese(message: str) -> str:
    for pattern, say in _ARGPARSE:
        m = pattern.fullmatch(message.strip())
        if m:
            return say(m)
    return message


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m pipeline", description="郏县政务失信问题排查整治台账：收件、校验、分类、并单、通报")
    sub = p.add_subparsers(title="命令", parser_class=_Parser)
    run = sub.add_parser("run", help="处理本期收件箱，生成总台账、通报和反馈")
    _common(run)
    run.add_argument("--inbox", help="收件箱文件夹（默认取 config.yaml）")
    run.add_argument("--outbox", help="结果文件夹（默认取 config.yaml）")
    run.add_argument("--db", help="数据库文件（默认取 config.yaml）")
    run.add_argument("--as-of", help="统计日期 YYYY-MM-DD，决定期次和是否逾期（默认今天）")
    run.add_argument("--doc-number", type=int, help="本期通报的文号序号（默认按期顺延）")
    run.set_defaults(handler=_run)
    tpl = sub.add_parser("template", help="生成空白标准台账（或某单位的预填台账）")
    _common(tpl)
    tpl.add_argument("--department", help="单位名称：生成预填该单位现有事项和问题编号的台账")
    tpl.add_argument("--db", help="数据库文件（默认取 config.yaml）")
    tpl.add_argument("-o", "--output", help="输出文件路径")
    tpl.set_defaults(handler=_template)
    chk = sub.add_parser("check", help="按运行时的规则检查文件，只显示问题，不做任何改动")
    chk.add_argument("files", nargs="+", help="要检查的台账文件")
    _common(chk)
    chk.set_defaults(handler=_check)
    his = sub.add_parser("history", help="查看某个事项每期的状态和金额")
    his.add_argument("item_id", help="问题编号，如 JX-2026-0001")
    _common(his)
    his.add_argument("--db", help="数据库文件（默认取 config.yaml）")
    his.set_defaults(handler=_history)
    rst = sub.add_parser("restore", help="用备份恢复数据库（默认最近一份完好的备份；原文件改名保留，不删除）")
    rst.add_argument(
        "backup", nargs="?", help="备份文件名（数据库旁 backups 文件夹中）或路径；不填则用最近一份完好的备份"
    )
    _common(rst)
    rst.add_argument("--db", help="数据库文件（默认取 config.yaml）")
    rst.add_argument("--list", action="store_true", help="只列出备份及其状态，不做任何改动")
    rst.set_defaults(handler=_restore)
    rbk = sub.add_parser(
        "rollback", help="撤销最近一期：数据库回到该期运行之前，结果文件夹改名保留，已归档的来件放回收件箱"
    )
    _common(rbk)
    rbk.add_argument("--db", help="数据库文件（默认取 config.yaml）")
    rbk.add_argument("--outbox", help="结果文件夹（默认取 config.yaml）")
    rbk.set_defaults(handler=_rollback)
    mail = sub.add_parser("fetch-mail", help="从信用办邮箱收取各单位发来的台账附件，存入收件箱")
    _common(mail)
    mail.add_argument("--inbox", help="收件箱文件夹（默认取 config.yaml）")
    mail.set_defaults(handler=_fetch_mail)
    rel = sub.add_parser("release", help="放行来自未登记发件邮箱、暂存在 quarantine/held/ 的来件（不带参数时只列出）")
    rel.add_argument("files", nargs="*", help="要放行的文件名")
    _common(rel)
    rel.add_argument("--all", action="store_true", help="放行全部待放行的来件")
    rel.add_argument("--inbox", help="收件箱文件夹（默认取 config.yaml）")
    rel.set_defaults(handler=_release)
    rem = sub.add_parser("remind", help="向本期尚未报送的单位发催报邮件（需 config.yaml 中 mail.reminders: true）")
    _common(rem)
    rem.add_argument("--as-of", help="统计日期 YYYY-MM-DD，决定期次（默认今天）")
    rem.add_argument(
        "--deadline", help="催报邮件中写的截止时间，如“11月26日（周四）下班”（默认取 office.weekly_deadline）"
    )
    rem.add_argument("--db", help="数据库文件（默认取 config.yaml），从中读取本期的未报送单位")
    rem.set_defaults(handler=_remind)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default="config.yaml", help="配置文件（默认当前目录的 config.yaml）")


def _load(args, **paths):
    from pipeline.core.config import load_config

    return load_config(args.config, {k: v for k, v in paths.items() if v})


def _as_of(text: str | None, now: datetime) -> date:
    if not text:
        return now.date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of 日期“{text}”不是有效日期，请写成 YYYY-MM-DD，如 2026-11-26")


def _run(args, now: datetime) -> int:
    config = _load(args, inbox=args.inbox, outbox=args.outbox, database=args.db)
    if not config.paths["inbox"].is_dir():
        from pipeline.core.errors import ConfigError

        raise ConfigError(
            f"收件箱文件夹不存在：{config.paths['inbox']}（请检查 config.yaml 的 paths.inbox 或 --inbox）"
        )
    _start_log(config.paths["logs"])
    from pipeline.core.context import RunContext
    from pipeline.run import run_and_reply

    ctx = RunContext(config, _as_of(args.as_of, now), now)
    result = run_and_reply(ctx, doc_number=args.doc_number)
    t = result.summary["totals"]
    deps = result.summary["departments"]
    print(
        f"{ctx.period} 处理完成：读取 {t['rows_read']} 行，收录 {t['rows_accepted']} 行，退回 {t['rows_rejected']} 行；"
        f"总台账 {t['items']} 项（本期新增 {t['new_items']}，办结 {t['closed_this_period']}，逾期 {t['overdue']}）。"
    )
    print(
        f"已报送 {len(deps['reported'])} 个单位（零报告 {len(deps['zero_report'])}），未报送 {len(deps['missing'])} 个。"
    )
    for line in result.notes + result.replies:
        print(line)
    if result.reply_error:  # the period is saved; the mail failed
        raise result.reply_error
    print(f"结果在：{result.run_dir.resolve()}")
    for key, name in result.summary["outputs"].items():
        if name:
            print(f"  {name}")
    print("  run.json（运行清单）")
    print("  feedback/（各报送单位的反馈表）")
    return 0


def _start_log(folder: Path) -> None:
    """Log to logs/pipeline.log (rotated) and, for progress, to the console."""
    import logging
    from logging.handlers import RotatingFileHandler

    folder.mkdir(parents=True, exist_ok=True)
    file = RotatingFileHandler(folder / "pipeline.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setFormatter(logging.Formatter("[%(asctime)s] %(message)s", "%H:%M:%S"))
    root = logging.getLogger("pipeline")
    root.handlers[:] = [file, console]
    root.setLevel(logging.INFO)


def _template(args, now: datetime) -> int:
    from pipeline.template import make_template

    out = make_template(_load(args, database=args.db), args.department, args.output)
    print(f"已生成：{out.resolve()}")
    return 0


def _check(args, now: datetime) -> int:
    config = _load(args)
    from pipeline.core.context import RunContext
    from pipeline.core.findings import ERROR, NOTE
    from pipeline.intake.files import skip_reason
    from pipeline.run import checked_rows

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UsageError([f"找不到文件：{f}" for f in missing])
    intake, _, found = checked_rows([Path(f) for f in args.files], RunContext(config, now.date(), now))
    worst = 0
    for sf in intake.files:
        mine = found[found["file"] == sf.name].sort_values("row", kind="stable")
        filled = f"；填报日期：{sf.filled_date.isoformat()}" if sf.filled_date else ""
        print(f"【{sf.name}】单位：{sf.department or '未识别'}{filled}；{_disposition_text(sf)}")
        for rec in mine.to_dict("records"):
            where = f"工作表“{rec['sheet']}”" if len(sf.sheets) > 1 and rec["sheet"] else ""
            print(f"  [{rec['severity']}] {where}{rec['message']}")
        if skip_reason(sf.path):  # an editor's lock file or a link: never opened, nothing wrong with the ledger
            continue
        if sf.disposition in ("rejected", "ignored") or (mine["severity"] == ERROR).any():
            worst = 1
        elif not (mine["severity"] != NOTE).any():
            print("  未发现问题。")
    return worst


def _disposition_text(sf) -> str:
    from pipeline.core.findings import disposition_text

    text = disposition_text(sf.disposition)
    return f"{text}（{sf.reason}）" if sf.reason else text


HISTORY_LABELS = {
    "period": "期次",
    "as_of": "统计日期",
    "status": "状态",
    "amount": "涉及金额（万元）",
    "paid": "已兑付（万元）",
    "deadline": "整改时限",
    "overdue": "逾期",
    "sources": "来源行",
    "flags": "标记",
}


def _history(args, now: datetime) -> int:
    from pipeline.outputs.tables import csv_value
    from pipeline.store import Store

    config = _load(args, database=args.db)
    db = config.paths["database"]
    if not db.exists():
        raise UsageError(f"数据库 {db} 不存在，请先运行 run，或用 --db 指定数据库文件")
    item_id = args.item_id.strip().upper()
    with Store(db) as store:
        frame, item = store.history(item_id), store.latest_item(item_id)
    if not len(frame):
        raise UsageError(f"数据库 {db} 中没有事项 {item_id}")
    if item:
        print(f"事项 {item_id}：{item['company']}（{item['category']}），报送单位：{item['departments']}")
    for rec in frame.to_dict("records"):
        print(
            f"  【{rec.get('period')}】"
            + "　".join(
                f"{HISTORY_LABELS.get(k, k)}：{_history_value(k, v, csv_value)}"
                for k, v in rec.items()
                if k != "period"
            )
        )
    return 0


def _history_value(key: str, value, csv_value) -> str:
    """是/否 for yes-no columns; the source rows one per line under the period, not one long run-on string."""
    if key == "overdue" or isinstance(value, bool):
        if value is None or value == "":
            return "—"
        return "是" if str(value).strip().lower() in ("1", "true", "是", "1.0") else "否"
    if key == "sources" and value:
        parts = [p.strip() for p in str(value).split("|") if p.strip()]
        return "\n      " + "\n      ".join(parts) if len(parts) > 1 else (parts[0] if parts else "—")
    return csv_value(value) or "—"


def _restore(args, now: datetime) -> int:
    from pipeline.runtime.backups import backup_folder, inspect, list_backups, restore

    db = _load(args, database=args.db).paths["database"]
    if args.list:
        backups = list_backups(backup_folder(db), db.stem)
        print(f"{backup_folder(db)} 中有 {len(backups)} 份备份（新的在前）：")
        for b in (inspect(p) for p in reversed(backups)):
            print(f"  {b.path.name}　" + (f"损坏：{b.problem}" if b.problem else f"完好，截至 {b.latest_period}"))
        return 0
    done = restore(db, args.backup, now)
    print(f"已用备份 {done.backup.path} 恢复数据库 {done.database}（截至 {done.backup.latest_period}）。")
    for path in done.kept_aside:
        print(f"  原来的文件已改名保留：{path}")
    print("请重新运行 python -m pipeline run。")
    return 0


def _rollback(args, now: datetime) -> int:
    config = _load(args, outbox=args.outbox, database=args.db)
    _start_log(config.paths["logs"])
    from pipeline.run import rollback_latest

    done = rollback_latest(config, now)
    print(f"已撤销 {done.period}：数据库已回到该期运行之前的状态。")
    if done.backup:
        print(f"  撤销前的数据库已备份：{done.backup}（如需恢复可用 python -m pipeline restore）")
    if done.set_aside:
        print(f"  该期结果文件夹已改名保留：{done.set_aside}")
    if done.returned:
        print(
            f"  已将该期归档（或因无法读取而移入 quarantine）的 {len(done.returned)} 个来件放回收件箱 {config.paths['inbox']}"
        )
    return 0


def _fetch_mail(args, now: datetime) -> int:
    config = _load(args, inbox=args.inbox)
    _start_log(config.paths["logs"])
    from pipeline.mail.mailbox import fetch_mail

    result = fetch_mail(config, config.paths["inbox"], now=now)
    for line in result.lines():
        print(line)
    return 0


def _release(args, now: datetime) -> int:
    from pipeline.mail.mailbox import held_files, held_folder, release

    config = _load(args, inbox=args.inbox)
    if not args.files and not args.all:
        held = held_files(config)
        print(f"{held_folder(config)} 中有 {len(held)} 个来自未登记发件邮箱的来件等待放行：")
        for h in held:
            print(f"  {h['name']}　发件人 {h['sender']}　{h['date'] or ''}　《{h['subject']}》")
        if held:
            print("确认是本县单位报送的：python -m pipeline release 文件名（或 --all 全部放行）")
        return 0
    for source, target in release(config, args.files, now):
        print(f"已放行：{source.name} → {target}")
    print("下次运行 run（或重跑本期）时处理。")
    return 0


def _remind(args, now: datetime) -> int:
    config = _load(args, database=args.db)
    _start_log(config.paths["logs"])
    from pipeline.run import remind

    for line in remind(config, _as_of(args.as_of, now), args.deadline):
        print(line)
    return 0
