"""Collecting submissions: unique ids, the output folder, links, FIFOs and what is shown."""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from grader.errors import SubmissionError
from grader.inputs import (
    Collection,
    Skipped,
    collect,
    escape_part,
    page_href,
    page_name,
    submission_ids,
    terminal_safe,
)


def make(root: Path, *names: str, text: str = "answer\n") -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def ids(collection: Collection) -> dict[str, str]:
    """id -> file as shown"""
    return {s.id: s.file for s in collection.submissions}


def reasons(collection: Collection) -> dict[str, str]:
    return {s.file: s.reason for s in collection.skipped}


def unescape(text: str) -> str:
    """The inverse of the %XX escaping used by ids and page names."""
    data = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%":
            data.append(int(text[i + 1 : i + 3], 16))
            i += 3
        else:
            data += text[i].encode("utf-8", "surrogatepass")
            i += 1
    return data.decode("utf-8", "surrogatepass")


# --- ids -------------------------------------------------------------------------------------


def test_names_that_used_to_collide_get_three_ids(tmp_path):
    make(tmp_path / "subs", "a b.md", "a_b.md", "a_b-2.md")
    assert ids(collect([tmp_path / "subs"])) == {
        "a b": f"{tmp_path.as_posix()}/subs/a b.md",
        "a_b": f"{tmp_path.as_posix()}/subs/a_b.md",
        "a_b-2": f"{tmp_path.as_posix()}/subs/a_b-2.md",
    }


def test_letters_of_any_script_are_kept(tmp_path):
    make(tmp_path, "Łukasz.md", "José.md", "张伟.md", "Ægir Þórsson.txt")
    assert set(ids(collect([tmp_path]))) == {"Łukasz", "José", "张伟", "Ægir Þórsson"}


@pytest.mark.parametrize(
    "names, expected",
    [
        (["a.md", "b.md"], {"a.md": "a", "b.md": "b"}),
        (["a.md", "a.txt"], {"a.md": "a.md", "a.txt": "a.txt"}),
        (["a.md", "a.md.txt"], {"a.md": "a", "a.md.txt": "a.md.txt"}),
        (["README", "README.md"], {"README": "README", "README.md": "README.md"}),
        (["x.tar", "x.tar.gz"], {"x.tar": "x", "x.tar.gz": "x.tar.gz"}),
        (["a.md", "a.txt", "a.md.txt", "b.md"], {"a.md": "a.md", "a.txt": "a.txt", "a.md.txt": "a.md.txt", "b.md": "b"}),
        (["a.", "a"], {"a.": "a.", "a": "a"}),
        (["x/a.md", "y/a.md"], {"x/a.md": "x/a", "y/a.md": "y/a"}),
        (["x.md", "x/a.md"], {"x.md": "x", "x/a.md": "x/a"}),
    ],
)
def test_the_extension_is_dropped_only_when_every_id_stays_unique(names, expected):
    assigned = submission_ids(tuple(name.split("/")) for name in names)
    assert {"/".join(parts): sid for parts, sid in assigned.items()} == expected


@pytest.mark.parametrize(
    "part, escaped",
    [
        ("plain", "plain"),
        ("a b", "a b"),
        ("Łukasz", "Łukasz"),
        ("esc\x1b[31mred", "esc%1B[31mred"),
        ("100%", "100%25"),
        ("back\\slash", "back%5Cslash"),
        ("nul\x00", "nul%00"),
        ("line\nbreak\r", "line%0Abreak%0D"),
        ("bidi\u202eevil", "bidi%E2%80%AEevil"),
        ("iso\u2066late", "iso%E2%81%A6late"),
        ("c1\x9b", "c1%C2%9B"),
        ("nb\u00a0sp", "nb%C2%A0sp"),
        (".hidden", "%2Ehidden"),
        ("-rf", "%2Drf"),
        ("a.-b", "a.-b"),
        ("bad\udcff", "bad%ED%B3%BF"),  # a byte that is not UTF-8, as Python keeps it
        ("a/b", "a%2Fb"),
    ],
)
def test_unsafe_characters_are_percent_encoded(part, escaped):
    assert escape_part(part) == escaped
    assert unescape(escaped) == part


