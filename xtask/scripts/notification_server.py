"""A desktop notification server (org.freedesktop.Notifications, the Desktop Notifications
Specification 1.2) on the end-to-end run's private session bus. It shows nothing: it writes each
notification it receives as a JSON line to the file given, for the tests to read what the app
sent through the real D-Bus path."""

import asyncio
import json
import sys

from dbus_next.aio import MessageBus
from dbus_next.service import ServiceInterface, method


class Notifications(ServiceInterface):
    def __init__(self, out_path):
        super().__init__("org.freedesktop.Notifications")
        self.out_path = out_path
        self.last_id = 0

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":
        self.last_id += 1
        with open(self.out_path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"id": self.last_id, "app": app_name, "summary": summary, "body": body},
                                 ensure_ascii=False) + "\n")
        return self.last_id

    @method()
    def CloseNotification(self, id: "u"):
        pass

    @method()
    def GetCapabilities(self) -> "as":
        return ["body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["masar-e2e-notifications", "Masar Desktop tests", "1.0", "1.2"]


async def main(out_path):
    bus = await MessageBus().connect()
    bus.export("/org/freedesktop/Notifications", Notifications(out_path))
    await bus.request_name("org.freedesktop.Notifications")
    open(out_path, "a", encoding="utf-8").close()
    await bus.wait_for_disconnect()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
