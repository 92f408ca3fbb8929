import os
from os import system


def backup(request, work_dir):
    name = request.args.get("name")
    # ruleid: py-os-system
    os.system("tar czf /backups/" + name + ".tgz " + work_dir)
    # ruleid: py-os-system
    out = os.popen(f"grep {name} /etc/passwd").read()
    # ruleid: py-os-system
    system("rm -rf %s" % name)
    # ruleid: py-os-system
    os.system(request.form["cmd"])
    # ok: py-os-system
    os.system("uptime")
    # ok: py-os-system
    os.path.join(work_dir, name)
    return out
