"""Exceptions that carry their exit status; only the command line turns them into exits."""

from __future__ import annotations


class PipelineError(Exception):
    exit_code = 1

    def __init__(self, lines: list[str] | str):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))

    def __reduce__(self):  # pickled whole (from a worker process): one line per problem, and its notes
        return type(self), (self.lines,), self.__dict__


class ConfigError(PipelineError):
    """A broken config.yaml or a bad option: exit 2, one Chinese line per problem."""

    exit_code = 2


class UsageError(PipelineError):
    exit_code = 2


class RunError(PipelineError):
    """The run could not complete (including another run holding the lock): exit 1."""

    exit_code = 1


def explain(exc: BaseException) -> str:
    """One Chinese line for an error no stage turned into a PipelineError: what happened and what to do.
    The run's transaction is rolled back by then, so the data is as it was before the command."""
    import errno
    import sqlite3

    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        if "full" in text or "savepoint" in text:
            return "磁盘空间不足，数据库无法写入；本次结果未保存，原有数据未改动。请清理磁盘后重新运行。"
        if "disk I/O error" in text or str(getattr(exc, "sqlite_errorname", "")).startswith("SQLITE_IOERR"):
            # a failed write (a full disk, a file over the system's size limit, a failing disk): not damage
            return (
                "数据库写入磁盘失败（磁盘已满、文件超过系统允许的大小或磁盘故障）；本次结果未保存，原有数据未改动。"
                "请清理磁盘、检查磁盘后重新运行。"
            )
        return (
            "数据库文件已损坏或不是本工具的数据库（" + text + "）；原有数据未改动。"
            "请运行 python -m pipeline restore --list 查看备份，再用 python -m pipeline restore 恢复。"
        )
    if isinstance(exc, OSError):
        where = f"“{exc.filename}”" if exc.filename else "文件"
        if exc.errno == errno.ENOSPC:
            return f"磁盘空间不足，无法写入{where}；本次结果未保存，原有数据未改动。请清理磁盘后重新运行。"
        if exc.errno == errno.EFBIG:
            return (
                f"无法写入{where}：文件超过系统允许的大小（或磁盘配额已满）；本次结果未保存，原有数据未改动。"
                "请清理磁盘或请管理员放宽限制后重新运行。"
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"没有权限写入{where}（文件夹只读或被占用）；原有数据未改动。请检查该文件夹的权限后重新运行。"
        if exc.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            return f"{where}与需要的文件或文件夹同名冲突（应为文件夹的是文件，或反之）；原有数据未改动。请改用别的路径后重新运行。"
        return f"读写{where}时出错（{exc.strerror or text}）；原有数据未改动。请检查磁盘和文件夹后重新运行。"
    if isinstance(exc, UnicodeEncodeError):
        return "密码或设置中含有服务器不接受的字符（如中文）；请检查邮箱密码（授权码）和 config.yaml 中的设置。"
    if isinstance(exc, MemoryError):
        return "内存不足，运行未完成；原有数据未改动。请关闭其他程序后重新运行。"
    return f"运行出错（{type(exc).__name__}：{text}）；原有数据未改动。请把 logs/pipeline.log 发给维护人员。"
