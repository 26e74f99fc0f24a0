"""A real S3-protocol server for tests: moto in server mode, on a free port of this machine.

No S3 client is mocked: the app's storage (django-storages, boto3) talks HTTP to this
server exactly as it would to MinIO or AWS.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
ACCESS_KEY, SECRET_KEY, REGION = "cpc-test-key", "cpc-test-secret", "us-east-1"


class MotoServer:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = ROOT / "var" / f"test-moto-{os.getpid()}.log"
        self.process = None

    def start(self, timeout: float = 30) -> "MotoServer":
        self.log_path.parent.mkdir(exist_ok=True)
        self.log = self.log_path.open("w")
        server = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited:\n{self.log_path.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"moto_server did not listen in {timeout} s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if getattr(self, "log", None):
            self.log.close()
        self.log_path.unlink(missing_ok=True)

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def environ(self, bucket: str) -> dict[str, str]:
        """What a deployment sets to keep its private files in ``bucket``."""
        return {"PRIVATE_STORAGE_URL": f"s3://{bucket}/private", "AWS_S3_ENDPOINT_URL":
                self.endpoint, "AWS_S3_REGION_NAME": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def new_bucket(self) -> str:
        name = f"cpc-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()
