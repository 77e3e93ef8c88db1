"""The people the tests act as, one key each: four eyes is about people, so the tests name them.
A person named after a role holds only that role; `all` holds every role."""
from webapp.store.keys import ROLES, hash_key

PEOPLE = {
    "ann": ("author",),                                           # writes drafts
    "bob": ("author", "approver"),                                # edits and approves
    "cat": ("approver",),                                         # approves and publishes
    "fay": ("approver", "audit", "evaluate"),                     # a reviewing physician: opens cases too
    "dan": ("evaluate", "audit", "author", "approver", "admin"),  # every role, as the dev key
    "eve": ("evaluate",),                                         # a caller
    "ida": ("audit",),                                            # compliance
    "max": ("admin",),                                            # operations
    "all": ROLES,
    **{role: (role,) for role in ROLES},
}


def key_of(person: str) -> str:
    return f"key-of-{person}"


def name_of(person: str) -> str:
    """The person's name, as their key's entry gives it and the lifecycle records it."""
    return person.capitalize()


def key_id_of(person: str) -> str:
    """The key id the audit trail records beside the name (webapp.store.keys)."""
    return hash_key(key_of(person))[:12]


def key_spec() -> str:
    """Every person's key, as CAR_T_API_KEYS takes them."""
    return ";".join(f"{hash_key(key_of(p))}:{','.join(roles)}:{name_of(p)}" for p, roles in PEOPLE.items())


def as_(person: str = "all") -> dict:
    """The Authorization header of `person`'s key."""
    return {"Authorization": f"Bearer {key_of(person)}"}
