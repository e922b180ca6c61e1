"""Drives librouteros (Debian's python3-librouteros), unchanged, against the simulator.

Usage: interop_librouteros.py PORT MD5_PORT TLS_PORT PASSWORD
Prints one JSON object with what each step saw; any failure is printed as {"error": ...}
with exit status 1. Run by interop-librouteros.test.ts.
"""
import json
import ssl
import sys
import traceback


def main():
    try:
        import librouteros
        from librouteros import connect
        from librouteros.exceptions import MultiTrapError, TrapError
        from librouteros.login import plain, token
        from librouteros.query import And, Key, Or
    except ImportError as e:
        print(json.dumps({"error": "librouteros is not installed (apt-get install python3-librouteros): %s" % e}))
        return 1

    port, md5_port, tls_port, password = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    out = {"version": getattr(librouteros, "__version__", "?")}

    # RouterOS stores bytes; the demo router holds UTF-8 text, so read it as UTF-8 (the default,
    # ASCII, would refuse it — luqasz/librouteros#371).
    api = connect("127.0.0.1", "admin", password, port=port, login_method=plain, encoding="utf-8", timeout=5)
    out["identity"] = list(api.path("system", "identity"))
    ifaces = api.path("interface")
    out["names"] = [r["name"] for r in ifaces]

    addr = api.path("ip", "address")
    new_id = addr.add(address="10.7.7.1/24", interface="ether5", comment="py")
    addr.update(**{".id": new_id, "comment": "py-changed"})
    out["after_set"] = [r for r in addr if r[".id"] == new_id]
    addr.remove(new_id)
    out["after_remove"] = [r[".id"] for r in addr]

    name, type_, mtu = Key("name"), Key("type"), Key("mtu")
    out["or"] = [r["name"] for r in ifaces.select(name).where(Or(type_ == "bridge", type_ == "vlan"))]
    out["in"] = [r["name"] for r in ifaces.select(name).where(name.In("ether1", "ether3", "vlan10"))]
    out["ne_and"] = [r["name"] for r in ifaces.select(name).where(And(type_ != "ether", mtu == 1500))]
    out["proplist"] = list(ifaces.select(name, mtu).where(name == "ether2"))
    out["count"] = list(api.rawCmd("/interface/print", "=count-only=", "?type=ether"))

    try:
        tuple(addr("add", address="10.0.0.1/40", interface="ether5"))
    except TrapError as e:
        out["trap"] = [e.message, e.category]
    try:
        tuple(api.rawCmd("/ip/adress/print"))
    except MultiTrapError as e:
        out["multitrap"] = [[t.message, t.category] for t in e.traps]

    # listen + a change from another connection + /cancel, sentence by sentence.
    other = connect("127.0.0.1", "admin", password, port=port, encoding="utf-8", timeout=5)
    api.protocol.writeSentence("/interface/listen")
    # A print behind it on the same connection: once it is answered, the listen is running.
    api.protocol.writeSentence("/system/identity/print")
    out["before_change"] = [api.readSentence()[0], api.readSentence()[0]]
    other.path("interface").update(**{".id": "ether3", "comment": "from-python"})
    reply, words = api.readSentence()
    out["listen"] = [reply, words.get("name"), words.get("comment")]
    api.protocol.writeSentence("/cancel")
    seq = []
    while sum(1 for s in seq if s[0] == "!done") < 2:
        r, w = api.readSentence()
        seq.append([r, w.get("message"), w.get("category")])
    out["cancel"] = seq
    out["after_cancel"] = list(api.path("system", "identity"))
    other.close()
    api.close()

    old = connect("127.0.0.1", "admin", password, port=md5_port, login_method=token, encoding="utf-8", timeout=5)
    out["md5"] = [r["version"] for r in old.path("system", "resource")]
    old.close()

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("ADH-AES256-GCM-SHA384:ADH-AES128-SHA:@SECLEVEL=0")
    secure = connect("127.0.0.1", "admin", password, port=tls_port, encoding="utf-8", timeout=5, ssl_wrapper=ctx.wrap_socket)
    out["tls"] = [list(secure.path("system", "identity")), secure.protocol.transport.sock.cipher()[0]]
    secure.close()

    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        print(json.dumps({"error": traceback.format_exc()}))
        sys.exit(1)
