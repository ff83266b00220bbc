"""Every `pattern` of the OpenAPI document is an ECMA-262 regular expression
that compiles without the u flag (``new RegExp(p)``, as many JavaScript
tools build it), and a Python one."""
import json
import re
import shutil
import subprocess

import pytest

from seatshare.openapi import document

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed: the "
                                "patterns cannot be compiled as JavaScript does")

# Reads [pattern, [sample, ...]] pairs on stdin; answers, for each, the
# error compiling it without the u flag (or null) and whether each sample matches.
COMPILE = """
const pairs = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(pairs.map(([pattern, samples]) => {
  try {
    const regex = new RegExp(pattern);
    return [null, samples.map((sample) => regex.test(sample))];
  } catch (error) {
    return [String(error.message), []];
  }
})));
"""


def patterns(node) -> set:
    if isinstance(node, dict):
        found = {node["pattern"]} if isinstance(node.get("pattern"), str) else set()
        return found.union(*(patterns(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(patterns(value) for value in node))
    return set()


def in_node(pairs):
    run = subprocess.run([NODE, "-e", COMPILE], input=json.dumps(pairs), capture_output=True,
                         text=True, check=True, timeout=60)
    return json.loads(run.stdout)


def name_pattern():
    """A group's name: trimmed, never blank, at most 200 characters."""
    body = document()["paths"]["/api/v1/groups/{id}"]["put"]["requestBody"]
    return body["content"]["application/json"]["schema"]["properties"]["name"]["pattern"]


@needs_node
def test_every_pattern_compiles_as_ecma_262_without_the_u_flag():
    found = sorted(patterns(document()))
    assert name_pattern() in found
    errors = {pattern[:80]: error for pattern, (error, _) in
              zip(found, in_node([[pattern, []] for pattern in found])) if error}
    assert errors == {}


def test_every_pattern_compiles_in_python():
    for pattern in patterns(document()):
        re.compile(pattern)


SAMPLES = {" Kid\u200b": True, "\u200b\ufeff \u3000": False, "K": True, "": False,
           "x" * 200: True, "\u00a0" + "x" * 200 + "\u2060": True, "x" * 201: False}


@needs_node
def test_javascript_and_python_read_a_name_s_pattern_alike():
    [(error, matches)] = in_node([[name_pattern(), list(SAMPLES)]])
    assert error is None
    assert dict(zip(SAMPLES, matches)) == SAMPLES
    assert {s: bool(re.search(name_pattern(), s)) for s in SAMPLES} == SAMPLES
