"""The API blueprints: health, models, car_t, evaluations, export."""
