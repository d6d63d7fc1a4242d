"""The domain: plain Python types and rules. Imports nothing but the standard library."""
