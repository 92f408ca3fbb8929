from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
# ruleid: py-cors-wildcard-credentials
CORS(app, supports_credentials=True)
# ruleid: py-cors-wildcard-credentials
CORS(app, origins="*", supports_credentials=True)
# ok: py-cors-wildcard-credentials
CORS(app, origins=["https://app.example.com"], supports_credentials=True)

api = FastAPI()
# ruleid: py-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: py-cors-wildcard-credentials
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
