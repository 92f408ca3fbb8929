import os

from openai import OpenAI

# ruleid: py-ai-api-key
client = OpenAI(api_key="sk-proj-Xy3kQ9vR2mT8nW4pL6sJ1hF5dG7bC0aZeYuIoP")
# ruleid: py-ai-api-key
ANTHROPIC_KEY = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefgh-XYZ"
# ruleid: py-ai-api-key
GOOGLE_KEY = "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"
# ok: py-ai-api-key
env_client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
# ok: py-ai-api-key
MODEL = "sk-learn-classifier"
