"""What answers a request: the models that serve, the request gate, the engine's answer shaped."""