parts = st.text(st.characters(codec=None), min_size=0, max_size=8)
names = st.sampled_from(["a", "a.md", "a.txt", "a.md.txt", "b.md", "a.", ".a", "%41", "A", "a b.md", "a_b.md", "a_b-2.md", "-x"])
relative = st.lists(st.one_of(names, parts), min_size=1, max_size=3).map(tuple)


@settings(max_examples=400, deadline=None)
@given(st.sets(relative, min_size=1, max_size=12))
def test_distinct_relative_names_always_get_distinct_ids(paths):
    assigned = submission_ids(paths)
    assert set(assigned) == paths
    assert len(set(assigned.values())) == len(paths)


@settings(max_examples=400, deadline=None)
@given(parts)
def test_escaping_a_part_can_be_undone_and_is_safe(part):
    escaped = escape_part(part)
    assert unescape(escaped) == part
    assert "/" not in escaped and "\\" not in escaped
    assert not escaped.startswith((".", "-"))
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in escaped)
    escaped.encode("utf-8")  # no lone surrogate left: writable to JSON, CSV, HTML


@settings(max_examples=100, deadline=None)
@given(st.sets(relative, min_size=1, max_size=8), st.randoms())
def test_ids_do_not_depend_on_the_order_files_are_found_in(paths, random):
    order = sorted(paths)
    shuffled = list(order)
    random.shuffle(shuffled)
    assert submission_ids(order) == submission_ids(shuffled)


def test_ids_are_relative_to_the_common_folder_of_several_inputs(tmp_path):
    make(tmp_path, "morning/alice.md", "evening/alice.md", "late.md")
    collection = collect([tmp_path / "morning", tmp_path / "evening", tmp_path / "late.md"])
    assert set(ids(collection)) == {"morning/alice", "evening/alice", "late"}


def test_a_file_given_is_named_after_its_own_folder(tmp_path):
    make(tmp_path, "subs/alice.md", "subs/bob.md")
    assert set(ids(collect([tmp_path / "subs" / "alice.md"]))) == {"alice"}
    both = collect([tmp_path / "subs" / "alice.md", tmp_path / "subs" / "bob.md"])
    assert set(ids(both)) == {"alice", "bob"}


def test_a_folder_given_twice_or_inside_another_is_graded_once(tmp_path):
    make(tmp_path, "subs/alice.md", "subs/group/bob.md")
    collection = collect([tmp_path / "subs", tmp_path / "subs", tmp_path / "subs" / "group", tmp_path / "subs" / "alice.md"])
    assert set(ids(collection)) == {"alice", "group/bob"}
    assert collection.skipped == ()


def test_ids_are_stable_from_run_to_run(tmp_path):
    make(tmp_path, "subs/b.md", "subs/a.md", "subs/a.txt", "subs/c/d.md")
    first = collect([tmp_path / "subs"])
    assert collect([tmp_path / "subs"]) == first
    assert [s.id for s in first.submissions] == sorted(s.id for s in first.submissions)


