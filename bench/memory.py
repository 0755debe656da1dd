"""Reading this process's memory from /proc (Linux); empty where /proc is not there."""

FIELDS = ("VmHWM", "VmRSS", "RssAnon", "RssFile")


def status_kib() -> dict[str, int]:
    """VmHWM (own peak RSS), VmRSS, and RSS split into anonymous memory and mapped files
    (the Whoosh index is read through mmap: those pages count in RSS but are page cache,
    shared between workers and reclaimable)."""
    found: dict[str, int] = {}
    try:
        with open("/proc/self/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in FIELDS:
                    found[name] = int(value.split()[0])
    except OSError:
        return {}
    return found


def describe(kib: dict[str, int]) -> str:
    if not kib:
        return ""
    return ", ".join(f"{name} {kib[name] / 1024:,.0f}" for name in FIELDS if name in kib) + " MiB"
