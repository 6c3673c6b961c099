# Microdot's hello world on the MicroPython unix port: micropython hello.py PORT
import sys

from microdot import Microdot

app = Microdot()


@app.route("/")
async def index(request):
    return "Hello, world!"

app.run(host="127.0.0.1", port=int(sys.argv[1]))