def test_an_undecodable_file_name_is_graded_and_shown_readably(tmp_path):
    folder = tmp_path / "subs"
    folder.mkdir()
    try:
        fd = os.open(os.fsencode(folder) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    os.write(fd, b"answer\n")
    os.close(fd)
    (submission,) = collect([folder]).submissions
    assert submission.id == "caf%ED%B3%A9"
    assert submission.file.endswith("subs/caf\\xe9.md")
    assert submission.path.read_text() == "answer\n"


# --- what is not a submission ------------------------------------------------------------------


def test_the_output_folder_inside_the_input_is_not_collected_and_ids_do_not_change(tmp_path):
    subs = make(tmp_path / "subs", "alice.md", "bob.md")
    before = collect([subs], exclude=[subs / "reports"])
    make(subs / "reports", "index.html", "alice.html", "results.json", "grades.csv", "deep/x.md")
    after = collect([subs], exclude=[subs / "reports"])
    assert ids(after) == ids(before) == {"alice": f"{subs.as_posix()}/alice.md", "bob": f"{subs.as_posix()}/bob.md"}
    assert reasons(after) == {f"{subs.as_posix()}/reports": "the output folder; its files are not submissions"}


def test_the_output_folder_is_compared_by_its_resolved_path(tmp_path, monkeypatch):
    subs = make(tmp_path / "subs", "alice.md", "reports/index.html")
    monkeypatch.chdir(tmp_path)
    os.symlink(subs / "reports", tmp_path / "out")
    assert set(ids(collect([Path("subs")], exclude=[Path("out")]))) == {"alice"}
    assert set(ids(collect([Path("subs")], exclude=[Path("./subs/../subs/reports")]))) == {"alice"}
    assert reasons(collect([Path("subs/reports/index.html")], exclude=[Path("out")])) == {"subs/reports/index.html": "inside the output folder"}


def test_hidden_files_and_folders_are_passed_over_silently(tmp_path):
    subs = make(tmp_path / "subs", "alice.md", ".DS_Store", ".git/config", ".~lock.alice.md#", "group/.hidden.md")
    collection = collect([subs])
    assert set(ids(collection)) == {"alice"}
    assert collection.skipped == ()


def test_a_hidden_file_named_on_the_command_line_is_refused_with_a_reason(tmp_path):
    make(tmp_path, ".notes.md")
    assert reasons(collect([tmp_path / ".notes.md"])) == {f"{tmp_path.as_posix()}/.notes.md": "a hidden file"}


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(SubmissionError, match="nowhere: no such file or folder"):
        collect([tmp_path / "nowhere"])


# --- links ---------------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_skipped_not_published(tmp_path):
    secret = make(tmp_path / "etc", "hostname", text="secret-host\n") / "hostname"
    subs = make(tmp_path / "subs", "alice.md")
    os.symlink(secret, subs / "mallory.md")
    os.symlink("../etc", subs / "etc-dir")
    collection = collect([subs])
    assert set(ids(collection)) == {"alice"}
    assert reasons(collection) == {
        f"{subs.as_posix()}/mallory.md": f"a link to a file outside {subs.as_posix()}",
        f"{subs.as_posix()}/etc-dir": f"a link to a folder outside {subs.as_posix()}",
    }
    assert all(s.path != secret for s in collection.submissions)


def test_a_link_inside_the_folder_is_fine(tmp_path):
    subs = make(tmp_path / "subs", "store/.x123.md", "alice.md")
    os.symlink("store/.x123.md", subs / "bob.md")
    collection = collect([subs])
    assert {s.id: s.path for s in collection.submissions} == {"bob": (subs / "store/.x123.md").resolve(), "alice": (subs / "alice.md").resolve()}
    assert collection.skipped == ()


def test_two_paths_to_one_file_grade_it_once_under_its_own_name(tmp_path):
    subs = make(tmp_path / "subs", "store/x123.md", "alice.md")
    os.symlink("store/x123.md", subs / "bob.md")
    os.symlink("alice.md", subs / "alice-again.md")
    os.symlink("store", subs / "store-link")  # a folder link inside: its files are found where they are
    os.link(subs / "alice.md", subs / "alice-hard.md")
    collection = collect([subs])
    assert {s.id: s.path for s in collection.submissions} == {
        "store/x123": (subs / "store/x123.md").resolve(),
        "alice": (subs / "alice.md").resolve(),
        "alice-hard": (subs / "alice-hard.md").resolve(),  # a hard link is a file of its own: two identical sheets
    }
    assert reasons(collection) == {
        f"{subs.as_posix()}/bob.md": f"the same file as {subs.as_posix()}/store/x123.md",
        f"{subs.as_posix()}/alice-again.md": f"the same file as {subs.as_posix()}/alice.md",
    }


def test_a_dangling_link_and_a_loop_are_listed(tmp_path):
    subs = make(tmp_path / "subs", "alice.md")
    os.symlink("gone.md", subs / "bob.md")
    os.symlink("loop-b", subs / "loop-a")
    os.symlink("loop-a", subs / "loop-b")
    collection = collect([subs])
    assert set(ids(collection)) == {"alice"}
    assert reasons(collection) == {
        f"{subs.as_posix()}/bob.md": "a dangling link",
        f"{subs.as_posix()}/loop-a": "a link that loops",
        f"{subs.as_posix()}/loop-b": "a link that loops",
    }


def test_a_link_named_on_the_command_line_is_taken(tmp_path):
    make(tmp_path / "elsewhere", "sheet.md")
    os.symlink(tmp_path / "elsewhere" / "sheet.md", tmp_path / "alice.md")
    (submission,) = collect([tmp_path / "alice.md"]).submissions
    assert (submission.id, submission.path, submission.file) == ("alice", (tmp_path / "elsewhere" / "sheet.md").resolve(), f"{tmp_path.as_posix()}/alice.md")
    os.symlink(tmp_path / "gone.md", tmp_path / "bob.md")
    assert reasons(collect([tmp_path / "bob.md"])) == {f"{tmp_path.as_posix()}/bob.md": "a dangling link"}


def test_a_link_into_the_output_folder_is_skipped(tmp_path):
    subs = make(tmp_path / "subs", "alice.md", "reports/alice.html")
    os.symlink("reports/alice.html", subs / "bob.md")
    assert reasons(collect([subs], exclude=[subs / "reports"]))[f"{subs.as_posix()}/bob.md"] == "a link into the output folder"


# --- FIFOs and other special files ---------------------------------------------------------------


def collect_within(seconds: float, *args, **kwargs) -> Collection:
    """``collect`` in a thread: if it opened a FIFO it would block, and the test fails instead of hanging."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(collect(*args, **kwargs)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "collect blocked: it opened a FIFO"
    return out[0]


@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    subs = make(tmp_path / "subs", "alice.md")
    os.mkfifo(subs / "pipe.md")
    yield subs / "pipe.md"
    try:  # had collect opened it for reading, a writer releases it
        os.close(os.open(subs / "pipe.md", os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


def test_a_fifo_is_skipped_with_a_reason_and_never_opened(fifo, monkeypatch):
    real_open = os.open

    def guarded_open(path, *args, **kwargs):
        assert Path(os.fsdecode(path)).name != "pipe.md", "the FIFO was opened"
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    collection = collect_within(10, [fifo.parent])
    assert set(ids(collection)) == {"alice"}
    assert reasons(collection) == {fifo.as_posix(): "not a regular file (a FIFO)"}


def test_a_fifo_named_on_the_command_line_is_skipped(fifo):
    collection = collect_within(10, [fifo])
    assert collection.submissions == ()
    assert collection.skipped == (Skipped(fifo.as_posix(), "not a regular file (a FIFO)"),)


def test_a_link_to_a_fifo_is_skipped(fifo):
    os.symlink("pipe.md", fifo.parent / "bob.md")
    assert reasons(collect_within(10, [fifo.parent]))[f"{fifo.parent.as_posix()}/bob.md"] == "not a regular file (a link to a FIFO)"


def test_a_device_is_skipped(tmp_path):
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    assert reasons(collect_within(10, [Path("/dev/null")])) == {"/dev/null": "not a regular file (a character device)"}


def test_a_socket_is_skipped(tmp_path):
    socket = pytest.importorskip("socket")
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("no unix sockets")
    subs = make(tmp_path / "s", "alice.md")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(subs / "sock"))
    except OSError:
        pytest.skip("cannot bind a unix socket here")
    try:
        assert reasons(collect_within(10, [subs])) == {f"{subs.as_posix()}/sock": "not a regular file (a socket)"}
    finally:
        server.close()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads every folder")
def test_a_folder_that_cannot_be_read_is_listed(tmp_path):
    subs = make(tmp_path / "subs", "alice.md", "locked/bob.md")
    (subs / "locked").chmod(0)
    try:
        collection = collect([subs])
    finally:
        (subs / "locked").chmod(0o700)
    assert set(ids(collection)) == {"alice"}
    assert reasons(collection)[f"{subs.as_posix()}/locked"].startswith("a folder that cannot be read")


# --- page names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sid, name",
    [
        ("alice", "alice.html"),
        ("Łukasz", "Łukasz.html"),
        ("张伟", "张伟.html"),
        ("a b", "a b.html"),
        ("group/alice", "group%2Falice.html"),
        ("index", "%69ndex.html"),
        ("INDEX", "%49NDEX.html"),
        ("index.md", "index.md.html"),
        ("%69ndex", "%2569ndex.html"),
        ("index_", "index_.html"),
        (".hidden", "%2Ehidden.html"),
        ("-rf", "%2Drf.html"),
        (" lead", "%20lead.html"),
        ("CON", "%43ON.html"),
        ("nul.txt", "%6Eul.txt.html"),
        ("com1", "%63om1.html"),
        ("console", "console.html"),
        ("a:b*c?", "a%3Ab%2Ac%3F.html"),
        ('q"<>|', "q%22%3C%3E%7C.html"),
        ("back\\slash", "back%5Cslash.html"),
        ("esc%1B", "esc%251B.html"),
        ("tilde~", "tilde%7E.html"),
        ("", "~.html"),
    ],
)
def test_page_names(sid, name):
    assert page_name(sid) == name
    assert unescape(name.removesuffix(".html")) == sid or (sid, name) == ("", "~.html")


_WINDOWS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def check_page_name_is_safe(name: str) -> None:
    assert name.endswith(".html") and name != "index.html" and name.lower() != "index.html"
    assert not name.startswith((".", "-", " "))
    assert not _WINDOWS_BAD.search(name)
    assert all(unicodedata.category(ch)[0] not in "CZ" or ch == " " for ch in name)
    assert len(name.encode("utf-8")) <= 255
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


ids_strategy = st.one_of(
    st.text(st.characters(codec=None), max_size=40),
    st.sampled_from(["index", "Index", "index_", "%69ndex", "CON", "con.x", "a/b", "a%2Fb", ".x", "-x"]),
    st.text(st.characters(codec=None), min_size=150, max_size=400),
)


@settings(max_examples=500, deadline=None)
@given(ids_strategy)
def test_every_page_name_is_safe_and_a_short_one_gives_its_id_back(sid):
    name = page_name(sid)
    check_page_name_is_safe(name)
    if "~" not in name:  # not cut: percent-decoding gives the id back, so the map is injective
        assert unescape(name.removesuffix(".html")) == sid
    else:  # the empty id, or cut: the 32 hex digits of the id's digest follow the only '~'
        assert name == "~.html" if sid == "" else re.fullmatch(r"[^~]*~[0-9a-f]{32}\.html", name)


@settings(max_examples=300, deadline=None)
@given(st.sets(ids_strategy, min_size=2, max_size=10))
def test_different_ids_never_share_a_page(sids):
    assert len({page_name(sid) for sid in sids}) == len(sids)


def test_a_long_id_gets_a_cut_name_with_a_digest():
    long_a, long_b = "a" * 300, "a" * 299 + "b"
    assert page_name(long_a) != page_name(long_b)
    assert len(page_name(long_a).encode()) <= 255 and "~" in page_name(long_a)
    assert page_name("ł" * 120) != page_name("ł" * 121)


def test_a_page_href_is_the_quoted_page_name():
    assert page_href("group/alice") == "group%252Falice.html"
    assert page_href("Łukasz") == "%C5%81ukasz.html"


def test_ids_from_a_folder_get_distinct_pages(tmp_path):
    make(tmp_path, "index.md", "index.txt", "group/index.md", "a b.md", "a_b.md", "a_b-2.md", "Łukasz.md", "CON.md")
    pages = [page_name(s.id) for s in collect([tmp_path]).submissions]
    assert len(set(pages)) == len(pages) == 8 and "index.html" not in pages


# --- printing names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("alice.md", "alice.md"),
        ("Łukasz.md", "Łukasz.md"),
        ("red\x1b[31m.md", "red\\x1b[31m.md"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("bell\x07", "bell\\x07"),
        ("over\rwrite", "over\\x0dwrite"),
        ("new\nline\ttab", "new\\x0aline\\x09tab"),
        ("del\x7f", "del\\x7f"),
        ("evil\u202egpj.md", "evil\\u202egpj.md"),
        ("lre\u202a rle\u202b pdf\u202c lro\u202d", "lre\\u202a rle\\u202b pdf\\u202c lro\\u202d"),
        ("\u2066isolates\u2067\u2068\u2069", "\\u2066isolates\\u2067\\u2068\\u2069"),
        ("rlm\u200f", "rlm\\u200f"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        ("bad\udcff", "bad\\udcff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("back\\x1b", "back\\x1b"),
    ],
)
def test_terminal_safe(text, shown):
    assert terminal_safe(text) == shown


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(codec=None)))
def test_terminal_safe_leaves_nothing_that_acts_on_a_terminal(text):
    shown = terminal_safe(text)
    assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in shown)
    assert terminal_safe(shown) == shown
    shown.encode("utf-8")


def test_reasons_never_carry_a_raw_control_character(tmp_path):
    subs = make(tmp_path / "in\x1b[2Jput", "alice.md")
    make(tmp_path / "etc", "hostname")
    os.symlink(tmp_path / "etc" / "hostname", subs / "mallory.md")
    os.symlink("alice.md", subs / "\x1b]0;title\x07.md")
    for skipped in collect([subs]).skipped:
        assert "\x1b" not in skipped.reason and "\x07" not in skipped.reason
