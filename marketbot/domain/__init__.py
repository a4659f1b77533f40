"""Plain domain objects and pure rules: the model, prices, units, typed-input readers and
market-day schedules."""
