"""Principal names, written in one place so ACLs and the policy agree."""


def user(user_id: int) -> str:
    return f"user:{user_id}"


def group_member(group_id: int) -> str:
    """Every member of an active group, administrators included."""
    return f"group:{group_id}:member"


def group_admin(group_id: int) -> str:
    return f"group:{group_id}:admin"


def entity_follower(entity_id: int) -> str:
    """A member of at least one active group following this entity."""
    return f"entity:{entity_id}"
