import requests

# ruleid: py-github-token
TOKEN = "ghp_Ab3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"


def repos():
    headers = {
        # ruleid: py-github-token
        "Authorization": "token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz012345",
    }
    return requests.get("https://api.github.com/user/repos", headers=headers, timeout=10)


# ok: py-github-token
PREFIX = "ghp_"
