"""The yardstick: a bare Flask endpoint that parses and echoes the same JSON, nothing else."""
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/echo")
def echo():
    return jsonify(request.get_json())
