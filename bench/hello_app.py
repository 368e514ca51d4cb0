"""A bare Flask "hello" app: the baseline bench/pages.py compares Fieldkit's throughput to."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
