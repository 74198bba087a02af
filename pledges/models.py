# The pledge life cycle arrives with the signing issue.
