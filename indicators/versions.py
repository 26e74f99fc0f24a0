"""The version of a target or result as the grid and the bulk template show it: the record
version of ``cpc.versions`` (the rule of the edit pages), or ``NO_RECORD`` where there was
none yet, so that one recorded meanwhile is seen as a change too."""

from cpc.versions import record_version

NO_RECORD = "none"


def version_of(record) -> str:
    return NO_RECORD if record is None else record_version(record)
