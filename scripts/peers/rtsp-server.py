#!/usr/bin/python3
"""Vigil's RTSP test peer: GStreamer's RTSP server on loopback, for tests and benchmarks only.

Serves H.264 files already encoded (no encoding cost while serving, so a benchmark measures
Vigil, not this peer) or a live test pattern, each on its own mount:

  rtsp-server.py --port 8554 --mount cam1=/tmp/clip.mp4 --mount live=pattern [--user U --password P]

With --user and --password every mount needs RTSP digest authentication. Prints `READY <port>`
on stdout once it listens. Run it with /usr/bin/python3: Debian's GStreamer bindings (python3-gi,
gir1.2-gst-rtsp-server-1.0) belong to the system Python, not to a python3 earlier on PATH.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

PATTERN = (
    "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=10/1"
    " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10"
    " ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)


def file_launch(path):
    return (
        f'( filesrc location="{path}" ! qtdemux ! h264parse'
        " ! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mount", action="append", default=[], help="name=file.mp4 or name=pattern")
    p.add_argument("--user")
    p.add_argument("--password")
    args = p.parse_args()
    if not args.mount:
        p.error("at least one --mount")

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    secured = bool(args.user)
    if secured:
        auth = GstRtspServer.RTSPAuth()
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "viewer")
        auth.add_digest(args.user, args.password or "", token)
        server.set_auth(auth)

    for m in args.mount:
        name, _, source = m.partition("=")
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(PATTERN if source == "pattern" else file_launch(source))
        factory.set_shared(False)
        if secured:
            perms = GstRtspServer.RTSPPermissions()
            perms.add_permission_for_role("viewer", "media.factory.access", True)
            perms.add_permission_for_role("viewer", "media.factory.construct", True)
            factory.set_permissions(perms)
        mounts.add_factory("/" + name, factory)

    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"READY {args.port}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
