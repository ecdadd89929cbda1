"""A run's cache of validated assessments and of results several notebooks share.

``pra run`` loads and validates each assessment once, in its own process, before any
notebook starts. It writes what it loaded to a cache folder of its own (a private temporary
folder, removed when the run ends) and names that folder to its kernels in
``PRA_ASSESSMENT_CACHE``. A notebook's ``load_assessment`` then takes the snapshot instead of
reading and checking every file again, but only when the snapshot's key matches: the SHA-256
of every file in the assessment folder, the load options, and the digest of the code that
loads (pra_lib's version and source, Python, pandas, NumPy, pyarrow). Anything else, or no
cache at all (plain papermill, JupyterLab), loads as usual.

The runner also leaves the size, times, inode and digest of every file it keyed
(:func:`folder_index`), so a kernel stats the files and hashes only one whose stat changed.

Results that several notebooks compute from the same assessment and options (the disclosure
plan; goal scores, shock ranks and the evidence matrix through :func:`shared`) go through
:func:`shared_result`: computed by the first notebook that needs them and read by the
others, under a key made of the assessment's key, the result's name and its parameters.

Examples
--------
>>> key = save_snapshot(load_assessment("data/sample", errors="collect"), "/tmp/cache", errors="collect")  # doctest: +SKIP
>>> cached_assessment("data/sample", errors="collect", cache="/tmp/cache").assessment_id  # doctest: +SKIP
'jakarta-2017-synthetic'
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import time
from pathlib import Path

from .._files import atomic_write_bytes

CACHE_ENV = "PRA_ASSESSMENT_CACHE"
_LIBRARY = Path(__file__).resolve().parent.parent
_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """SHA-256 of what decides a loaded assessment or a shared result, besides the data.

    pra_lib's version and the bytes of its source and reference files, the Python version,
    and the versions of pandas, NumPy and pyarrow (whose objects a snapshot holds).

    Examples
    --------
    >>> len(code_digest())
    64
    """
    if not _CODE_DIGEST:
        from importlib.metadata import PackageNotFoundError, version

        from .. import __version__

        digest = hashlib.sha256(f"pra_lib {__version__}\npython {sys.version}\n".encode())
        for name in ("pandas", "numpy", "pyarrow"):
            try:
                digest.update(f"{name} {version(name)}\n".encode())
            except PackageNotFoundError:
                digest.update(f"{name} none\n".encode())
        for path in sorted(p for p in _LIBRARY.rglob("*") if p.suffix in {".py", ".csv"} and "__pycache__" not in p.parts):
            digest.update(path.relative_to(_LIBRARY).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def folder_index(folder) -> dict:
    """What a kernel needs to trust a file's digest without reading the file again.

    For every entry of an assessment folder, its SHA-256 and what ``os.stat`` says of it
    (size, ``mtime_ns``, ``ctime_ns``, inode), and when the index was taken. The runner
    writes this next to its snapshots (:func:`save_folder_index`), so that a kernel only
    stats the files (:func:`folder_digests`). A file's stat is recorded only when it was the
    same before and after hashing, so a file written while it was hashed is hashed again.

    Examples
    --------
    >>> folder_index("data/sample")["files"]["assessment.yaml"]["sha256"]  # doctest: +SKIP
    '5b1f...'
    """
    taken = time.time_ns()
    files = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.is_file():
            before = _stat(entry)
            digest = _file_sha256(entry)
            files[entry.name] = {"sha256": digest, **(before if before is not None and before == _stat(entry) else {})}
        else:  # a folder or a dangling link where a table is expected is itself a problem the load reports
            files[entry.name] = {"sha256": "folder" if entry.is_dir() else "other"}
    return {"taken_ns": taken, "files": files}


# A file modified this shortly before it was indexed may be written again within the same
# timestamp tick after it was hashed and keep its stat ("racily clean", as git calls it):
# such a file is always hashed again.
_RACY_NS = 2_000_000_000
_STAT_FIELDS = ("size", "mtime_ns", "ctime_ns", "inode")


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stat(path: Path) -> dict | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns, "inode": st.st_ino}


def _trusted_digest(entry: Path, known: dict | None, taken_ns: int) -> str | None:
    """The indexed digest of ``entry`` when its stat is still the indexed one, else None."""
    if not known or any(k not in known for k in _STAT_FIELDS) or known["mtime_ns"] >= taken_ns - _RACY_NS:
        return None
    stat = _stat(entry)
    return known["sha256"] if stat is not None and all(stat[k] == known[k] for k in _STAT_FIELDS) else None


def folder_digests(folder, *, index: dict | None = None) -> dict[str, str]:
    """SHA-256 of every entry of an assessment folder, by name (a sub-folder as ``"folder"``).

    Every file counts, not only those the reader takes, so that nothing a load could see
    differs between a snapshot and the folder. With ``index`` (:func:`folder_index`, taken
    earlier) a file whose size, modification and change times and inode are still the
    indexed ones keeps its indexed digest; any other file is read and hashed.

    Examples
    --------
    >>> folder_digests("data/sample")["assessment.yaml"]  # doctest: +SKIP
    '5b1f...'
    """
    known = (index or {}).get("files", {})
    taken = (index or {}).get("taken_ns", 0)
    found = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.is_file():
            digest = _trusted_digest(entry, known.get(entry.name), taken)
            if digest is None:
                digest = _file_sha256(entry)
            found[entry.name] = digest
        else:  # a folder or a dangling link where a table is expected is itself a problem the load reports
            found[entry.name] = "folder" if entry.is_dir() else "other"
    return found


def assessment_key(folder, *, errors: str, index: dict | None = None) -> str:
    """The content address of a load: input files, load options and code.

    ``index`` (:func:`folder_index`) spares reading the files whose stat has not changed
    since it was taken; the key is the same either way.

    Examples
    --------
    >>> assessment_key("data/sample", errors="collect")  # doctest: +SKIP
    '9e0c...'
    """
    return _key(folder_digests(folder, index=index), errors)


def index_key(index: dict, *, errors: str) -> str:
    """The key of a load of the folder as ``index`` (:func:`folder_index`) found it.

    The same as :func:`assessment_key` of the folder at that moment, without reading it again.

    Examples
    --------
    >>> index_key(folder_index("data/sample"), errors="collect") == assessment_key("data/sample", errors="collect")  # doctest: +SKIP
    True
    """
    return _key({name: entry["sha256"] for name, entry in index["files"].items()}, errors)


def _key(digests: dict[str, str], errors: str) -> str:
    doc = {"files": digests, "options": {"errors": errors}, "code": code_digest()}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _index_file(cache, folder) -> Path:
    where = hashlib.sha256(os.fsencode(Path(folder).resolve())).hexdigest()
    return Path(cache) / f"files-{where}.json"


def save_folder_index(index: dict, cache, folder) -> None:
    """Write ``index`` (:func:`folder_index` of ``folder``) to the run's cache, atomically.

    A kernel that finds the snapshot of ``folder`` then stats its files instead of hashing
    them (:func:`cached_assessment`).

    Examples
    --------
    >>> save_folder_index(folder_index("data/sample"), "/tmp/cache", "data/sample")  # doctest: +SKIP
    """
    atomic_write_bytes(_index_file(cache, folder), json.dumps(index, sort_keys=True).encode())


def _saved_index(cache, folder) -> dict | None:
    try:
        index = json.loads(_index_file(cache, folder).read_bytes())
    except (OSError, ValueError):  # none written for this folder, or unreadable: every file is hashed
        return None
    return index if isinstance(index, dict) and isinstance(index.get("files"), dict) else None


def _cache_folder(cache) -> Path | None:
    cache = cache if cache is not None else os.environ.get(CACHE_ENV)
    if not cache:
        return None
    folder = Path(cache)
    return folder if folder.is_dir() else None


def save_snapshot(assessment, cache, *, errors: str, key: str | None = None) -> str:
    """Write a validated assessment to ``cache`` under its key; return the key.

    ``assessment`` must be what ``load_assessment(assessment.path, errors=errors)`` returns.
    Pass the ``key`` taken before that load (:func:`assessment_key`), so that a file changed
    while it was read gives a key no later load matches; without it the key is taken now.
    The file is written atomically.

    Examples
    --------
    >>> save_snapshot(assessment, "/tmp/cache", errors="collect")  # doctest: +SKIP
    '9e0c...'
    """
    key = key or assessment_key(assessment.path, errors=errors)
    atomic_write_bytes(Path(cache) / f"assessment-{key}.pickle", pickle.dumps(assessment, protocol=pickle.HIGHEST_PROTOCOL))
    assessment.__dict__["_content_key"] = key
    return key


def cached_assessment(path, *, errors: str, cache=None):
    """The snapshot of the assessment at ``path`` loaded with ``errors``, or None.

    None when there is no cache (``cache`` or ``PRA_ASSESSMENT_CACHE``) or no snapshot
    under the key of the folder as it is now. The assessment returned carries ``path`` as
    given, as a fresh load would, and raises as a fresh load would under ``errors="raise"``.

    Examples
    --------
    >>> cached_assessment("../data/sample", errors="collect") is None  # plain papermill  # doctest: +SKIP
    True
    """
    folder = _cache_folder(cache)
    if folder is None or not Path(path).is_dir():
        return None
    key = assessment_key(path, errors=errors, index=_saved_index(folder, path))
    try:
        data = (folder / f"assessment-{key}.pickle").read_bytes()
        assessment = pickle.loads(data)  # written by this run, in a folder only its user can open
    except Exception:  # noqa: BLE001 - no snapshot, or one that cannot be read: load as usual
        return None
    assessment.path = Path(path)
    assessment.__dict__["_content_key"] = key
    if assessment.problems and errors == "raise":
        from .problems import AssessmentError

        raise AssessmentError(assessment.path, assessment.problems)
    return assessment


def shared_result(assessment, name: str, parameters: dict, compute, *, cache=None):
    """``compute()``, or the result another notebook of the run already computed.

    The result is shared when the run has a cache and ``assessment`` came from it (or was
    saved to it); its key is the assessment's key, ``name``, ``parameters`` and the code
    digest. Otherwise ``compute()`` is simply called. ``compute`` must depend on the
    assessment and ``parameters`` only.

    Examples
    --------
    >>> shared_result(assessment, "disclosure.plan", {"min_cell_size": 5}, lambda: plan(assessment, min_cell_size=5))  # doctest: +SKIP
    """
    folder = _cache_folder(cache)
    content = getattr(assessment, "__dict__", {}).get("_content_key")
    if folder is None or content is None:
        return compute()
    doc = {"assessment": content, "name": name, "parameters": parameters, "code": code_digest()}
    key = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()
    path = folder / f"result-{key}.pickle"
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # noqa: BLE001 - not computed yet, or unreadable: compute it
        pass
    result = compute()
    try:
        atomic_write_bytes(path, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:  # a full or removed cache only costs the other notebooks the computation
        pass
    return result


def derive_key(derived, source, step: str, parameters: dict) -> None:
    """Give ``derived``, made from ``source`` by ``step`` with ``parameters``, a content key.

    So that results computed from it can be shared (:func:`shared`) as those of ``source``
    can. Nothing happens when ``source`` has no key or ``derived`` is ``source`` itself.

    Examples
    --------
    >>> derive_key(merged, assessment, "merge_small_categories", {"min_cell_size": 5})  # doctest: +SKIP
    """
    content = getattr(source, "__dict__", {}).get("_content_key")
    if content is None or derived is source:
        return
    doc = {"from": content, "step": step, "parameters": parameters}
    derived.__dict__["_content_key"] = hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def option_digest(value):
    """What of an option decides a result: the value itself, or a table's content digest.

    A DataFrame or Series counts by its columns, dtypes, index, values and ``attrs``, so two
    equal tables made in two kernels give the same digest.

    Examples
    --------
    >>> option_digest(2000)
    2000
    >>> option_digest(pd.DataFrame({"goal_id": ["G01"], "mean": [3.2]})) == option_digest(pd.DataFrame({"goal_id": ["G01"], "mean": [3.2]}))  # doctest: +SKIP
    True
    """
    import numpy as np
    import pandas as pd

    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        digest = hashlib.sha256(repr((list(frame.columns), [str(d) for d in frame.dtypes], value.attrs)).encode())
        try:
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists): their pickled form
            digest.update(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
        return {"table": digest.hexdigest()}
    if isinstance(value, np.ndarray):
        return {"array": hashlib.sha256(repr((value.dtype.str, value.shape)).encode() + np.ascontiguousarray(value).tobytes()).hexdigest()} if value.dtype != object else {"array": hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()}
    if isinstance(value, dict):
        return {str(k): option_digest(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [option_digest(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float, np.generic)):
        return value.item() if isinstance(value, np.generic) else value
    # Anything else would be keyed by its text, which need not tell two values apart.
    raise TypeError(f"shared: an option of type {type(value).__name__} cannot be keyed; call the function directly")


def shared(func, data, /, **options):
    """``func(data, **options)``, computed once per run by the first notebook that needs it.

    Under ``pra run`` the result is kept in the run's cache under a key made of the
    assessment's content key (its input files' digests, load options and code, and how the
    report merged small categories), ``func``'s name and every option (a table by its
    content), so another notebook asking for the same result with the same options (seed
    and ``n_resamples`` included) reads it instead of computing it again. With no cache, or
    an assessment that did not come from it (plain papermill, JupyterLab), or other options,
    ``func`` is simply called.

    ``func`` must depend on ``data`` and ``options`` only. The reports of a run merge small
    categories into the same tables; only the labels and populations of the merged
    categories in the metadata differ between a report on one activity and one across
    activities, so a result split ``by`` stakeholder group or area is not shared.

    Examples
    --------
    >>> ranks = shared(risk.rank_intervals, assessment, activity_id="assets_shocks_workshop", n_resamples=2000, seed=2017)  # doctest: +SKIP
    """
    if options.get("by") is not None:
        raise ValueError(f"shared: {func.__qualname__} by {options['by']!r} names merged categories, which differ between reports; call it directly")
    name = f"{func.__module__}.{func.__qualname__}"
    return shared_result(data, name, option_digest(options), lambda: func(data, **options))
