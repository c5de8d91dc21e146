"""Terminal output with rich: colour when stdout is a terminal and NO_COLOR is unset.

rich is imported here only, when something is printed for a human; ``--json`` output
and ``--help`` never load it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "print_claims", "print_findings", "print_inspection", "print_kv"]

_STATE_STYLE = {
    "expired": "bold red",
    "not_yet_valid": "bold yellow",
    "future": "yellow",
    "invalid": "bold red",
    "valid": "green",
    "past": "",
}
_SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}


def console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr); rich honours NO_COLOR and non-terminals."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _section(out: Console, title: str, value: Any, style: str) -> None:
    from rich.markup import escape

    out.print(f"[bold {style}]{escape(title)}[/]")
    text = value if isinstance(value, str) else _json_text(value)
    out.print(escape(text), style=style)


def _times(out: Console, times: Mapping[str, Any], indent: str = "  ") -> None:
    from rich.markup import escape

    for name, info in times.items():
        style = _STATE_STYLE.get(info.get("state", ""), "")
        where = f"{info['utc']}  (local {info['local']})" if "utc" in info else ""
        line = f"{indent}{name}: {escape(str(info.get('value')))}  {where}  "
        out.print(escape(line) + f"[{style or 'default'}]{escape(info['relative'])}[/]")


def print_inspection(info: Mapping[str, Any], out: Console | None = None) -> None:
    """The parts of an inspected token, colour-coded, under a loud NOT VERIFIED marker."""
    out = out or console()
    out.print(
        f"[bold reverse red] NOT VERIFIED [/] [bold]{info['kind']}[/] "
        "(decoded only: nothing here is trustworthy)"
    )
    _section(out, "Header", info.get("header"), "red")
    for i, entry in enumerate(info.get("signatures", [])[1:], start=1):
        _section(out, f"Signature {i} header", {**entry["header"], **entry["protected"]}, "red")
    if "claims" in info:
        _section(out, "Claims", info["claims"], "magenta")
    elif "payload" in info:
        _section(out, "Payload", info["payload"], "magenta")
    times = info.get("times") or {}
    if times:
        out.print("[bold]Times[/]")
        _times(out, times)
    if info.get("signature"):
        _section(out, "Signature", info["signature"], "cyan")
    jwe = info.get("jwe")
    if jwe:
        parts = {k: v for k, v in jwe.items() if k not in ("nested", "plaintext")}
        _section(out, "JWE parts", parts, "cyan")
        if "plaintext" in jwe and jwe["plaintext"] is not None:
            _section(out, "Plaintext", jwe["plaintext"], "magenta")
        if "nested" in jwe:
            out.print("[bold]Nested token[/]")
            print_inspection(jwe["nested"], out)
        elif not jwe.get("decrypted") and "claims" not in info:
            out.print("[dim]encrypted: give --key (or a secret) to decrypt[/]")
    sd = info.get("sd_jwt")
    if sd:
        out.print(f"[bold]Disclosures ({len(sd['disclosures'])})[/]")
        for d in sd["disclosures"]:
            name = "(array element)" if d["name"] is None else d["name"]
            out.print(f"  [green]{_json_text(name)}[/]: {_json_text(d['value'])}", markup=True)
        if sd.get("problem"):
            _section(out, "Disclosures refused (RFC 9901 section 7.1)", sd["problem"], "red")
        elif sd.get("processed") is not None:
            _section(
                out, "Claims with the disclosures applied (unverified)", sd["processed"], "green"
            )
        if sd.get("key_binding"):
            out.print("[bold]Key binding JWT[/]")
            print_inspection(sd["key_binding"], out)


def print_claims(claims: Mapping[str, Any], title: str, style: str = "green") -> None:
    """A verified result: a title line, then the claims as JSON."""
    out = console()
    out.print(f"[bold {style}]{title}[/]")
    from rich.markup import escape

    out.print(escape(_json_text(claims)))


def print_findings(findings: Sequence[Mapping[str, str]]) -> None:
    """Lint findings, one per line, most serious first."""
    out = console()
    from rich.markup import escape

    if not findings:
        out.print("[green]no findings[/]")
        return
    for f in findings:
        style = _SEVERITY_STYLE.get(f["severity"], "")
        out.print(
            f"[{style}]{f['code']} {f['severity']:<6}[/] {escape(f['where'])}: "
            f"{escape(f['message'])}"
        )


def print_kv(rows: Mapping[str, Any]) -> None:
    """``name: value`` lines."""
    out = console()
    from rich.markup import escape

    for name, value in rows.items():
        out.print(f"[bold]{escape(name)}[/]: {escape(str(value))}")
