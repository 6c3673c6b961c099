"""Results and BENCHMARKS.md."""
from dataclasses import dataclass, field


@dataclass
class Line:
    """One figure beside its reference."""
    what: str
    figure: str
    reference: str = "—"
    ratio: str = "—"
    target: str = "report it"
    met: object = None              # True, False or None (nothing to meet)


@dataclass
class Section:
    title: str
    lines: list = field(default_factory=list)
    notes: list = field(default_factory=list)     # how it was measured
    missed: str = ""                              # why a target is missed and what is left

    def any_missed(self):
        return any(line.met is False for line in self.lines)


def verdict(met):
    return {True: "met", False: "**missed**", None: "—"}[met]


def section_md(s):
    out = ["## %s" % s.title, "",
           "| figure | measured | reference | ratio | target | |", "|---|---|---|---|---|---|"]
    for ln in s.lines:
        out.append("| %s | %s | %s | %s | %s | %s |" % (ln.what, ln.figure, ln.reference, ln.ratio,
                                                     ln.target, verdict(ln.met)))
    out.append("")
    out += ["- " + n for n in s.notes]
    if s.any_missed() and s.missed:
        out += ["", "**Why the target is missed, and what is left.** " + s.missed]
    return "\n".join(out + [""])


def summary_md(sections):
    out = ["| row | figures | met | missed |", "|---|---|---|---|"]
    for s in sections:
        met = sum(ln.met is True for ln in s.lines)
        missed = sum(ln.met is False for ln in s.lines)
        out.append("| %s | %d | %d | %d |" % (s.title, len(s.lines), met, missed))
    return "\n".join(out + [""])


def write(path, header, machine, commands, sections, seconds):
    parts = [header, "", "## Machine", ""]
    parts += ["| | |", "|---|---|"] + ["| %s | %s |" % kv for kv in machine] + [""]
    parts += ["## Reproduce", "", "```sh"] + commands + ["```", "",
              "Whole run: %.0f s. Medians with their interquartile range (IQR) and the number of "
              "samples n; ratios are of medians measured in this run." % seconds, "",
              "## Summary", "", summary_md(sections)]
    parts += [section_md(s) for s in sections]
    path.write_text("\n".join(parts))
