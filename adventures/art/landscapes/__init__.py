"""The painters of each kind of scenery (adventures/art/scenery.py chooses one)."""
