"""What the pillars hand to core, so that core can call them without knowing them.

Core knows no pillar (the import contracts in .importlinter fail the suite when it imports one):
where core must run something a pillar owns (a worker sweep, a demo seed step, an entry of the
admin menu), the pillar registers it when its package is imported, which app.py does for the web,
the CLI and the worker alike. Entries come out in their stated `order`, then in the order they
were registered, so the sequence does not depend on which module happened to be imported first.
Registering a name again replaces its entry: a module imported twice does not run twice.
"""


class Registry:
    """Named entries in a stated order: `add(name, item, order=...)`, then iterate over `items()`."""

    def __init__(self, what):
        self.what = what  # for messages: "sweep", "demo seed step", ...
        self._entries = {}  # name -> (order, item); a dict keeps the first registration's place

    def add(self, name, item, *, order):
        self._entries[name] = (order, item)
        return item

    def items(self):
        """(name, item) pairs in order."""
        ranked = sorted(self._entries.items(), key=lambda entry: entry[1][0])  # stable: ties keep their place
        return [(name, item) for name, (_order, item) in ranked]

    def __iter__(self):
        return (name for name, _item in self.items())

    def __contains__(self, name):
        return name in self._entries

    def __len__(self):
        return len(self._entries)

    def __repr__(self):
        return f"<Registry of {self.what}: {', '.join(self)}>"
