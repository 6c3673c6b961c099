"""Repetition and summaries: medians with their spread."""
import statistics


class Series:
    """The samples of one figure."""

    def __init__(self, name, unit):
        self.name, self.unit, self.values = name, unit, []

    def add(self, value):
        self.values.append(value)

    def median(self):
        return statistics.median(self.values)

    def quartiles(self):
        """(q1, q3) of at least 4 samples."""
        q = statistics.quantiles(self.values, n=4)
        return q[0], q[2]

    def stable(self, tolerance=0.03):
        """True when the last quarter of the samples moved the median by < tolerance."""
        n = len(self.values)
        if n < 4:
            return False
        earlier = statistics.median(self.values[: n - max(1, n // 4)])
        return abs(self.median() - earlier) <= tolerance * abs(earlier or 1)

    def text(self, fmt="%.1f"):
        """'median unit (IQR q1-q3, n=N)', or the range for fewer than 4 samples."""
        if len(self.values) < 4:
            low, high, what = min(self.values), max(self.values), "range"
        else:
            (low, high), what = self.quartiles(), "IQR"
        return "%s %s (%s %s-%s, n=%d)" % (fmt % self.median(), self.unit, what, fmt % low,
                                          fmt % high, len(self.values))


def interleave(runs, min_rounds, max_rounds):
    """Call each function of runs ({Series: fn returning a sample}) once per round, in
    turn, so drift hits every figure alike; stop when every median is stable after
    min_rounds, or at max_rounds."""
    for round_ in range(max_rounds):
        for series, fn in runs.items():
            series.add(fn())
        if round_ + 1 >= min_rounds and all(s.stable() for s in runs):
            break
    return list(runs)
