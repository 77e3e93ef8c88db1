"""Small builders of DMN 1.5 XML for the evaluation tests."""
from __future__ import annotations

NS = "https://www.omg.org/spec/DMN/20230324/MODEL/"


def definitions(body: str, name: str = "m", namespace: str = "http://example.com/m",
                extra: str = "") -> str:
    return (f'<definitions xmlns="{NS}" id="defs_{name}" name="{name}" namespace="{namespace}" '
            f'{extra}>{body}</definitions>')


def input_data(name: str, type_ref: str | None = None, ident: str | None = None) -> str:
    t = f' typeRef="{type_ref}"' if type_ref else ""
    return (f'<inputData id="{ident or "i_" + name.replace(" ", "_")}" name="{name}">'
            f'<variable name="{name}"{t}/></inputData>')


def decision(name: str, body: str, type_ref: str | None = None, inputs=(), decisions=(),
             knowledge=(), ident: str | None = None) -> str:
    t = f' typeRef="{type_ref}"' if type_ref else ""
    reqs = "".join(f'<informationRequirement><requiredInput href="#i_{i.replace(" ", "_")}"/>'
                   f'</informationRequirement>' for i in inputs)
    reqs += "".join(f'<informationRequirement><requiredDecision href="#d_{d.replace(" ", "_")}"/>'
                    f'</informationRequirement>' for d in decisions)
    reqs += "".join(f'<knowledgeRequirement><requiredKnowledge href="#{k}"/>'
                    f'</knowledgeRequirement>' for k in knowledge)
    return (f'<decision id="{ident or "d_" + name.replace(" ", "_")}" name="{name}">'
            f'<variable name="{name}"{t}/>{reqs}{body}</decision>')


def literal(text: str, type_ref: str | None = None) -> str:
    t = f' typeRef="{type_ref}"' if type_ref else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<literalExpression{t}><text>{text}</text></literalExpression>"


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(inputs, outputs, rules, hit="UNIQUE", aggregation=None, annotations=(),
          output_values=None, defaults=None, input_values=None) -> str:
    agg = f' aggregation="{aggregation}"' if aggregation else ""
    xml = f'<decisionTable id="dt" hitPolicy="{hit}"{agg}>'
    for n, text in enumerate(inputs):
        iv = (input_values or {}).get(n)
        xml += (f'<input id="in{n}"><inputExpression><text>{esc(text)}</text></inputExpression>'
                + (f"<inputValues><text>{esc(iv)}</text></inputValues>" if iv else "")
                + "</input>")
    for n, name in enumerate(outputs):
        ov = (output_values or {}).get(n)
        dv = (defaults or {}).get(n)
        xml += (f'<output id="out{n}" name="{name}">'
                + (f"<outputValues><text>{esc(ov)}</text></outputValues>" if ov else "")
                + (f"<defaultOutputEntry><text>{esc(dv)}</text></defaultOutputEntry>" if dv
                   else "") + "</output>")
    for a in annotations:
        xml += f'<annotation name="{a}"/>'
    for n, rule in enumerate(rules, start=1):
        ins, outs = rule[0], rule[1]
        notes = rule[2] if len(rule) > 2 else []
        xml += f'<rule id="r{n}">'
        xml += "".join(f"<inputEntry><text>{esc(t)}</text></inputEntry>" for t in ins)
        xml += "".join(f"<outputEntry><text>{esc(t)}</text></outputEntry>" for t in outs)
        xml += "".join(f"<annotationEntry><text>{esc(t)}</text></annotationEntry>"
                       for t in notes)
        xml += "</rule>"
    return xml + "</decisionTable>"
