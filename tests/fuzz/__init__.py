"""Helpers of tests/test_fuzz.py: form discovery, input strategies and a database fingerprint."""
