"""Reading the service's RFC 9457 Problem Details in tests: `errors` is a list of {pointer, detail};
`by_field` nests it by the pointer's steps ({"Request": {"product": ["..."]}}), a reason at the
body's root under ""."""


def by_field(problem: dict) -> dict:
    found: dict = {}
    for error in problem["errors"]:
        steps = [s.replace("~1", "/").replace("~0", "~") for s in error["pointer"].split("/")[1:]] or [""]
        node = found
        for step in steps[:-1]:
            node = node.setdefault(step, {})
        node.setdefault(steps[-1], []).append(error["detail"])
    return found
