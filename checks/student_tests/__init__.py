"""The tests a student runs (`pytest --submission FILE`), shipped with the package so an installed gradjudge has them."""
