import subprocess


def handler(request):
    cmd = request.args["cmd"]
    # ruleid: py-subprocess-shell
    subprocess.run(cmd, shell=True)
    # ruleid: py-subprocess-shell
    subprocess.check_output("ls " + cmd, shell=True, text=True)
    # ruleid: py-subprocess-shell
    subprocess.Popen(f"grep {cmd} /var/log/syslog", shell=True)
    # ok: py-subprocess-shell
    subprocess.run(["ls", cmd])
    # ok: py-subprocess-shell
    subprocess.run("ls -l /tmp", shell=True)
    # ok: py-subprocess-shell
    subprocess.run(cmd, shell=False)


def bare(command):
    from subprocess import check_output

    # ruleid: py-subprocess-shell
    out = check_output(command, shell=True).rstrip()
    # ok: py-subprocess-shell
    volume = subprocess.check_output(["amixer set Master 5%+"], shell=True)
    return out, volume
