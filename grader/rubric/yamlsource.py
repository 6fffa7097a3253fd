"""YAML with line numbers: load a file into plain Python data plus a map from key
paths to the line they were written on, so schema errors can say ``FILE:LINE: key``.

The data is built here from PyYAML's node graph, not by PyYAML's constructor, so
this module also carries the safety rules the constructor would otherwise apply:

* only the standard YAML tags are accepted (``!!str``, ``!!int``, ``!!map``…); any
  other tag (``!!python/tuple``, ``!foo``) on any node is refused at its line;
* an alias is expanded each time it is used, so the number of nodes built is
  counted, aliases included, and a document that would grow past ``MAX_NODES``
  (a "billion laughs" chain of aliases) is refused while it is being built,
  long before it could fill the memory; an alias used inside its own anchor is
  refused too (it would expand forever).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[Any, ...]

# A rubric file has a few hundred nodes; this leaves ample room and stops an
# alias chain after bounded work (each node costs a few hundred bytes).
MAX_NODES = 100_000
# Deeper than any rubric; well within Python's recursion limit.
MAX_DEPTH = 100

_CORE = "tag:yaml.org,2002:"
# The tags PyYAML's safe constructor builds from a scalar (the implicit ones plus !!binary).
_SCALAR_TAGS = frozenset(_CORE + name for name in ("null", "bool", "int", "float", "str", "binary", "timestamp"))
_SEQUENCE_TAG = _CORE + "seq"
_MAPPING_TAG = _CORE + "map"
# Standard YAML tags that this loader does not build (their meaning is not a plain list or dict).
_STANDARD_UNSUPPORTED = frozenset(_CORE + name for name in ("omap", "pairs", "set", "merge", "value", "yaml"))


@dataclass(frozen=True)
class Located:
    """A YAML document's data and the 1-based line of every key path in it."""

    file: str
    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Path_) -> int:
        """The line of the deepest prefix of ``path`` that was written in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


@dataclass(frozen=True)
class _Alias:
    """Where an alias (``*name``) was written, and the node it stands for."""

    target: yaml.Node
    anchor: str
    mark: Any


class _Loader(yaml.SafeLoader):
    """The safe loader, except that an alias becomes an ``_Alias`` (not the bare target
    node), so that errors found while expanding it can name the line it was used on."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            return _Alias(super().compose_node(parent, index), event.anchor, event.start_mark)
        return super().compose_node(parent, index)


def _shown(tag: str) -> str:
    return "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, max_nodes: int):
        self.loader = loader
        self.max_nodes = max_nodes
        self.nodes = 0
        self.alias_lines: list[int] = []  # where the aliases being expanded right now were used
        self.building: list[yaml.Node] = []  # the nodes from the root down to the current one

    def build(self, node: yaml.Node | _Alias, path: Path_, lines: dict[Path_, int]) -> Any:
        if isinstance(node, _Alias):
            line = node.mark.line + 1
            if any(node.target is open_node for open_node in self.building):
                raise YamlSyntaxError(line, f"alias *{node.anchor} is used inside its own anchor &{node.anchor}; it would expand forever")
            self.alias_lines.append(line)
            try:
                return self._node(node.target, path, lines, line)
            finally:
                self.alias_lines.pop()
        return self._node(node, path, lines, node.start_mark.line + 1)

    def _node(self, node: yaml.Node, path: Path_, lines: dict[Path_, int], line: int) -> Any:
        """Build ``node``; ``line`` is where it is used (an alias's own line when expanding one)."""
        self.nodes += 1
        if self.nodes > self.max_nodes:
            if self.alias_lines:  # name the written alias whose expansion went past the limit
                raise YamlSyntaxError(self.alias_lines[0], f"too many nodes after expanding aliases (more than {self.max_nodes:,}); a rubric needs far fewer")
            raise YamlSyntaxError(line, f"too many nodes (more than {self.max_nodes:,}); a rubric needs far fewer")
        if len(self.building) >= MAX_DEPTH:
            raise YamlSyntaxError(line, f"nested more than {MAX_DEPTH} levels deep; a rubric needs far fewer")
        self._check_tag(node)
        lines.setdefault(path, line)
        self.building.append(node)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, lines)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(child, path + (i,), lines) for i, child in enumerate(node.value)]
            return self._scalar(node)
        finally:
            self.building.pop()

    def _mapping(self, node: yaml.MappingNode, path: Path_, lines: dict[Path_, int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = _line(key_node)
            key = self.build(key_node, path + ("<key>",), {})
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlSyntaxError(key_line, "keys must be plain scalars")
            if key in out:
                raise YamlSyntaxError(key_line, f"{key}: duplicate key")
            lines[path + (key,)] = key_line
            out[key] = self.build(value_node, path + (key,), lines)
        return out

    def _scalar(self, node: yaml.Node) -> Any:
        # The safe constructor decides the type (int, float, bool, str, null, date).
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # 2024-02-30, an int of 5000 digits
            raise YamlSyntaxError(_line(node), f"YAML syntax: {_clip(node.value)!r} cannot be read as {_shown(node.tag)} ({exc})") from None

    @staticmethod
    def _check_tag(node: yaml.Node) -> None:
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            allowed = tag in _SCALAR_TAGS
        elif isinstance(node, yaml.SequenceNode):
            allowed = tag == _SEQUENCE_TAG
        else:
            allowed = tag == _MAPPING_TAG
        if allowed:
            return
        line = _line(node)
        if tag == _CORE + "merge":
            raise YamlSyntaxError(line, "YAML syntax: merge keys ('<<') are not supported; write the keys out")
        if tag in _STANDARD_UNSUPPORTED or tag in _SCALAR_TAGS or tag in (_SEQUENCE_TAG, _MAPPING_TAG):
            kind = {yaml.ScalarNode: "a scalar", yaml.SequenceNode: "a list"}.get(type(node), "a mapping")
            raise YamlSyntaxError(line, f"YAML syntax: tag '{_shown(tag)}' is not supported on {kind}")
        raise YamlSyntaxError(line, f"YAML syntax: unknown tag '{_shown(tag)}'")


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(node: yaml.Node | _Alias) -> int:
    mark = node.mark if isinstance(node, _Alias) else node.start_mark
    return mark.line + 1


def load_located(path: Path, *, max_nodes: int = MAX_NODES) -> Located:
    """Parse ``path`` safely (standard tags only, aliases bounded) keeping the line of every key."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlSyntaxError(1, "the file is empty")
        lines: dict[Path_, int] = {}
        data = _Builder(loader, max_nodes).build(node, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else 1, f"YAML syntax: {exc.problem or exc}") from None
    except RecursionError:  # PyYAML's parser recurses once per level: '[[[[…' thousands deep
        raise YamlSyntaxError(1, f"YAML syntax: nested too deeply (more than {MAX_DEPTH} levels); a rubric needs far fewer") from None
    finally:
        loader.dispose()
    return Located(str(path), data, lines)
