#!/usr/bin/env python3
"""P8's load (issue 16): PHONES simulated phones on loopback, each on its own connection, as a
person at a venue: it reads the presence code from /presence (what its camera would read from the
QR), arrives at a random moment in the first half of SECONDS, loads the flow's form, takes from
5 % to 35 % of SECONDS to fill it in (6 to 42 s of 120), and signs (POST /p, step=sign, its own
idempotency key). As a browser does, it sends the POST on a new connection when the service has
closed the idle one (after 10 s without a request: RequestDeadlines). Prints one
line: phones=N signed=N errors=N post_p50_ms post_p99_ms get_p99_ms seconds.

usage: p8-phones.py PORT PHONES SECONDS"""
import asyncio, random, re, sys, time, urllib.parse

port, phones, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])


async def exchange(reader, writer, request):
    """Sends one request and reads its answer: (status, body, seconds)."""
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    body = await reader.readexactly(int(length.group(1))) if length else b""
    return status, body, time.perf_counter() - started


def get(path):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".encode()


async def phone(index, code, results):
    await asyncio.sleep(random.uniform(0, seconds * 0.5))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        status, _, took = await exchange(reader, writer, get(f"/P/{code}"))
        results["get"].append(took)
        if status != 200:
            raise RuntimeError(f"GET {status}")
        await asyncio.sleep(random.uniform(seconds * 0.05, seconds * 0.35))
        if reader.at_eof():
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        form = urllib.parse.urlencode({
            "lang": "vi", "presence": code, "name": f"Người ký {index}" if index % 3 else "",
            "ageBand": random.choice(["12-15", "16-17", "18-24", "25-plus"]), "province": "Hà Nội",
            "consent": "yes", "step": "sign", "key": f"p8-{index}"}).encode()
        request = (b"POST /p HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n"
                   b"Content-Type: application/x-www-form-urlencoded\r\n"
                   + f"Content-Length: {len(form)}\r\n\r\n".encode() + form)
        try:
            status, _, took = await exchange(reader, writer, request)
        except (asyncio.IncompleteReadError, ConnectionResetError) as error:
            if getattr(error, "partial", b""):
                raise
            # Closed as the request went out, before any answer: a browser sends it again on a new one.
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, _, took = await exchange(reader, writer, request)
        results["post"].append(took)
        if status != 303:
            raise RuntimeError(f"POST {status}")
        results["signed"] += 1
        writer.close()
    except Exception as error:  # every failure counts, whatever it was
        results["errors"] += 1
        results["reasons"].add(str(error)[:60])


async def main():
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    _, body, _ = await exchange(reader, writer, get("/presence"))
    writer.close()
    code = re.search(rb'class="code"[^>]*>([0-9A-Z]{6})<', body).group(1).decode()
    results = {"get": [], "post": [], "signed": 0, "errors": 0, "reasons": set()}
    started = time.perf_counter()
    await asyncio.gather(*(phone(index, code, results) for index in range(phones)))
    elapsed = time.perf_counter() - started

    def percentile(values, p):
        values = sorted(values)
        return values[min(len(values) - 1, int(len(values) * p / 100))] * 1000 if values else float("nan")

    print(f"phones={phones} signed={results['signed']} errors={results['errors']} "
          f"post_p50_ms={percentile(results['post'], 50):.1f} post_p99_ms={percentile(results['post'], 99):.1f} "
          f"get_p99_ms={percentile(results['get'], 99):.1f} seconds={elapsed:.1f}"
          + (f" reasons={sorted(results['reasons'])}" if results["reasons"] else ""))


asyncio.run(main())
