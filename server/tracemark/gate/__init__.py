"""Gate: ``tracemark verify``, the CI end of the pipeline.

- ``history.py``: a range's commits, messages and added lines in a fixed number of git calls
- ``ranges.py``: the default range in CI (pull/merge request, push) and locally (upstream)
- ``trust.py``: the policy and the signers, optionally from the base revision
- ``evaluate.py``: verification (``tracemark.attest``), re-scan, and the policy's verdict
- ``rescan.py`` / ``dependencies.py``: findings and dependencies on the lines a commit adds
- ``report.py``: the result and its JSON (``tracemark/verify/v1``)
- ``text.py``, ``markdown.py``, ``sarif.py``, ``cyclonedx.py``: the other outputs
- ``progress.py``: the progress bar for people on a terminal
"""
