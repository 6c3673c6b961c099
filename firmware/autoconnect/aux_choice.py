"""Radio buttons and selects (ACRadio, ACSelect): the element base they share, made
the first time a page uses one of them."""
from .aux import AutoConnectElement


class Choice(AutoConnectElement):
    """Radio buttons and selects: options in `values`, the 1-based choice in the
    attribute named by `_AT` (checked, selected); `options=` sets the options."""
    label = ""
    posterior = "br"
    _AT: str

    def __init__(self, name="", *args, **attrs):
        self.values = []
        opts = attrs.pop("options", attrs.pop("option", None))
        super().__init__(name, *args, **attrs)
        if opts is not None:
            self.values = list(opts)

    @property
    def value(self):
        i = getattr(self, self._AT)
        return self.values[i - 1] if 0 < i <= len(self.values) else ""

    @value.setter
    def value(self, text):
        """Choose the option with this text (or a list: the options themselves)."""
        if isinstance(text, (list, tuple)):
            self.values = list(text)
            return
        text = str(text)
        setattr(self, self._AT, self.values.index(text) + 1 if text in self.values else 0)

    @property
    def options(self):
        return self.values

    @options.setter
    def options(self, opts):
        self.values = list(opts)

    def add(self, option):
        self.values.append(option)

    def empty(self):
        self.values = []
        setattr(self, self._AT, 0)
