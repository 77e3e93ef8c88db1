"""What an export's first page says of the version it shows: its number and state, and the approval
its content carries (who, when, the evidence they read, their comment), or why it has none. A
regulator holding a printed export can then tie it to the four-eyes record and the evidence pack."""
from __future__ import annotations

from webapp.store.versions import FILES, Version


def version_record(version: Version) -> dict:
    approval = version.approved
    served = [s for s in version.steps if s.state == "published"]
    if approval is not None:
        missing = ""
    elif version.author == FILES and served:
        missing = "published from the files in decisions/ when the store was empty, without a four-eyes approval"
    else:
        missing = f"not approved: the version is {version.state}"
    return {"number": version.number, "state": version.state, "author": version.author,
            "created_at": version.created_at,
            "approval": {"by": approval.actor, "at": approval.at, "evidence": approval.details.get("evidence") or "",
                         "comment": approval.comment} if approval else None,
            "no_approval": missing,
            "published": {"by": served[-1].actor, "at": served[-1].at} if served else None}
