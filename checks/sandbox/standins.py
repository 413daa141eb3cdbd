"""Harmless stand-ins for display and plotting packages, inside the sandbox: notebooks import them everywhere.

Loaded by the worker by path (it imports only the standard library). `StandIns`
is put first on `sys.meta_path`, so `import matplotlib.pyplot as plt`,
`from IPython.display import display, Math`, `from tqdm.auto import tqdm`,
`import seaborn as sns` and Colab's `from google.colab import drive` give modules made here, never the real packages (which
the sandbox does not hold anyway). Plotting calls do nothing and return an
object that accepts any further call; `tqdm(iterable)` is the iterable itself;
`display(...)` shows nothing. None of it can reach outside the worker.
"""
import importlib
import importlib.abc
import importlib.machinery
import sys
import types

PACKAGES = ("matplotlib", "IPython", "ipywidgets", "tqdm", "seaborn", "google")
"""Top-level names answered by stand-ins, with every submodule below them (`google` for Colab's
`from google.colab import drive`; none of these computes anything a derivation needs)."""


class Anything:
    """Accepts any attribute, call, index or context: what a plotting call returns, and the plotting modules' names."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __bool__(self):
        return False

    def __repr__(self):
        return "<gradjudge stand-in>"


class Grid(Anything):
    """The axes of `plt.subplots(nrows, ncols)`: iterates over its rows (or its axes, for one row or column)."""

    def __init__(self, nrows, ncols):
        self.shape = (nrows, ncols)

    def __iter__(self):
        nrows, ncols = self.shape
        if nrows > 1 and ncols > 1:
            return iter([Grid(1, ncols) for _ in range(nrows)])
        return iter([Anything() for _ in range(nrows * ncols)])

    def __len__(self):
        nrows, ncols = self.shape
        return nrows if nrows > 1 and ncols > 1 else nrows * ncols

    @property
    def flat(self):
        return [Anything() for _ in range(self.shape[0] * self.shape[1])]

    def ravel(self):
        return self.flat

    flatten = ravel


def subplots(nrows=1, ncols=1, *args, **kwargs):
    """`fig, ax = plt.subplots()`: a figure and its axes, all stand-ins."""
    if not (isinstance(nrows, int) and isinstance(ncols, int)) or nrows * ncols == 1:
        return Anything(), Anything()
    return Anything(), Grid(max(nrows, 1), max(ncols, 1))


class Progress:
    """`tqdm(iterable)`: iterates over the iterable, shows nothing."""

    def __init__(self, iterable=None, *args, **kwargs):
        self.iterable = iterable if iterable is not None else ()

    def __iter__(self):
        return iter(self.iterable)

    def __len__(self):
        return len(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return Anything()


def trange(*args, **kwargs):
    return Progress(range(*args))


def display(*objects, **kwargs):
    """IPython's `display`: shows nothing."""


class Shown:
    """`Math(...)`, `Markdown(...)`, `HTML(...)`, `Latex(...)`, `Image(...)`: keeps what it was given, shows nothing."""

    def __init__(self, data=None, *args, **kwargs):
        self.data = data


MEMBERS = {
    "matplotlib.pyplot": {"subplots": subplots},
    "IPython.display": {"display": display, "clear_output": display, "Math": Shown, "Markdown": Shown, "HTML": Shown,
                        "Latex": Shown, "Image": Shown, "Javascript": Shown, "SVG": Shown},
    "IPython": {"display": display, "get_ipython": lambda: None},
    "tqdm": {"tqdm": Progress, "trange": trange},
    "tqdm.auto": {"tqdm": Progress, "trange": trange},
    "tqdm.notebook": {"tqdm": Progress, "trange": trange},
}


class StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds every module under `PACKAGES` and makes it a stand-in."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in PACKAGES:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        for name, value in MEMBERS.get(spec.name, {}).items():
            setattr(module, name, value)
        module.__getattr__ = lambda name: _module_attribute(spec.name, name)
        return module

    def exec_module(self, module):
        pass


def _module_attribute(module, name):
    """A known submodule (`matplotlib.pyplot`) is imported; any other name is a stand-in."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    if f"{module}.{name}" in MEMBERS:
        return importlib.import_module(f"{module}.{name}")
    return Anything()


def install():
    sys.meta_path.insert(0, StandIns())
