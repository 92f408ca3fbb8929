import asyncio


async def ping(host):
    # ruleid: py-asyncio-shell
    proc = await asyncio.create_subprocess_shell(f"ping -c 1 {host}")
    # ruleid: py-asyncio-shell
    await asyncio.create_subprocess_shell("nslookup " + host)
    # ok: py-asyncio-shell
    await asyncio.create_subprocess_exec("ping", "-c", "1", host)
    # ok: py-asyncio-shell
    await asyncio.create_subprocess_shell("uptime")
    return proc
