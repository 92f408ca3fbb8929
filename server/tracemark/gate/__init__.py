"""Gate: verify a range of commits, apply the policy, and write the reports CI consumes."""
