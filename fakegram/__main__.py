"""``python -m fakegram --port 8081 --token 123456:TEST``: serve the fake until killed."""

from fakegram.server import main

main()
